package io.mailpipe.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

/** The report of a {@link LoadRun} as Markdown: printed, and appended to load-tests/RESULTS.md when asked. */
final class LoadReport {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private LoadReport() {
    }

    static String markdown(LoadRun run) {
        LoadOptions o = run.options();
        LoadRun.Mailpipe m = run.mailpipe();
        OutcomeWatcher.Result r = m.main();
        StringBuilder md = new StringBuilder();
        md.append("## ").append(o.label).append(" (").append(WHEN.format(run.started())).append(")\n\n");
        md.append("- Command: `").append(command(o)).append("`\n");
        md.append("- Code: ").append(run.gitVersion()).append("; worker `java ").append(String.join(" ", m.workerJvmOptions()))
                .append(" -jar mailpipe.jar run`, ").append(o.accounts).append(o.accounts == 1 ? " account" : " accounts")
                .append(o.noLimits ? " without limits" : " with limits far above N (perHour, perDay) and concurrency " + o.concurrency)
                .append(", ").append(o.partitions).append(" partitions")
                .append(envOverrides()).append("\n");
        md.append("- Machine: ").append(run.machine()).append("\n");
        md.append("- Load average (1/5/15 min): ").append(run.loadAverageAtStart()).append(" at start, ")
                .append(m.loadAverageMain()).append(" after the mailpipe phase, ").append(run.loadAverageAtEnd()).append(" at the end\n");
        md.append("- Broker: ").append(run.broker()).append("; SMTP server: Postfix smtp-sink on 127.0.0.1\n\n");

        md.append("| mailpipe, N = ").append(fmt(r.requests())).append(", ").append(fmt(o.bodyBytes)).append("-byte body")
                .append(o.rate > 0 ? ", published at " + fmt(o.rate) + "/s" : ", published as fast as Kafka takes them")
                .append(" | |\n|---|---|\n");
        md.append("| throughput, first to last outcome | **").append(fmt(r.rateFirstToLast())).append(" msg/s** |\n");
        md.append("| throughput, first request to last outcome | ").append(fmt(r.rateOverall())).append(" msg/s |\n");
        md.append("| request-to-outcome latency p50 / p99 / max").append(o.rate > 0 ? "" : " (includes the backlog: all published at once)")
                .append(" | ").append(latency(r.latency())).append(" |\n");
        md.append("| worker CPU during the phase | ").append(seconds(m.cpuMain())).append(" s (")
                .append(fmt(m.cpuMain().toNanos() / 1000.0 / Math.max(1, r.finished()))).append(" µs per message); start-up ")
                .append(seconds(m.startupCpu())).append(" s |\n");
        md.append("| machine CPU busy during the phase (all cores) | ").append(fmt(100 * m.machineBusyMain())).append(" % |\n");
        md.append("| worker heap (cap ").append(o.heap).append(") | peak used ").append(mb(m.peakHeapUsed()))
                .append(" MB, old generation at most ").append(mb(m.peakOldGen())).append(" MB (")
                .append(m.heapSamples()).append(" samples of /observe/metrics, 1 per second); live after a full GC at the end ")
                .append(mb(m.liveHeapAtEnd())).append(" MB (`jcmd GC.class_histogram`")
                .append(m.histogram() == null ? "" : ", " + top(m.histogram(), 3)).append(") |\n");
        md.append("| outcome events by status | ").append(r.statusCounts().entrySet().stream()
                .map(e -> e.getKey() + " " + fmt(e.getValue())).collect(Collectors.joining(", "))).append(" |\n");
        md.append("| requests with exactly one terminal outcome | ").append(fmt(r.finished() - 0L)).append(" of ")
                .append(fmt(r.requests())).append(r.extraTerminal() > 0 ? "; " + r.extraTerminal() + " extra terminal outcomes" : "")
                .append(" |\n");
        md.append("| smtp-sink: messages received, SMTP sessions opened").append(m.latency() == null ? "" : " (both phases)")
                .append(" | ").append(fmt(m.sinkMessages())).append(", ").append(fmt(m.sinkSessions())).append(" |\n");
        if (m.latency() != null) {
            OutcomeWatcher.Result h = m.latency().result();
            md.append("| latency at half the rate: ").append(fmt(h.requests())).append(" requests at ")
                    .append(fmt(m.latency().rate())).append("/s, p50 / p99 / max | **").append(latency(h.latency()))
                    .append("** (achieved ").append(fmt(h.rateFirstToLast())).append(" msg/s) |\n");
        }
        md.append('\n');

        if (!run.baselines().isEmpty()) {
            md.append("| baseline (no Kafka, same sink, same body size) | N | msg/s | sender CPU | mailpipe ÷ baseline |\n");
            md.append("|---|---|---|---|---|\n");
            double mailpipeRate = r.rateFirstToLast();
            for (Baselines.Result b : run.baselines()) {
                md.append("| (").append(b.name()).append(") ").append(b.description()).append(" | ").append(fmt(b.messages()))
                        .append(" | ").append(fmt(b.rate())).append(" | ")
                        .append(b.cpu().isNegative() ? "-" : seconds(b.cpu()) + " s").append(" | **")
                        .append(ratio(mailpipeRate / b.rate())).append("** |\n");
            }
            md.append('\n');
            md.append("Targets of issue 15: ").append(target(run, "b", 2.0)).append("; ").append(target(run, "a", 4.0))
                    .append("; ").append(target(run, "c", 0.5));
            double cpuPerMessage = m.cpuMain().toNanos() / 1000.0 / Math.max(1, r.finished());
            md.append("; worker CPU <= 100 µs per message: ").append(fmt(cpuPerMessage)).append(" µs ")
                    .append(cpuPerMessage <= 100 ? "met" : "missed");
            double warm = secondsTo90PercentOfSteadyRate(m.rows());
            md.append("; >= 90 % of the steady rate within 15 s: ").append(Double.isNaN(warm) ? "not measured"
                    : "after " + fmt(warm) + " s " + (warm <= 15 ? "met" : "missed"));
            if (m.latency() != null) {
                long p99 = m.latency().result().latency().p99();
                md.append("; p99 at half rate ").append(p99).append(" ms (target < 50 ms: ").append(p99 >= 0 && p99 < 50 ? "met" : "missed")
                        .append(")");
            }
            md.append(".\n\n");
        }

        if (!m.rows().isEmpty()) {
            md.append("<details><summary>Progress and heap over time</summary>\n\n```\n");
            for (LoadRun.Row row : m.rows()) {
                md.append(row.line()).append('\n');
            }
            md.append("```\n</details>\n\n");
        }
        if (!run.problems().isEmpty()) {
            md.append("**Run incomplete:** ").append(String.join("; ", run.problems())).append("\n\n");
        }
        return md.toString();
    }

    /** The {@code n} classes with the most live bytes, from a {@code GC.class_histogram} file: "name MB". */
    static String top(Path histogram, int n) {
        try {
            return "largest: " + Files.readAllLines(histogram).stream().map(String::trim).filter(l -> l.matches("\\d+:\\s+\\d+\\s+\\d+\\s+.*"))
                    .limit(n).map(l -> {
                        String[] f = l.split("\\s+");
                        return f[3] + " " + mb(Long.parseLong(f[2])) + " MB";
                    }).collect(Collectors.joining(", "));
        } catch (IOException | RuntimeException e) {
            return "histogram unreadable";
        }
    }

    /**
     * The end of a benchmark's {@code main}: prints the report, appends it to {@code results} when given, says what
     * went wrong on stderr ({@code tool}: {@code problems}), and exits 0 without problems, else 1.
     */
    static void finish(String tool, String report, Path results, List<String> problems) throws IOException {
        System.out.println();
        System.out.println(report);
        if (results != null) {
            append(results, report);
            System.out.println("(appended to " + results.toAbsolutePath() + ")");
        }
        if (!problems.isEmpty()) {
            System.err.println(tool + ": " + String.join("; ", problems));
        }
        System.exit(problems.isEmpty() ? 0 : 1);
    }

    static void append(Path file, String report) throws IOException {
        if (!Files.exists(file)) {
            Files.writeString(file, "# Load test results\n\nWritten by the load driver (load-tests/README.md), newest last.\n\n");
        }
        Files.writeString(file, report, StandardOpenOption.APPEND);
    }

    /** The one command that reproduces the run. */
    static String command(LoadOptions o) {
        String args = o.rawArgs.stream().map(a -> a.isEmpty() || a.matches(".*[\\s'\"$`\\\\].*") ? "'" + a.replace("'", "") + "'" : a)
                .collect(Collectors.joining(" "));
        return "mvn -q -DskipTests package exec:exec@load-test" + (args.isEmpty() ? "" : " -Dload.args=\"" + args + "\"");
    }

    private static String envOverrides() {
        String env = System.getenv().keySet().stream().filter(k -> k.startsWith("MAILPIPE_")).sorted()
                .map(k -> k + "=" + System.getenv(k)).collect(Collectors.joining(" "));
        return env.isEmpty() ? "" : "; environment " + env;
    }

    /**
     * Seconds from the first request until the end of the first main-phase progress row whose rate is at least 90 % of
     * the steady rate (the median rate of the rows in the second half of the phase); an upper bound, as fine as the
     * report interval. NaN with fewer than 4 rows.
     */
    static double secondsTo90PercentOfSteadyRate(List<LoadRun.Row> rows) {
        List<LoadRun.Row> main = rows.stream().filter(x -> x.phase().equals("main")).toList();
        if (main.size() < 4) {
            return Double.NaN;
        }
        double[] late = main.subList(main.size() / 2, main.size()).stream().mapToDouble(LoadRun.Row::rate).sorted().toArray();
        double steady = late[late.length / 2];
        return main.stream().filter(x -> x.rate() >= 0.9 * steady).findFirst().map(LoadRun.Row::elapsedSeconds).orElse(Double.NaN);
    }

    private static String target(LoadRun run, String baseline, double wanted) {
        double ratio = ratioValue(run, baseline);
        return ">= " + wanted + "x (" + baseline + "): " + ratio(ratio) + " " + (ratio >= wanted ? "met" : "missed");
    }

    private static String ratioTo(LoadRun run, String baseline) {
        return ratio(ratioValue(run, baseline));
    }

    private static double ratioValue(LoadRun run, String baseline) {
        return run.baselines().stream().filter(b -> b.name().equals(baseline)).findFirst()
                .map(b -> run.mailpipe().main().rateFirstToLast() / b.rate()).orElse(Double.NaN);
    }

    private static String latency(OutcomeWatcher.Percentiles p) {
        return p.count() == 0 ? "-" : fmt(p.p50()) + " / " + fmt(p.p99()) + " / " + fmt(p.max()) + " ms";
    }

    static String mb(long bytes) {
        return bytes < 0 ? "?" : String.valueOf(Math.round(bytes / 1024.0 / 1024.0));
    }

    private static String seconds(Duration d) {
        return "%.1f".formatted(d.toNanos() / 1e9);
    }

    private static String ratio(double r) {
        return Double.isNaN(r) ? "?" : "%.2fx".formatted(r);
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "?";
        }
        return v >= 100 ? "%,.0f".formatted(v) : "%,.1f".formatted(v);
    }

    private static String fmt(long v) {
        return "%,d".formatted(v);
    }
}
