package io.mailpipe.config;

import java.time.Duration;

/**
 * The worker process ({@code worker:} in mailpipe.yaml).
 *
 * @param maxRequestBytes largest request record accepted (default 32 MiB); larger ones are REJECTED
 * @param shutdownTimeout how long SIGTERM waits for in-flight sends to finish (default 30 s)
 * @param routes          where the Camel YAML routes are (default {@code classpath:routes/*.yaml})
 * @param dataDir         local state such as the embedded broker's data (default {@code .mailpipe})
 */
public record WorkerSettings(Long maxRequestBytes, Duration shutdownTimeout, String routes, String dataDir) {
    public WorkerSettings {
        maxRequestBytes = maxRequestBytes == null ? 32L * 1024 * 1024 : maxRequestBytes;
        shutdownTimeout = shutdownTimeout == null ? Duration.ofSeconds(30) : shutdownTimeout;
        routes = routes == null ? "classpath:routes/*.yaml" : routes;
        dataDir = dataDir == null ? ".mailpipe" : dataDir;
    }

    public static WorkerSettings defaults() {
        return new WorkerSettings(null, null, null, null);
    }
}
