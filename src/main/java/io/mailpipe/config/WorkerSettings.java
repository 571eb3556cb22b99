package io.mailpipe.config;

import java.time.Duration;

/**
 * The worker process ({@code worker:} in mailpipe.yaml).
 *
 * @param maxRequestBytes largest request record accepted (default 32 MiB); larger ones are REJECTED
 * @param shutdownTimeout how long SIGTERM waits for in-flight sends to finish (default 30 s)
 * @param routes          the Camel YAML route files, comma-separated Camel resource patterns (default: the three files
 *                        of {@code routes/} inside the jar; ops may point at {@code file:/etc/mailpipe/routes/*.yaml})
 * @param dataDir         local state such as the embedded broker's data (default {@code .mailpipe})
 * @param sendThreads     requests a worker delivers at once (default 16): the threads that compose, send and record
 *                        a batch's requests; each account's {@code limits.concurrency} still bounds its sessions
 */
public record WorkerSettings(Long maxRequestBytes, Duration shutdownTimeout, String routes, String dataDir, Integer sendThreads) {

    /** Named one by one: a wildcard would find a second copy when the project folder is also on the classpath. */
    public static final String DEFAULT_ROUTES = "classpath:routes/send-pipeline.yaml,classpath:routes/error-policy.yaml,"
            + "classpath:routes/bounce-pipeline.yaml";

    public WorkerSettings {
        maxRequestBytes = maxRequestBytes == null ? 32L * 1024 * 1024 : maxRequestBytes;
        shutdownTimeout = shutdownTimeout == null ? Duration.ofSeconds(30) : shutdownTimeout;
        routes = routes == null ? DEFAULT_ROUTES : routes;
        dataDir = dataDir == null ? ".mailpipe" : dataDir;
        sendThreads = sendThreads == null ? 16 : sendThreads;
        if (sendThreads < 1 || sendThreads > 1024) {
            throw new ConfigException("worker.sendThreads must be between 1 and 1024, not " + sendThreads);
        }
    }

    public WorkerSettings(Long maxRequestBytes, Duration shutdownTimeout, String routes, String dataDir) {
        this(maxRequestBytes, shutdownTimeout, routes, dataDir, null);
    }

    public static WorkerSettings defaults() {
        return new WorkerSettings(null, null, null, null, null);
    }
}
