package io.mailpipe.loadtest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The load driver's options; {@code --help} prints them. Every default is written once, on its field. */
@Command(name = "load-driver", sortOptions = false,
        description = {"Measures a mailpipe worker end to end (Kafka in, Postfix smtp-sink as SMTP server, outcomes out)",
                "and, in the same run, the baselines: stock Jakarta Mail per message and with reused connections",
                "(8 threads, no Kafka) and Postfix smtp-source over 8 reused sessions. See load-tests/README.md."})
public final class LoadOptions {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print the options and exit.")
    boolean help;

    @Option(names = {"-n", "--messages"}, description = "Requests to publish and wait for (default 20000; --soak: 1000000).")
    Integer messages;

    @Option(names = "--size", description = "Body size in bytes of every message (default ${DEFAULT-VALUE}).")
    int bodyBytes = 2048;

    @Option(names = "--accounts", description = "SMTP accounts of the worker, all on the smtp-sink (default ${DEFAULT-VALUE}).")
    int accounts = 1;

    @Option(names = "--concurrency", description = "limits.concurrency of each account (default ${DEFAULT-VALUE}).")
    int concurrency = 8;

    @Option(names = "--no-limits", description = "Accounts without limits (no quota leases); by default each has "
            + "perHour/perDay far above N and limits.concurrency.")
    boolean noLimits;

    @Option(names = "--rate", description = "Publishing rate in requests/s; 0 publishes as fast as Kafka takes them (default 0).")
    double rate;

    @Option(names = "--latency-seconds", description = "After the main phase, publish at half the measured rate for this "
            + "many seconds and report that phase's latency; 0 skips it (default 30; --soak: 0).")
    Integer latencySeconds;

    @Option(names = "--heap", description = "Worker heap cap, -Xmx (default ${DEFAULT-VALUE}).")
    String heap = "256m";

    @Option(names = "--worker-jvm-opt", description = "Extra worker JVM option (repeatable), after the defaults users get "
            + "(-XX:TieredStopAtLevel=1 and the class-data sharing archive), e.g. --worker-jvm-opt=-XX:TieredStopAtLevel=4 for C2.")
    List<String> workerJvmOptions = new ArrayList<>();

    @Option(names = "--no-cds", description = "Start the worker without the class-data sharing archive (target/mailpipe.jsa) "
            + "even when the build made one; by default it is used as ./mailpipe, the image and the chart use it.")
    boolean noCds;

    @Option(names = "--partitions", description = "Partitions of the run's topics (default ${DEFAULT-VALUE}).")
    int partitions = 4;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Use this broker; default: start the local "
            + "KRaft broker (io.mailpipe.kafka.LocalKafkaBroker) for the run.")
    String bootstrap;

    @Option(names = "--jar", description = "Worker jar (default: mailpipe.jar next to the project's classes, i.e. target/mailpipe.jar).")
    Path jar;

    @Option(names = "--baseline-messages", description = "Messages per baseline (default: N, at most 50000).")
    Integer baselineMessages;

    @Option(names = "--baseline-threads", description = "Threads (Jakarta Mail) and sessions (smtp-source) of the baselines (default ${DEFAULT-VALUE}).")
    int baselineThreads = 8;

    @Option(names = "--no-baselines", description = "Measure mailpipe only.")
    boolean noBaselines;

    @Option(names = "--soak", description = "Soak: 1,000,000 messages unless -n says otherwise, no baselines, no "
            + "latency phase, heap reported every 60 s.")
    boolean soak;

    @Option(names = "--report-interval", description = "Seconds between progress lines (and heap rows) (default: 10; --soak: 60).")
    Integer reportIntervalSeconds;

    @Option(names = "--stall-timeout", description = "Give up when no outcome arrived for this many seconds (default ${DEFAULT-VALUE}).")
    int stallTimeoutSeconds = 120;

    @Option(names = "--results", description = "Append the report to this Markdown file (e.g. load-tests/RESULTS.md).")
    Path results;

    @Option(names = "--label", description = "Heading of the report section (default ${DEFAULT-VALUE}).")
    String label = "Run";

    @Option(names = "--work-dir", description = "Run folder: worker config and log, broker data (default ${DEFAULT-VALUE}).")
    Path workDir = Path.of("target", "load-test");

    @Option(names = "--no-install", description = "Do not apt-get install postfix when smtp-sink is missing; fail instead.")
    boolean noInstall;

    /** The arguments as given, for the report's command line. */
    List<String> rawArgs = List.of();

    public static LoadOptions parse(String... args) {
        LoadOptions options = new LoadOptions();
        CommandLine.populateCommand(options, args);
        options.rawArgs = List.of(args);
        if (!options.help) {
            options.validate();
        }
        return options;
    }

    boolean helpRequested() {
        return help;
    }

    int messages() {
        return messages != null ? messages : soak ? 1_000_000 : 20_000;
    }

    int latencySeconds() {
        return latencySeconds != null ? latencySeconds : soak ? 0 : 30;
    }

    boolean baselines() {
        return !noBaselines && !soak;
    }

    int baselineMessages() {
        return baselineMessages != null ? baselineMessages : Math.min(messages(), 50_000);
    }

    int reportIntervalSeconds() {
        return reportIntervalSeconds != null ? reportIntervalSeconds : soak ? 60 : 10;
    }

    private void validate() {
        if (messages() < 1 || bodyBytes < 1 || accounts < 1 || concurrency < 1 || partitions < 1 || baselineThreads < 1
                || baselineMessages() < 1 || reportIntervalSeconds() < 1 || stallTimeoutSeconds < 1) {
            throw new IllegalArgumentException("--messages, --size, --accounts, --concurrency, --partitions, "
                    + "--baseline-threads, --baseline-messages, --report-interval and --stall-timeout must be at least 1");
        }
        if (rate < 0 || latencySeconds() < 0) {
            throw new IllegalArgumentException("--rate and --latency-seconds must not be negative");
        }
    }
}
