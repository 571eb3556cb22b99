package io.mailpipe.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Matcher;

import org.junit.jupiter.api.Test;

import io.mailpipe.account.Limits;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.request.MailRequest;
import io.mailpipe.request.RequestReader;

/** The pieces of the load driver that need no broker, worker or smtp-sink. */
class LoadDriverPartsTest {

    @Test
    void theBodyHasExactlyTheAskedSizeInShortAsciiLines() {
        for (int size : new int[] {1, 71, 72, 73, 2048, 100_000}) {
            String body = LoadMessage.body(size);
            assertThat(body).hasSize(size);
            assertThat(body.chars()).allMatch(c -> c == '\n' || (c >= 0x20 && c < 0x7f));
            assertThat(body.split("\n")).allMatch(line -> line.length() <= 72);
        }
    }

    @Test
    void thePublishedRequestIsOneTheWorkerAccepts() throws Exception {
        LoadMessage message = LoadMessage.ofBodySize(2048);
        MailRequest request = new RequestReader(32 * 1024 * 1024).read(RequestPublisher.requestJson(message, "run-7"));
        assertThat(request.id()).isEqualTo("run-7");
        assertThat(request.to()).containsExactly(LoadMessage.TO);
        assertThat(request.text()).isEqualTo(message.body());
    }

    @Test
    void theGeneratedWorkerConfigurationLoadsWithItsAccountsAndLimits() {
        KafkaSettings.Topics topics = KafkaSettings.Topics.withPrefix("load-x.");
        String yaml = WorkerJvm.configYaml("127.0.0.1:9092", topics, "load-x", 4, Path.of("target/x"), 2525, 4, 8, true, 20_000);
        MailpipeConfig config = MailpipeConfig.parse(yaml, name -> null, "worker.yaml");
        assertThat(config.kafka().topics()).isEqualTo(topics);
        assertThat(config.kafka().groupId()).isEqualTo("load-x");
        assertThat(config.accounts()).hasSize(4);
        assertThat(config.accounts()).allSatisfy(a -> {
            assertThat(a.port()).isEqualTo(2525);
            assertThat(a.limits()).isEqualTo(new Limits(2_000_000, 2_000_000, null, 8));
        });
        String unlimited = WorkerJvm.configYaml("127.0.0.1:9092", topics, "load-x", 4, Path.of("target/x"), 2525, 1, 8, false, 20_000);
        assertThat(MailpipeConfig.parse(unlimited, name -> null, "worker.yaml").accounts().get(0).limits())
                .satisfiesAnyOf(l -> assertThat(l).isNull(), l -> assertThat(l.unlimited()).isTrue());
    }

    @Test
    void smtpSinkCounterLinesAreRead() {
        // what `smtp-sink -c` writes after each event, CR-terminated
        Matcher m = SmtpSink.COUNTERS.matcher("sess=3 quit=2 mesg=1999");
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo("3");
        assertThat(m.group(3)).isEqualTo("1999");
    }

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        OutcomeWatcher.Percentiles p = OutcomeWatcher.Percentiles.of(sorted);
        assertThat(p.p50()).isEqualTo(50);
        assertThat(p.p99()).isEqualTo(99);
        assertThat(p.max()).isEqualTo(100);
        assertThat(OutcomeWatcher.Percentiles.of(new long[] {7}).p99()).isEqualTo(7);
        assertThat(OutcomeWatcher.Percentiles.of(new long[0]).count()).isZero();
    }

    @Test
    void optionsHaveTheIssuesDefaultsAndSoakChangesThem() {
        LoadOptions plain = LoadOptions.parse();
        assertThat(plain.messages()).isEqualTo(20_000);
        assertThat(plain.bodyBytes).isEqualTo(2048);
        assertThat(plain.heap).isEqualTo("256m");
        assertThat(plain.baselines()).isTrue();
        assertThat(plain.latencySeconds()).isEqualTo(30);
        LoadOptions soak = LoadOptions.parse("--soak");
        assertThat(soak.messages()).isEqualTo(1_000_000);
        assertThat(soak.baselines()).isFalse();
        assertThat(soak.latencySeconds()).isZero();
        assertThat(soak.reportIntervalSeconds()).isEqualTo(60);
        assertThat(LoadOptions.parse("-n", "100000", "--baseline-messages", "5").baselineMessages()).isEqualTo(5);
        assertThat(LoadOptions.parse("-n", "100000").baselineMessages()).isEqualTo(50_000);
    }

    @Test
    void theReportedCommandQuotesArgumentsWithSpaces() {
        LoadOptions o = LoadOptions.parse("-n", "500", "--label", "Before pooled sends");
        assertThat(LoadReport.command(o))
                .isEqualTo("mvn -q -DskipTests package exec:exec@load-test -Dload.args=\"-n 500 --label 'Before pooled sends'\"");
    }

    @Test
    void theLargestClassesAreReadFromAClassHistogram(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // the shape of `jcmd PID GC.class_histogram` (JDK 17)
        Path file = dir.resolve("histogram.txt");
        java.nio.file.Files.writeString(file, """
                12345:
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:        120000       31457280  [B (java.base@17.0.15)
                   2:        100000        3145728  java.lang.String (java.base@17.0.15)
                   3:          5000        1048576  java.util.HashMap$Node (java.base@17.0.15)
                   4:            10            160  io.mailpipe.Other
                Total        225010       35651744
                """);
        assertThat(LoadReport.top(file, 2)).isEqualTo("largest: [B 30 MB, java.lang.String 3 MB");
    }

    @Test
    void chartsThroughputAndHeapAsAPngAndDrawsNothingWithoutRows(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.util.List<LoadRun.Row> rows = java.util.List.of(
                new LoadRun.Row("main", 1000, 10, 300, 30, 20L << 20, 90L << 20, 30L << 20, "1.0"),
                new LoadRun.Row("main", 1000, 20, 1000, 70, 25L << 20, 95L << 20, 31L << 20, "1.0"),
                new LoadRun.Row("half rate", 200, 10, 200, 20, 22L << 20, 80L << 20, 30L << 20, "1.0"));
        Path png = dir.resolve("charts/run.png");

        assertThat(LoadChart.write(rows, "run", png)).isTrue();
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1000);
        assertThat(image.getHeight()).isEqualTo(480);
        assertThat(LoadChart.write(java.util.List.of(), "empty", dir.resolve("empty.png"))).isFalse();
        assertThat(dir.resolve("empty.png")).doesNotExist();
    }

    @Test
    void warmUpIsTheFirstRowAtNinetyPercentOfTheSteadyRate() {
        java.util.List<LoadRun.Row> rows = java.util.stream.IntStream.rangeClosed(1, 8)
                .mapToObj(i -> new LoadRun.Row("main", 1000, 5.0 * i, 100 * i, i <= 2 ? 500 : i == 3 ? 1850 : 2000, 0, 0, 0, ""))
                .toList();

        assertThat(LoadReport.secondsTo90PercentOfSteadyRate(rows)).isEqualTo(15.0);
        assertThat(LoadReport.secondsTo90PercentOfSteadyRate(rows.subList(0, 3))).isNaN();
    }
}
