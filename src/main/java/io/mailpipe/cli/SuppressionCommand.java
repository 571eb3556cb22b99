package io.mailpipe.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

import io.mailpipe.config.ConfigException;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.kafka.RecordPublisher;
import io.mailpipe.kafka.TopicFollower;
import io.mailpipe.suppression.Addresses;
import io.mailpipe.suppression.SuppressionEntry;
import io.mailpipe.suppression.SuppressionJson;
import io.mailpipe.suppression.SuppressionReason;
import io.mailpipe.suppression.SuppressionState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/** {@code mailpipe suppression list|add|remove}: reads and changes the suppression list ({@code mail.suppressions}). */
@Command(name = "suppression", description = "Show or change the suppression list (addresses mailpipe does not send to).",
        subcommands = {SuppressionCommand.ListCommand.class, SuppressionCommand.AddCommand.class, SuppressionCommand.RemoveCommand.class})
final class SuppressionCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, description = "Configuration file for broker and topic names (default: mailpipe.yaml if it exists).")
    Path config;

    @Option(names = "--bootstrap-servers", description = "Kafka brokers (default: the configuration's, else KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 2;
    }

    /** Broker and topic, or null after printing why not. */
    private Target target() {
        KafkaSettings kafka;
        try {
            Path cfg = config != null ? config : Path.of("mailpipe.yaml");
            kafka = config != null || Files.isReadable(cfg) ? MailpipeConfig.load(cfg).kafka() : KafkaSettings.defaults();
        } catch (ConfigException e) {
            System.err.println("mailpipe: " + e.getMessage());
            return null;
        }
        String servers = bootstrapServers != null ? bootstrapServers : kafka.bootstrapServers();
        if (servers.isBlank()) {
            System.err.println("mailpipe: no broker: pass --bootstrap-servers, set KAFKA_BOOTSTRAP_SERVERS, or name one in the configuration");
            return null;
        }
        return new Target(kafka.withBootstrapServers(servers).connection(), kafka.topics().suppressions());
    }

    private record Target(io.mailpipe.kafka.KafkaConnection servers, String topic) {
        SuppressionState read() {
            SuppressionState state = new SuppressionState();
            try (TopicFollower f = new TopicFollower("suppression-cli", servers, List.of(topic), state::apply, Duration.ofSeconds(3))) {
                f.start(Duration.ofSeconds(60));
            }
            return state;
        }

        /** The list, or null after printing why it cannot be read (no broker, no topic). */
        SuppressionState readOrSay() {
            try {
                return read();
            } catch (RuntimeException e) {
                System.err.println("mailpipe: cannot read the suppression list: " + e.getMessage());
                return null;
            }
        }

        boolean publish(org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> record) {
            try (RecordPublisher p = new RecordPublisher(servers, Duration.ofSeconds(30), 1024 * 1024)) {
                p.publish(List.of(record));
                return true;
            } catch (RuntimeException e) {
                System.err.println("mailpipe: could not write to " + topic + ": " + e.getMessage());
                return false;
            }
        }
    }

    @Command(name = "list", description = "Print every suppressed address: address, reason, since, source.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        SuppressionCommand parent;

        @Override
        public Integer call() {
            Target t = parent.target();
            if (t == null) {
                return 2;
            }
            SuppressionState state = t.readOrSay();
            if (state == null) {
                return 1;
            }
            List<SuppressionEntry> all = state.all();
            for (SuppressionEntry e : all) {
                System.out.println(e.address() + "\t" + e.reason() + "\t" + e.since() + "\t" + e.source()
                        + (e.detail() == null ? "" : "\t" + e.detail()));
            }
            System.err.println(all.size() + " address(es) suppressed (" + t.topic() + ")");
            return 0;
        }
    }

    @Command(name = "add", description = "Suppress an address (reason manual).")
    static final class AddCommand implements Callable<Integer> {
        @ParentCommand
        SuppressionCommand parent;

        @Parameters(paramLabel = "ADDRESS", description = "The address, e.g. anna@example.org.")
        String address;

        @Option(names = "--note", description = "A note kept with the entry (detail).")
        String note;

        @Override
        public Integer call() {
            String normalised = Addresses.normalise(address);
            if (normalised == null || !normalised.contains("@")) {
                System.err.println("mailpipe: '" + address + "' is not an address (expected local@domain)");
                return 2;
            }
            Target t = parent.target();
            if (t == null) {
                return 2;
            }
            // reading first checks that the (compacted) topic exists: writing to a missing one could auto-create it
            // without compaction
            SuppressionState state = t.readOrSay();
            if (state == null) {
                return 1;
            }
            if (state.contains(normalised)) {
                System.out.println(normalised + " is already suppressed (" + state.get(normalised).get().reason() + ")");
                return 0;
            }
            if (!t.publish(SuppressionJson.add(t.topic(),
                    new SuppressionEntry(normalised, SuppressionReason.MANUAL.code(), Instant.now(), "cli", note)))) {
                return 1;
            }
            System.out.println("suppressed " + normalised);
            return 0;
        }
    }

    @Command(name = "remove", description = "Take an address off the suppression list.")
    static final class RemoveCommand implements Callable<Integer> {
        @ParentCommand
        SuppressionCommand parent;

        @Parameters(paramLabel = "ADDRESS", description = "The address.")
        String address;

        @Override
        public Integer call() {
            String normalised = Addresses.normalise(address);
            if (normalised == null) {
                System.err.println("mailpipe: give an address");
                return 2;
            }
            Target t = parent.target();
            if (t == null) {
                return 2;
            }
            SuppressionState state = t.readOrSay();
            if (state == null) {
                return 1;
            }
            if (!state.contains(normalised)) {
                System.out.println(normalised + " is not suppressed; nothing to do");
                return 0;
            }
            if (!t.publish(SuppressionJson.remove(t.topic(), normalised))) {
                return 1;
            }
            System.out.println("removed " + normalised);
            return 0;
        }
    }
}
