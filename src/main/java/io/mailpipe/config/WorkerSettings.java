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
 * @param stateDir        where the delivery ledger keeps the finished request ids of the partitions this worker
 *                        consumes (RocksDB, one folder per partition of {@code mail.outcomes}); empty (default): a fresh
 *                        temporary folder, removed at exit, so every start restores its partitions from
 *                        {@code mail.outcomes}; set it to a folder of this worker alone (a StatefulSet volume) to keep the
 *                        stores across restarts, so that a restart reads only what was written meanwhile
 * @param stateRetention  how long the ledger keeps a finished id at least (default P30D); a redelivered or re-published
 *                        request older than this (and than {@code mail.outcomes}' retention) is not recognised as done
 */
public record WorkerSettings(Long maxRequestBytes, Duration shutdownTimeout, String routes, String dataDir, Integer sendThreads,
                             String stateDir, Duration stateRetention) {

    /** Named one by one: a wildcard would find a second copy when the project folder is also on the classpath. */
    public static final String DEFAULT_ROUTES = "classpath:routes/send-pipeline.yaml,classpath:routes/error-policy.yaml,"
            + "classpath:routes/bounce-pipeline.yaml";

    public WorkerSettings {
        maxRequestBytes = maxRequestBytes == null ? 32L * 1024 * 1024 : maxRequestBytes;
        shutdownTimeout = shutdownTimeout == null ? Duration.ofSeconds(30) : shutdownTimeout;
        routes = routes == null ? DEFAULT_ROUTES : routes;
        dataDir = dataDir == null ? ".mailpipe" : dataDir;
        sendThreads = sendThreads == null ? 16 : sendThreads;
        stateDir = stateDir == null ? "" : stateDir.trim();
        stateRetention = stateRetention == null ? Duration.ofDays(30) : stateRetention;
        if (stateRetention.compareTo(Duration.ofHours(1)) < 0) {
            throw new ConfigException("worker.stateRetention must be at least PT1H (longer than any retry or replay window), not "
                    + stateRetention);
        }
        if (sendThreads < 1 || sendThreads > 1024) {
            throw new ConfigException("worker.sendThreads must be between 1 and 1024, not " + sendThreads);
        }
    }

    public WorkerSettings(Long maxRequestBytes, Duration shutdownTimeout, String routes, String dataDir) {
        this(maxRequestBytes, shutdownTimeout, routes, dataDir, null);
    }

    public WorkerSettings(Long maxRequestBytes, Duration shutdownTimeout, String routes, String dataDir, Integer sendThreads) {
        this(maxRequestBytes, shutdownTimeout, routes, dataDir, sendThreads, null, null);
    }

    public static WorkerSettings defaults() {
        return new WorkerSettings(null, null, null, null, null, null, null);
    }

    /** The ledger's state folder, or null for a temporary one. */
    public java.nio.file.Path stateDirPath() {
        return stateDir.isEmpty() ? null : java.nio.file.Path.of(stateDir);
    }
}
