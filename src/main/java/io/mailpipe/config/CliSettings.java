package io.mailpipe.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The command-line tools ({@code cli:} in mailpipe.yaml): {@code status}, {@code report}, {@code quota},
 * {@code replay}, {@code suppression}, {@code publish}.
 *
 * @param kafkaTimeout how long a command waits for Kafka to answer before it gives up with one line naming the brokers
 *                     (default 5 s; {@code --kafka-timeout} on the command line wins)
 * @param workers      management URLs of workers ({@code http://worker-1:8081}) whose metrics {@code status} reads for
 *                     what only a worker knows (an account it disabled); unreachable ones are skipped (default: none)
 */
public record CliSettings(Duration kafkaTimeout, List<URI> workers) {

    public CliSettings {
        kafkaTimeout = kafkaTimeout == null ? Duration.ofSeconds(5) : kafkaTimeout;
        workers = workers == null ? List.of() : List.copyOf(workers);
        if (kafkaTimeout.toMillis() < 100) {
            throw new ConfigException("cli.kafkaTimeout must be at least 100 ms");
        }
        for (URI w : workers) {
            if (!"http".equals(w.getScheme()) && !"https".equals(w.getScheme())) {
                throw new ConfigException("cli.workers: '" + w + "' is not an http(s) URL (example: http://worker-1:8081)");
            }
        }
    }

    public static CliSettings defaults() {
        return new CliSettings(null, null);
    }
}
