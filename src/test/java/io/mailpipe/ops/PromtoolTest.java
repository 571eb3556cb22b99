package io.mailpipe.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.junit.jupiter.api.Test;

import io.mailpipe.testing.ExternalTools;

/**
 * The alert rules pass the real promtool: {@code check rules}, and {@code test rules} with a case for every alert
 * (src/test/resources/prometheus/mailpipe-rules-test.yml). Skips without promtool unless -Dmailpipe.requirePrometheus=true.
 */
class PromtoolTest {

    static final Path RULES = Path.of("docs/prometheus/mailpipe-rules.yml");
    static final Path TESTS = Path.of("src/test/resources/prometheus/mailpipe-rules-test.yml");

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void rulesPassCheckAndEveryAlertHasAUnitTestThatPasses() throws Exception {
        Path promtool = ExternalTools.require("promtool", "prometheus", "mailpipe.requirePrometheus");
        assertThat(run(promtool.toString(), "check", "rules", RULES.toString())).contains("SUCCESS: 7 rules found");
        assertThat(run(promtool.toString(), "test", "rules", TESTS.toString())).contains("SUCCESS");

        YAMLMapper yaml = new YAMLMapper();
        Set<String> alerts = new TreeSet<>();
        yaml.readTree(RULES.toFile()).path("groups").forEach(g -> g.path("rules").forEach(r -> alerts.add(r.path("alert").asText())));
        Set<String> firing = new TreeSet<>();
        for (JsonNode t : yaml.readTree(TESTS.toFile()).path("tests")) {
            for (JsonNode a : t.path("alert_rule_test")) {
                if (!a.path("exp_alerts").isEmpty()) {
                    firing.add(a.path("alertname").asText());
                }
            }
        }
        assertThat(firing).as("alerts with a unit test in which they fire").isEqualTo(alerts);
    }

    @Test
    void aBrokenThresholdFailsTheUnitTests(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path promtool = ExternalTools.require("promtool", "prometheus", "mailpipe.requirePrometheus");
        // the same rules with the hard-bounce threshold at 5 %: the unit tests must notice
        Path rules = Files.writeString(dir.resolve("rules.yml"), Files.readString(RULES).replace("> 0.02", "> 0.05"));
        Path tests = Files.writeString(dir.resolve("tests.yml"), Files.readString(TESTS)
                .replace("../../../../docs/prometheus/mailpipe-rules.yml", rules.toString()));
        Process p = new ProcessBuilder(List.of(promtool.toString(), "test", "rules", tests.toString())).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isNotZero();
        assertThat(out).contains("MailpipeHardBounceRateHigh");
    }
}
