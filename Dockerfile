# mailpipe worker image. Build: docker build -t mailpipe:0.1.0 .
# Stage 1 builds target/mailpipe.jar and target/lib with Maven; stage 2 makes the class-data sharing archive with a
# training run of `mailpipe demo` on the same JRE as the image (an archive only fits the JVM build that made it);
# stage 3 is that JRE with the jar, its libraries and the archive.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# dependencies first, so that a source change does not download them again
COPY pom.xml ./
RUN mvn -B -q -Dexec.skip=true dependency:go-offline
COPY src src
COPY routes routes
COPY schemas schemas
COPY examples examples
# the local Kafka broker's jars (for the training run only, not in the image) and the worker jar; the archive is made
# in the next stage, on the image's own JRE
RUN mvn -B -q -DskipTests -Dmailpipe.cds.skip=true package

FROM eclipse-temurin:17-jre AS cds
WORKDIR /app
COPY --from=build /src/target/mailpipe.jar /app/mailpipe.jar
COPY --from=build /src/target/lib /app/lib
COPY --from=build /src/target/kafka-broker /tmp/kafka-broker
COPY --from=build /src/examples /app/examples
# the same paths as in the image: an archive records the class path it was made with
RUN java -XX:ArchiveClassesAtExit=/app/mailpipe.jsa -Xlog:cds*=error -Dmailpipe.brokerLib=/tmp/kafka-broker \
        -jar /app/mailpipe.jar demo --data-dir /tmp/cds-training > /tmp/cds-training.log 2>&1 \
 || (tail -50 /tmp/cds-training.log; exit 1)

FROM eclipse-temurin:17-jre
# a system user without a shell or home; the image runs as it, never as root
RUN groupadd --system --gid 10001 mailpipe \
 && useradd --system --uid 10001 --gid mailpipe --no-create-home --shell /usr/sbin/nologin mailpipe \
 && mkdir -p /etc/mailpipe /var/lib/mailpipe \
 && chown mailpipe:mailpipe /var/lib/mailpipe
WORKDIR /app
COPY --from=cds /app/mailpipe.jar /app/mailpipe.jar
COPY --from=cds /app/lib /app/lib
COPY --from=cds /app/mailpipe.jsa /app/mailpipe.jsa
COPY --from=build /src/examples /app/examples
USER 10001:10001
# JSON logs on stderr; worker.dataDir (only used by the local broker) on a writable path
ENV MAILPIPE_LOG_FORMAT=json \
    MAILPIPE_WORKER_DATA_DIR=/var/lib/mailpipe \
    MAILPIPE_JAVA_OPTS="-XX:MaxRAMPercentage=55 -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1 -XX:SharedArchiveFile=/app/mailpipe.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
# management.port: GET /observe/metrics, /observe/health/live, /observe/health/ready
EXPOSE 8081
ENTRYPOINT ["sh", "-c", "exec java $MAILPIPE_JAVA_OPTS -jar /app/mailpipe.jar \"$@\"", "mailpipe"]
CMD ["run", "--config", "/etc/mailpipe/mailpipe.yaml"]
