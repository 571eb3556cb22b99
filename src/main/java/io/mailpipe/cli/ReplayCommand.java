package io.mailpipe.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import io.mailpipe.config.ConfigException;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.replay.ProgressBar;
import io.mailpipe.replay.ReplayFilter;
import io.mailpipe.replay.Replayer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mailpipe replay}: sends failed requests again once their cause is fixed (see docs/operations.md). Reads the
 * dead letters (or FAILED/EXPIRED outcomes), keeps those that pass the filters, checks each again against the
 * current configuration, and re-publishes the original records to the requests topic. Each failure is replayed
 * at most once (recorded in the replays topic).
 */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Re-publish failed requests (dead letters, or FAILED/EXPIRED outcomes) once their cause is fixed.")
final class ReplayCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Configuration file: brokers, topics, and the accounts requests are checked against (default: ${DEFAULT-VALUE}).",
            defaultValue = "mailpipe.yaml")
    Path config;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...", description = "Kafka brokers (default: the configuration's, else KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--from", paramLabel = "dlq|outcomes", description = "Where failed requests are found: dlq (REJECTED and EXPIRED) or outcomes (FAILED and EXPIRED). Default: ${DEFAULT-VALUE}.",
            defaultValue = "dlq")
    String from;

    @Option(names = "--since", paramLabel = "INSTANT", description = "Only failures at or after this ISO-8601 instant.")
    Instant since;

    @Option(names = "--until", paramLabel = "INSTANT", description = "Only failures before this ISO-8601 instant.")
    Instant until;

    @Option(names = "--reason", split = ",", paramLabel = "CODE", description = "Only these reason codes (e.g. unknown_account,attempts_exhausted).")
    Set<String> reasons;

    @Option(names = "--account", split = ",", paramLabel = "NAME", description = "Only requests that named, or were last tried with, these accounts.")
    Set<String> accounts;

    @Option(names = "--campaign", split = ",", paramLabel = "NAME", description = "Only these campaigns.")
    Set<String> campaigns;

    @Option(names = "--id", split = ",", paramLabel = "ID", description = "Only these request ids.")
    Set<String> ids;

    @Option(names = "--dry-run", description = "Show what would be replayed and why others are skipped; write nothing.")
    boolean dryRun;

    @Option(names = "--rate", paramLabel = "PER_SECOND", description = "Requests re-published per second at most (0: no limit). Default: ${DEFAULT-VALUE}.",
            defaultValue = "20")
    double rate;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        MailpipeConfig cfg;
        try {
            if (!Files.isReadable(config)) {
                err.println("mailpipe: configuration file " + config + " not found; replay checks requests against the accounts"
                        + " configured there: pass --config FILE");
                return 2;
            }
            cfg = MailpipeConfig.load(config);
        } catch (ConfigException e) {
            err.println("mailpipe: " + e.getMessage());
            return 2;
        }
        if (bootstrapServers != null) {
            cfg = cfg.withKafka(cfg.kafka().withBootstrapServers(bootstrapServers));
        }
        if (cfg.kafka().useLocalBroker()) {
            err.println("mailpipe: no broker: pass --bootstrap-servers, set KAFKA_BOOTSTRAP_SERVERS, or name one in the configuration");
            return 2;
        }
        Replayer.Source source;
        ReplayFilter filter;
        try {
            source = Replayer.Source.valueOf(from.toUpperCase(java.util.Locale.ROOT));
            filter = new ReplayFilter(since, until, reasons, accounts, campaigns, ids);
        } catch (IllegalArgumentException e) {
            err.println("mailpipe: " + (e.getMessage() != null && e.getMessage().startsWith("--") ? e.getMessage()
                    : "--from must be dlq or outcomes"));
            return 2;
        }
        try {
            return replay(cfg, source, filter, out, err);
        } catch (IllegalStateException e) {
            err.println("mailpipe: " + e.getMessage());
            return 1;
        }
    }

    private int replay(MailpipeConfig cfg, Replayer.Source source, ReplayFilter filter, PrintWriter out, PrintWriter err) {
        Replayer replayer = new Replayer(cfg, Clock.systemUTC());
        List<Replayer.Decision> plan = replayer.plan(source, filter);
        for (Replayer.Decision d : plan) {
            out.printf("%-13s %s  (%s %s, found at %s)%s%n", d.replay() ? (dryRun ? "would replay" : "replay") : "skip",
                    d.request().requestId(), d.request().status(), d.request().reasonCode(), d.request().foundAt(),
                    d.replay() ? "" : ": " + d.why());
        }
        long toReplay = plan.stream().filter(Replayer.Decision::replay).count();
        if (dryRun) {
            out.println("dry run: " + plan.size() + " failed request(s) match; " + toReplay + " would be replayed to "
                    + cfg.kafka().topics().requests() + skippedText(plan.stream().filter(d -> !d.replay())
                    .collect(java.util.stream.Collectors.groupingBy(Replayer.Decision::why, java.util.TreeMap::new,
                            java.util.stream.Collectors.summingInt(d -> 1)))) + "; nothing written");
            out.flush();
            return 0;
        }
        ProgressBar bar = new ProgressBar(30);
        boolean terminal = System.console() != null;
        Replayer.Summary summary = replayer.execute(plan, rate, (done, total) -> {
            if (terminal || done == total) {
                err.print("\r" + bar.render(done, total) + (done == total ? System.lineSeparator() : ""));
                err.flush();
            }
        });
        out.println("replayed " + summary.replayed() + " request(s) to " + cfg.kafka().topics().requests()
                + skippedText(summary.skipped()));
        out.flush();
        return 0;
    }

    private static String skippedText(Map<String, Integer> skipped) {
        if (skipped.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("; skipped ");
        sb.append(skipped.values().stream().mapToInt(Integer::intValue).sum()).append(" (");
        skipped.forEach((why, n) -> sb.append(why).append(": ").append(n).append(", "));
        sb.setLength(sb.length() - 2);
        return sb.append(')').toString();
    }
}
