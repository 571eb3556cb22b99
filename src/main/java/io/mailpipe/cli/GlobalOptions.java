package io.mailpipe.cli;

import java.nio.file.Path;
import java.time.Duration;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Options every command accepts, before or after its name ({@code mailpipe --config x.yaml quota} and
 * {@code mailpipe quota --config x.yaml} alike): each command mixes this in, and every copy stores what it is given in
 * the one {@link Values} of the top-level command.
 */
public final class GlobalOptions {

    /** What was given, wherever it was given. */
    static final class Values {
        Path config;
        String bootstrapServers;
        Duration kafkaTimeout;
        boolean verbose;
    }

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration file (default: mailpipe.yaml in the working directory).")
    void config(Path file) {
        if (file != null) {
            values().config = file;
        }
    }

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
            description = "Kafka brokers (default: the configuration's, else KAFKA_BOOTSTRAP_SERVERS).")
    void bootstrapServers(String servers) {
        if (servers != null) {
            values().bootstrapServers = servers;
        }
    }

    @Option(names = "--kafka-timeout", paramLabel = "DURATION", converter = TimeArg.DurationConverter.class,
            description = "Give up when Kafka does not answer within this (default: cli.kafkaTimeout, 5s).")
    void kafkaTimeout(Duration timeout) {
        if (timeout != null) {
            values().kafkaTimeout = timeout;
        }
    }

    @Option(names = "--verbose", description = "Also print mailpipe's and Kafka's log lines.")
    void verbose(boolean verbose) {
        if (verbose) {
            values().verbose = true;
        }
    }

    private Values values() {
        return of(mixee);
    }

    /** The values of the command line {@code spec} belongs to. */
    static Values of(CommandSpec spec) {
        return ((MailpipeCli) spec.root().userObject()).values;
    }
}
