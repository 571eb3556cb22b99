package io.mailpipe.loadtest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The restore benchmark's options; {@code --help} prints them. Every default is written once, on its field. */
@Command(name = "restore-bench", sortOptions = false,
        description = {"Measures how a mailpipe worker restores its delivery ledger (issue 16): fills the run's",
                "mail.outcomes with a history of terminal outcomes, then starts 1 worker and N workers together and",
                "reports time to ready, restore rate, heap and RSS per history size. See load-tests/README.md."})
public final class RestoreOptions {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print the options and exit.")
    boolean help;

    @Option(names = "--history", split = ",", paramLabel = "N[,N...]", converter = CountConverter.class,
            description = "History sizes in terminal outcomes, ascending; one fill grows to each in turn (k and M suffixes "
                    + "allowed; 0 measures an empty history) (default 1M,5M,10M).")
    List<Long> history = new ArrayList<>(List.of(1_000_000L, 5_000_000L, 10_000_000L));

    @Option(names = "--workers", description = "Workers started together in the second measurement of each size; 0 or 1 "
            + "skips it (default ${DEFAULT-VALUE}).")
    int workers = 4;

    @Option(names = "--multi-max", paramLabel = "N", converter = CountConverter.class,
            description = "Start the --workers measurement only for history sizes up to N (default: every size).")
    Long multiMax;

    @Option(names = "--restart-tail", paramLabel = "N", converter = CountConverter.class,
            description = "After the measurements of each size, add N more outcomes and restart a worker on the first "
                    + "worker's kept worker.stateDir: it should read only those; 0 skips it (default 100k).")
    long restartTail = 100_000;

    @Option(names = "--partitions", description = "Partitions of the run's topics, the same for requests, retry and "
            + "outcomes (default ${DEFAULT-VALUE}).")
    int partitions = 8;

    @Option(names = "--deferred-share", description = "Share of the terminal outcomes preceded by a DEFERRED outcome of the "
            + "same request (not terminal: the ledger skips it) (default ${DEFAULT-VALUE}).")
    double deferredShare = 0.02;

    @Option(names = "--heap", description = "Worker heap cap, -Xmx (default ${DEFAULT-VALUE}).")
    String heap = "256m";

    @Option(names = "--worker-jvm-opt", description = "Extra worker JVM option (repeatable), after the defaults users get "
            + "(-XX:TieredStopAtLevel=1 and the class-data sharing archive).")
    List<String> workerJvmOptions = new ArrayList<>();

    @Option(names = "--no-cds", description = "Start workers without the class-data sharing archive (target/mailpipe.jsa).")
    boolean noCds;

    @Option(names = "--ready-timeout", description = "Seconds a worker may take to be ready before the run fails "
            + "(default ${DEFAULT-VALUE}).")
    int readyTimeoutSeconds = 900;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Use this broker; default: start the local "
            + "KRaft broker (io.mailpipe.kafka.LocalKafkaBroker) for the run.")
    String bootstrap;

    @Option(names = "--jar", description = "Worker jar (default: target/mailpipe.jar).")
    Path jar;

    @Option(names = "--results", description = "Append the report to this Markdown file (e.g. load-tests/RESULTS.md), "
            + "the chart to charts/ next to it.")
    Path results;

    @Option(names = "--label", description = "Heading of the report section (default ${DEFAULT-VALUE}).")
    String label = "Delivery ledger restore";

    @Option(names = "--work-dir", description = "Run folder: worker configs, logs and state, broker data; deleted at the "
            + "end but for the logs and configs (default ${DEFAULT-VALUE}).")
    Path workDir = Path.of("target", "restore-bench");

    @Option(names = "--no-install", description = "Do not apt-get install postfix when smtp-sink is missing; fail instead.")
    boolean noInstall;

    /** The arguments as given, for the report's command line. */
    List<String> rawArgs = List.of();

    public static RestoreOptions parse(String... args) {
        RestoreOptions options = new RestoreOptions();
        CommandLine.populateCommand(options, args);
        options.rawArgs = List.of(args);
        if (!options.help) {
            options.validate();
        }
        return options;
    }

    /** Whether the {@code --workers} measurement runs at this history size. */
    boolean multiAt(long historySize) {
        return workers > 1 && (multiMax == null || historySize <= multiMax);
    }

    private void validate() {
        if (history.isEmpty() || history.stream().anyMatch(n -> n < 0)) {
            throw new IllegalArgumentException("--history needs sizes of 0 or more");
        }
        for (int i = 1; i < history.size(); i++) {
            if (history.get(i) <= history.get(i - 1)) {
                throw new IllegalArgumentException("--history must be ascending (one fill grows to each size in turn): " + history);
            }
        }
        if (partitions < 1 || workers < 0 || readyTimeoutSeconds < 1 || restartTail < 0) {
            throw new IllegalArgumentException("--partitions and --ready-timeout must be at least 1, --workers and "
                    + "--restart-tail not negative");
        }
        if (deferredShare < 0 || deferredShare >= 1) {
            throw new IllegalArgumentException("--deferred-share must be in [0, 1)");
        }
    }

    /** {@code 1000000}, {@code 1_000_000}, {@code 1000k}, {@code 1M}, {@code 2.5M}. */
    static final class CountConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return count(value);
        }
    }

    static long count(String value) {
        String v = value.trim().replace("_", "").toLowerCase(Locale.ROOT);
        long factor = 1;
        if (v.endsWith("k")) {
            factor = 1_000;
        } else if (v.endsWith("m")) {
            factor = 1_000_000;
        }
        if (factor > 1) {
            v = v.substring(0, v.length() - 1);
        }
        try {
            return Math.round(Double.parseDouble(v) * factor);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("not a count: " + value + " (e.g. 1000000, 1M, 500k)");
        }
    }
}
