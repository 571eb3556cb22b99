package io.mailpipe.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.mailpipe.testing.KafkaCluster;

/**
 * The chaos run in small, on every {@code mvn verify}: two minutes of faults drawn from a seed (printed; a failure is
 * replayed with {@code exec:exec@chaos -Dchaos.args="--seed S --minutes 2"}), on the test JVM's shared three-broker
 * cluster. {@code -Dmailpipe.chaos.seed=S} fixes the seed, {@code -Dmailpipe.chaos.minutes=M} the length.
 */
class ChaosSmokeIT {

    @Test
    void twoMinutesOfRandomFaultsLoseNothingAndDuplicateOnlyWhereAFaultExplainsIt() throws Exception {
        long seed = Long.getLong("mailpipe.chaos.seed", System.currentTimeMillis() % 100_000);
        double minutes = Double.parseDouble(System.getProperty("mailpipe.chaos.minutes", "2"));
        ChaosRun.Options options = new ChaosRun.Options(seed, minutes, 4,
                Path.of(System.getProperty("mailpipe.itDir", "target"), "chaos-it"));
        ChaosChecker.Report report = ChaosRun.run(options, KafkaCluster.shared(), System.out);
        System.out.println(report.summary());
        assertThat(report.problems()).as("checker problems (seed " + seed + ")").isEmpty();
        assertThat(report.lost()).as("lost (seed " + seed + ")").isZero();
        assertThat(report.unexplained()).as("duplicates no fault explains (seed " + seed + ")").isZero();
        assertThat(report.overQuota()).as("sends over the quota (seed " + seed + ")").isZero();
        assertThat(report.published()).as("requests published").isGreaterThan(0);
        assertThat(report.passed()).isTrue();
    }
}
