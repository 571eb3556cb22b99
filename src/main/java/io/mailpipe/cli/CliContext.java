package io.mailpipe.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.mailpipe.config.CliSettings;
import io.mailpipe.config.ConfigException;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.kafka.KafkaConnection;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a command needs from the command line and its configuration, in one place: the configuration file (given with
 * {@code --config} anywhere, else {@code mailpipe.yaml}), the brokers ({@code --bootstrap-servers} wins), a Kafka
 * that answers within the timeout, and the output streams. Every failure is a {@link CliException} with one line.
 */
final class CliContext {
    static final Path DEFAULT_CONFIG = Path.of("mailpipe.yaml");

    private final GlobalOptions.Values values;
    private final CommandSpec spec;
    private MailpipeConfig config;

    private CliContext(CommandSpec spec) {
        this.spec = spec;
        this.values = GlobalOptions.of(spec);
    }

    static CliContext of(CommandSpec spec) {
        return new CliContext(spec);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The configuration file to read. */
    Path configFile() {
        return values.config != null ? values.config : DEFAULT_CONFIG;
    }

    /** The configuration; {@code why} says what the command needs it for when the file is missing. */
    MailpipeConfig config(String why) {
        if (config == null) {
            Path file = configFile();
            if (!Files.isReadable(file)) {
                throw new CliException(CliException.USAGE, "configuration file " + file + " not found"
                        + (why.isEmpty() ? "" : " (" + why + ")") + ": copy mailpipe.example.yaml to " + file
                        + " and adapt it, or pass --config FILE");
            }
            try {
                config = MailpipeConfig.load(file);
            } catch (ConfigException e) {
                throw new CliException(CliException.USAGE, e.getMessage());
            }
            if (values.bootstrapServers != null) {
                config = config.withKafka(config.kafka().withBootstrapServers(values.bootstrapServers));
            }
        }
        return config;
    }

    /** The configuration when one was given or {@code mailpipe.yaml} exists, else null (broker and topic names only). */
    MailpipeConfig configIfAny() {
        return values.config != null || Files.isReadable(DEFAULT_CONFIG) ? config("") : null;
    }

    /** The Kafka settings of the configuration, or the defaults when there is none; with a broker list. */
    KafkaSettings kafka() {
        MailpipeConfig cfg = configIfAny();
        KafkaSettings kafka = cfg != null ? cfg.kafka() : KafkaSettings.defaults();
        if (values.bootstrapServers != null) {
            kafka = kafka.withBootstrapServers(values.bootstrapServers);
        }
        if (kafka.useLocalBroker()) {
            throw new CliException(CliException.USAGE, "no broker: pass --bootstrap-servers, set KAFKA_BOOTSTRAP_SERVERS, "
                    + "or name one in the configuration (kafka.bootstrapServers)");
        }
        return kafka;
    }

    /** How long to wait for Kafka: --kafka-timeout, else cli.kafkaTimeout. */
    Duration kafkaTimeout() {
        if (values.kafkaTimeout != null) {
            return values.kafkaTimeout;
        }
        return config != null ? config.cli().kafkaTimeout() : CliSettings.defaults().kafkaTimeout();
    }

    /** The connection, once the brokers answered within the timeout. */
    KafkaConnection connect(KafkaSettings kafka) {
        KafkaCheck.reachable(kafka.connection(), kafkaTimeout());
        return kafka.connection();
    }

    boolean verbose() {
        return values.verbose;
    }
}
