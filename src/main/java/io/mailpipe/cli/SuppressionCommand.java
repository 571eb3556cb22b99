package io.mailpipe.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.kafka.RecordPublisher;
import io.mailpipe.kafka.TopicFollower;
import io.mailpipe.suppression.Addresses;
import io.mailpipe.suppression.SuppressionEntry;
import io.mailpipe.suppression.SuppressionJson;
import io.mailpipe.suppression.SuppressionReason;
import io.mailpipe.suppression.SuppressionState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code mailpipe suppression list|add|remove}: reads and changes the suppression list ({@code mail.suppressions}). */
@Command(name = "suppression", mixinStandardHelpOptions = true, description = "Show or change the suppression list (addresses mailpipe does not send to).",
        subcommands = {SuppressionCommand.ListCommand.class, SuppressionCommand.AddCommand.class, SuppressionCommand.RemoveCommand.class})
final class SuppressionCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CliException(CliException.USAGE, "say what to do: list, add ADDRESS or remove ADDRESS; see 'mailpipe suppression --help'");
    }

    /** Broker and topic, once Kafka answered. */
    private static Target target(picocli.CommandLine.Model.CommandSpec spec) {
        CliContext cli = CliContext.of(spec);
        KafkaSettings kafka = cli.kafka();
        var connection = cli.connect(kafka);
        TopicChecks.warnUnlessCompacted(connection, kafka.topics().suppressions(), cli.kafkaTimeout(), cli.err());
        return new Target(connection, kafka.topics().suppressions());
    }

    private record Target(io.mailpipe.kafka.KafkaConnection servers, String topic) {
        SuppressionState read() {
            SuppressionState state = new SuppressionState();
            try (TopicFollower f = new TopicFollower("suppression-cli", servers, List.of(topic), state::apply, Duration.ofSeconds(3))) {
                f.start(Duration.ofSeconds(60));
            }
            return state;
        }

        /** The list; a CliException when it cannot be read (no topic). */
        SuppressionState readOrSay() {
            try {
                return read();
            } catch (RuntimeException e) {
                throw new CliException(CliException.UNAVAILABLE, "cannot read the suppression list " + topic + ": " + e.getMessage());
            }
        }

        void publish(org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> record) {
            try (RecordPublisher p = new RecordPublisher(servers, Duration.ofSeconds(30), 1024 * 1024)) {
                p.publish(List.of(record));
            } catch (RuntimeException e) {
                throw new CliException(CliException.UNAVAILABLE, "could not write to " + topic + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print every suppressed address: address, reason, since, source.")
    static final class ListCommand implements Callable<Integer> {
        @Mixin
        GlobalOptions global;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Target t = target(spec);
            SuppressionState state = t.readOrSay();
            List<SuppressionEntry> all = state.all();
            for (SuppressionEntry e : all) {
                System.out.println(e.address() + "\t" + e.reason() + "\t" + e.since() + "\t" + e.source()
                        + (e.detail() == null ? "" : "\t" + e.detail()));
            }
            System.err.println(all.size() + " address(es) suppressed (" + t.topic() + ")");
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Suppress an address (reason manual).")
    static final class AddCommand implements Callable<Integer> {
        @Mixin
        GlobalOptions global;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "ADDRESS", description = "The address, e.g. anna@example.org.")
        String address;

        @Option(names = "--note", description = "A note kept with the entry (detail).")
        String note;

        @Override
        public Integer call() {
            String normalised = Addresses.normalise(address);
            if (normalised == null || !normalised.contains("@")) {
                throw new CliException(CliException.USAGE, "'" + address + "' is not an address (expected local@domain)");
            }
            Target t = target(spec);
            // reading first checks that the (compacted) topic exists: writing to a missing one could auto-create it
            // without compaction
            SuppressionState state = t.readOrSay();
            if (state.contains(normalised)) {
                System.out.println(normalised + " is already suppressed (" + state.get(normalised).get().reason() + ")");
                return 0;
            }
            t.publish(SuppressionJson.add(t.topic(),
                    new SuppressionEntry(normalised, SuppressionReason.MANUAL.code(), Instant.now(), "cli", note)));
            System.out.println("suppressed " + normalised);
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Take an address off the suppression list.")
    static final class RemoveCommand implements Callable<Integer> {
        @Mixin
        GlobalOptions global;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "ADDRESS", description = "The address.")
        String address;

        @Override
        public Integer call() {
            String normalised = Addresses.normalise(address);
            if (normalised == null) {
                throw new CliException(CliException.USAGE, "give an address");
            }
            Target t = target(spec);
            SuppressionState state = t.readOrSay();
            if (!state.contains(normalised)) {
                System.out.println(normalised + " is not suppressed; nothing to do");
                return 0;
            }
            t.publish(SuppressionJson.remove(t.topic(), normalised));
            System.out.println("removed " + normalised);
            return 0;
        }
    }
}
