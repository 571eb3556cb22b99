package io.mailpipe.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;
import io.mailpipe.replay.ProgressBar;
import io.mailpipe.replay.ReplayFilter;
import io.mailpipe.replay.Replayer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mailpipe replay}: sends failed requests again once their cause is fixed (see docs/operations.md). Reads the
 * dead letters (or FAILED/EXPIRED outcomes), keeps those that pass the filters, checks each again against the
 * current configuration, and re-publishes the original records to the requests topic. Each failure is replayed
 * at most once (recorded in the replays topic, which must be compacted with one partition: checked first).
 */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Re-publish failed requests (dead letters, or FAILED/EXPIRED outcomes) once their cause is fixed.")
final class ReplayCommand implements Callable<Integer> {

    /** Statuses a failure to replay can have. */
    static final Set<Status> REPLAYABLE = EnumSet.of(Status.REJECTED, Status.EXPIRED, Status.FAILED, Status.UNCERTAIN);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Option(names = "--from", paramLabel = "dlq|outcomes", description = "Where failed requests are found: dlq (REJECTED, EXPIRED, UNCERTAIN) or outcomes (FAILED, EXPIRED, UNCERTAIN). Default: ${DEFAULT-VALUE}.",
            defaultValue = "dlq")
    String from;

    @Option(names = "--since", paramLabel = "TIME", converter = TimeArg.InstantConverter.class,
            description = "Only failures at or after this time (2026-11-28T10:00:00Z, 2026-11-28, or an age such as 24h).")
    Instant since;

    @Option(names = "--until", paramLabel = "TIME", converter = TimeArg.InstantConverter.class, description = "Only failures before this time.")
    Instant until;

    @Option(names = "--reason", split = ",", paramLabel = "CODE", description = "Only these reason codes (e.g. unknown_account,attempts_exhausted).")
    Set<String> reasons;

    @Option(names = "--status", split = ",", paramLabel = "STATUS", description = "Only these statuses: REJECTED, EXPIRED, FAILED, UNCERTAIN.")
    Set<String> statuses;

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
        CliContext cli = CliContext.of(spec);
        Replayer.Source source = source(from);
        ReplayFilter filter;
        try {
            filter = new ReplayFilter(since, until, checkedReasons(reasons), accounts, campaigns, ids, checkedStatuses(statuses));
        } catch (IllegalArgumentException e) {
            throw new CliException(CliException.USAGE, e.getMessage());
        }
        MailpipeConfig cfg = cli.config("replay checks requests against the accounts configured there");
        cli.connect(cfg.kafka());
        TopicChecks.requireReplayLog(cfg.kafka().connection(), cfg.kafka().topics().replays(), cli.kafkaTimeout());
        try {
            return replay(cfg, source, filter, cli.out(), cli.err());
        } catch (IllegalStateException e) {
            throw new CliException(CliException.UNAVAILABLE, e.getMessage());
        }
    }

    static Replayer.Source source(String from) {
        try {
            return Replayer.Source.valueOf(from.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CliException(CliException.USAGE, "--from must be dlq or outcomes, not '" + from + "'");
        }
    }

    /** The reason codes, each one a code that a replayable failure can have; a typo is refused with the valid ones. */
    static Set<String> checkedReasons(Set<String> given) {
        if (given == null) {
            return null;
        }
        Set<String> replayable = new TreeSet<>();
        for (ReasonCode c : ReasonCode.values()) {
            if (REPLAYABLE.contains(c.status())) {
                replayable.add(c.code());
            }
        }
        for (String code : given) {
            if (!replayable.contains(code)) {
                boolean known = java.util.Arrays.stream(ReasonCode.values()).anyMatch(c -> c.code().equals(code));
                throw new CliException(CliException.USAGE, "--reason " + code + (known
                        ? " is not a reason of a failure replay can send again"
                        : " is not a reason code") + "; replayable reason codes: " + String.join(", ", replayable));
            }
        }
        return given;
    }

    /** The statuses in upper case, each a replayable one. */
    static Set<String> checkedStatuses(Set<String> given) {
        if (given == null) {
            return null;
        }
        Set<String> out = new TreeSet<>();
        for (String s : given) {
            String upper = s.toUpperCase(Locale.ROOT);
            if (REPLAYABLE.stream().noneMatch(r -> r.name().equals(upper))) {
                throw new CliException(CliException.USAGE, "--status " + s + " is not a status replay can send again; use "
                        + REPLAYABLE.stream().map(Enum::name).collect(Collectors.joining(", ")));
            }
            out.add(upper);
        }
        return out;
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
                    .collect(Collectors.groupingBy(Replayer.Decision::why, java.util.TreeMap::new,
                            Collectors.summingInt(d -> 1)))) + "; nothing written");
            out.flush();
            return 0;
        }
        Replayer.Summary summary = replayer.execute(plan, rate, progress(err, System.console() != null));
        out.println("replayed " + summary.replayed() + " request(s) to " + cfg.kafka().topics().requests()
                + skippedText(summary.skipped()));
        out.flush();
        return 0;
    }

    /** The progress bar on a terminal; nothing at all when stderr goes to a file or a pipe (no {@code \r} lines there). */
    static Replayer.Progress progress(PrintWriter err, boolean terminal) {
        if (!terminal) {
            return (done, total) -> { };
        }
        ProgressBar bar = new ProgressBar(30);
        return (done, total) -> {
            err.print("\r" + bar.render(done, total) + (done == total ? System.lineSeparator() : ""));
            err.flush();
        };
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
