package io.mailpipe.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.mailpipe.testing.TestKafka;

/**
 * The load driver in small, as part of {@code mvn verify}: 2,000 requests through a worker JVM started from
 * {@code mailpipe.jar} into Postfix's smtp-sink, then each baseline with 300 messages. Checks that nothing is lost
 * or doubled (every request exactly one terminal outcome, all SENT, the sink received each message once, every
 * baseline delivered all), not speed. Needs {@code /usr/sbin/smtp-sink} (Debian package postfix): without it the
 * test is skipped, unless {@code -Dmailpipe.requireSmtpSink=true} (set by .ci/run), which makes it fail.
 */
class LoadSmokeIT {
    private static final int REQUESTS = 2000;
    private static final int BASELINE_MESSAGES = 300;

    @Test
    void everyRequestReachesExactlyOneOutcomeAndTheSinkReceivesEveryMessage() throws Exception {
        if (!Postfix.installed()) {
            String missing = Postfix.SMTP_SINK + " (Debian package postfix) is not installed";
            if (Boolean.getBoolean("mailpipe.requireSmtpSink")) {
                fail(missing + ", and -Dmailpipe.requireSmtpSink=true requires it");
            }
            Assumptions.abort("LoadSmokeIT skipped: " + missing + "; `apt-get install -y postfix` (or .ci/run) enables it");
        }
        LoadOptions options = LoadOptions.parse("-n", String.valueOf(REQUESTS), "--latency-seconds", "0",
                "--baseline-messages", String.valueOf(BASELINE_MESSAGES), "--bootstrap", TestKafka.bootstrapServers(),
                "--work-dir", System.getProperty("mailpipe.itDir", "target") + "/load-smoke-it", "--no-install",
                "--report-interval", "5", "--stall-timeout", "60", "--label", "LoadSmokeIT");

        LoadRun run = new LoadDriver(options).run();
        System.out.println(LoadReport.markdown(run));

        OutcomeWatcher.Result main = run.mailpipe().main();
        assertThat(main.missing()).as("requests without a terminal outcome").isZero();
        assertThat(main.extraTerminal()).as("terminal outcomes beyond the first of a request").isZero();
        assertThat(main.statusCounts()).as("outcome events by status").containsExactlyEntriesOf(java.util.Map.of("SENT", (long) REQUESTS));
        assertThat(run.mailpipe().sinkMessages()).as("messages smtp-sink received from the worker").isEqualTo(REQUESTS);
        assertThat(run.mailpipe().foreignOutcomes()).as("outcomes of requests the driver never published").isZero();
        assertThat(main.latency().count()).isEqualTo(REQUESTS);
        assertThat(run.baselines()).extracting(Baselines.Result::name).containsExactly("a", "b", "c");
        for (Baselines.Result b : run.baselines()) {
            assertThat(b.sinkMessages()).as("messages smtp-sink received from baseline (" + b.name() + ")").isEqualTo(BASELINE_MESSAGES);
            assertThat(b.failed()).as("failed sends of baseline (" + b.name() + ")").isZero();
        }
        assertThat(run.problems()).isEmpty();
    }
}
