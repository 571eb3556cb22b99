package io.mailpipe.config;

import java.time.Duration;

/**
 * The management HTTP server of a worker ({@code management:} in mailpipe.yaml): Prometheus metrics and health.
 * See docs/operations.md for the paths and every metric.
 *
 * @param enabled       serve metrics and health (default true)
 * @param host          address to bind (default {@code 0.0.0.0}, every interface; the port carries no secrets)
 * @param port          TCP port (default 8081; 0 picks a free one, as tests do)
 * @param probeInterval how often readiness re-checks Kafka and the SMTP accounts and consumer lag is read (default 15 s)
 * @param probeTimeout  how long one check may take before it counts as unreachable (default 5 s)
 * @param backlogInterval how often the worker reads the backlog (waiting requests per pool) and estimates when it will
 *                      be out, for the {@code mailpipe_backlog_*} and {@code mailpipe_pool_*} metrics (default 1 min)
 */
public record ManagementSettings(Boolean enabled, String host, Integer port, Duration probeInterval, Duration probeTimeout,
                                 Duration backlogInterval) {

    public ManagementSettings(Boolean enabled, String host, Integer port, Duration probeInterval, Duration probeTimeout) {
        this(enabled, host, port, probeInterval, probeTimeout, null);
    }

    public static final int DEFAULT_PORT = 8081;

    public ManagementSettings {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        host = host == null || host.isBlank() ? "0.0.0.0" : host;
        port = port == null ? DEFAULT_PORT : port;
        probeInterval = probeInterval == null ? Duration.ofSeconds(15) : probeInterval;
        probeTimeout = probeTimeout == null ? Duration.ofSeconds(5) : probeTimeout;
        backlogInterval = backlogInterval == null ? Duration.ofMinutes(1) : backlogInterval;
        if (backlogInterval.toMillis() < 100) {
            throw new ConfigException("management.backlogInterval must be at least 100 ms");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException("management.port must be between 0 and 65535");
        }
        if (probeInterval.toMillis() < 100 || probeTimeout.toMillis() < 100) {
            throw new ConfigException("management.probeInterval and management.probeTimeout must be at least 100 ms");
        }
    }

    public static ManagementSettings defaults() {
        return new ManagementSettings(null, null, null, null, null, null);
    }

    /** The same settings on another port (0: a free one). */
    public ManagementSettings withPort(int newPort) {
        return new ManagementSettings(enabled, host, newPort, probeInterval, probeTimeout, backlogInterval);
    }

    public ManagementSettings withProbeInterval(Duration interval) {
        return new ManagementSettings(enabled, host, port, interval, probeTimeout, backlogInterval);
    }

    public ManagementSettings withBacklogInterval(Duration interval) {
        return new ManagementSettings(enabled, host, port, probeInterval, probeTimeout, interval);
    }
}
