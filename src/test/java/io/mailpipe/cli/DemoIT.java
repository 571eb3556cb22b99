package io.mailpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.OutcomeJson;
import picocli.CommandLine;

/**
 * {@code mailpipe demo} as a new user runs it: its own local broker, the mail sandbox with a provider that pushes back,
 * the example requests. The output shows the router filling the accounts, the failover away from the throttled
 * account with the reply that caused it, the limit learned from it, and the bounce.
 */
class DemoIT {

    @Test
    void theDemoShowsTheFailoverTheCoolDownAndTheLearnedLimit(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new MailpipeCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("demo", "--data-dir", dir.resolve("demo").toString());

        String text = out.toString();
        assertThat(exit).as(err.toString()).isZero();
        assertThat(text).contains("summary: 22/22 requests finished: SENT=20, REJECTED=2");
        List<OutcomeEvent> outcomes = text.lines().filter(l -> l.startsWith("outcome ")).map(l -> {
            try {
                return OutcomeJson.read(l.substring("outcome ".length()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(outcomes.stream().filter(e -> "shop-rambler".equals(e.account()))).as("the provider took 2").hasSize(2);
        List<OutcomeEvent> moved = outcomes.stream().filter(e -> e.failovers() != null).toList();
        assertThat(moved).as("the rest moved on, each saying why").isNotEmpty().allSatisfy(e -> {
            assertThat(e.account()).isEqualTo("relay");
            assertThat(e.failovers()).singleElement().satisfies(f -> {
                assertThat(f.account()).isEqualTo("shop-rambler");
                assertThat(f.reasonCode()).isEqualTo("account_refused");
                assertThat(f.smtp().code()).isEqualTo(553);
            });
        });
        assertThat(text).containsPattern("shop-rambler\\s+2/10 \\(learned 2\\)")
                .contains("cooling down until")
                .contains("learned from: 553 5.7.1 Sorry, we cannot accept mail from this account right now")
                .contains("\"reason\":\"userunknown\"");
    }
}
