# mailpipe worker image. Build: docker build -t mailpipe:0.1.0 .
# Stage 1 builds target/mailpipe.jar and target/lib with Maven; stage 2 is a JRE with only those.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# dependencies first, so that a source change does not download them again
COPY pom.xml ./
RUN mvn -B -q -Dexec.skip=true dependency:go-offline
COPY src src
COPY routes routes
COPY schemas schemas
COPY examples examples
# the local Kafka broker (exec plugin) is for `mailpipe demo` and tests only: not in the image
RUN mvn -B -q -Dexec.skip=true -DskipTests package

FROM eclipse-temurin:17-jre
# a system user without a shell or home; the image runs as it, never as root
RUN groupadd --system --gid 10001 mailpipe \
 && useradd --system --uid 10001 --gid mailpipe --no-create-home --shell /usr/sbin/nologin mailpipe \
 && mkdir -p /etc/mailpipe /var/lib/mailpipe \
 && chown mailpipe:mailpipe /var/lib/mailpipe
WORKDIR /app
COPY --from=build /src/target/mailpipe.jar /app/mailpipe.jar
COPY --from=build /src/target/lib /app/lib
COPY --from=build /src/examples /app/examples
USER 10001:10001
# JSON logs on stderr; worker.dataDir (only used by the local broker) on a writable path
ENV MAILPIPE_LOG_FORMAT=json \
    MAILPIPE_WORKER_DATA_DIR=/var/lib/mailpipe \
    MAILPIPE_JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# management.port: GET /observe/metrics, /observe/health/live, /observe/health/ready
EXPOSE 8081
ENTRYPOINT ["sh", "-c", "exec java $MAILPIPE_JAVA_OPTS -jar /app/mailpipe.jar \"$@\"", "mailpipe"]
CMD ["run", "--config", "/etc/mailpipe/mailpipe.yaml"]
