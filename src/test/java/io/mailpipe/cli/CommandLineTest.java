package io.mailpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailpipe.testing.CliProcess;
import io.mailpipe.testing.ScriptedSmtpServer;
import picocli.CommandLine;

/** The command line as an operator meets it: one line per mistake or failure, the same options everywhere, fast failure without Kafka. */
class CommandLineTest {

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = MailpipeCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static final List<List<String>> COMMANDS = List.of(List.of("run"), List.of("demo"), List.of("publish"), List.of("quota"),
            List.of("status"), List.of("report"), List.of("parse-bounce"), List.of("suppression"), List.of("suppression", "list"),
            List.of("suppression", "add"), List.of("suppression", "remove"), List.of("replay"));

    @Test
    void everyCommandTakesHelpAndConfigBeforeOrAfterItsName(@TempDir Path dir) {
        for (List<String> command : COMMANDS) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            Run help = run(args.toArray(String[]::new));
            assertThat(help.exit()).as("%s --help", command).isZero();
            assertThat(help.out()).as("%s --help", command).contains("Usage: mailpipe " + String.join(" ", command), "--config", "--help");
        }
        String missing = dir.resolve("nope.yaml").toString();
        for (List<String> command : List.of(List.of("quota"), List.of("status"), List.of("replay"), List.of("run"))) {
            List<String> after = new ArrayList<>(command);
            after.addAll(List.of("--config", missing));
            List<String> before = new ArrayList<>(List.of("--config", missing));
            before.addAll(command);
            for (List<String> args : List.of(after, before)) {
                Run r = run(args.toArray(String[]::new));
                assertThat(r.exit()).as("%s", args).isEqualTo(2);
                assertThat(r.err().lines().toList()).as("%s", args).hasSize(1);
                assertThat(r.err()).startsWith("mailpipe: configuration file " + missing + " not found");
            }
        }
        // a sub-subcommand: the option before the group's name, between, and after
        for (String[] args : new String[][] {{"--config", missing, "suppression", "list"}, {"suppression", "--config", missing, "list"},
                {"suppression", "list", "--config", missing}}) {
            Run r = run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).startsWith("mailpipe: configuration file " + missing + " not found");
        }
    }

    @Test
    void usageMistakesGetOneLineAndAPointerToHelp() {
        Run unknown = run("stauts");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err().lines().toList()).hasSize(1);
        assertThat(unknown.err()).startsWith("mailpipe: unknown command 'stauts' (did you mean 'status'?); commands: run, demo,")
                .contains("see 'mailpipe --help'");
        assertThat(unknown.out()).isEmpty();

        Run since = run("replay", "--since", "yesterday");
        assertThat(since.exit()).isEqualTo(2);
        assertThat(since.err().lines().toList()).hasSize(1);
        assertThat(since.err()).contains("'yesterday' is not a time", "24h", "see 'mailpipe replay --help'")
                .doesNotContain("Exception", "java.");

        Run option = run("quota", "--bogus");
        assertThat(option.err().lines().toList()).hasSize(1);
        assertThat(option.err()).contains("Unknown option: '--bogus'", "see 'mailpipe quota --help'");

        Run nothing = run("suppression");
        assertThat(nothing.exit()).isEqualTo(2);
        assertThat(nothing.err().lines().toList()).hasSize(1);
    }

    @Test
    void replayRefusesUnknownReasonCodesAndStatuses() {
        Run typo = run("replay", "--reason", "unknown_acount");
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err().lines().toList()).hasSize(1);
        assertThat(typo.err()).startsWith("mailpipe: --reason unknown_acount is not a reason code; replayable reason codes: ")
                .contains("unknown_account", "attempts_exhausted").doesNotContain("rate_limited");
        Run sent = run("replay", "--reason", "accepted");
        assertThat(sent.err()).contains("--reason accepted is not a reason of a failure replay can send again");
        Run status = run("replay", "--status", "SENT");
        assertThat(status.err()).contains("--status SENT is not a status replay can send again; use FAILED, REJECTED, EXPIRED, UNCERTAIN");
        Run from = run("replay", "--from", "inbox");
        assertThat(from.err()).startsWith("mailpipe: --from must be dlq or outcomes");
    }

    @Test
    void theProgressBarIsDrawnOnlyOnATerminal() {
        StringWriter redirected = new StringWriter();
        var progress = ReplayCommand.progress(new PrintWriter(redirected), false);
        progress.update(1, 2);
        progress.update(2, 2);
        assertThat(redirected.toString()).isEmpty();
        StringWriter terminal = new StringWriter();
        var bar = ReplayCommand.progress(new PrintWriter(terminal), true);
        bar.update(1, 2);
        bar.update(2, 2);
        assertThat(terminal.toString()).startsWith("\r[").contains("2/2 100%");
    }

    @Test
    void timesAndDurationsOnTheCommandLine() {
        java.time.Instant now = java.time.Instant.parse("2026-11-28T12:00:00Z");
        assertThat(TimeArg.instant("2026-11-28T10:00:00Z", now)).isEqualTo(java.time.Instant.parse("2026-11-28T10:00:00Z"));
        assertThat(TimeArg.instant("2026-11-27", now)).isEqualTo(java.time.Instant.parse("2026-11-27T00:00:00Z"));
        assertThat(TimeArg.instant("24h", now)).isEqualTo(java.time.Instant.parse("2026-11-27T12:00:00Z"));
        assertThat(TimeArg.instant("7d", now)).isEqualTo(java.time.Instant.parse("2026-11-21T12:00:00Z"));
        assertThat(TimeArg.instant("yesterday", now)).isNull();
        assertThat(TimeArg.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(TimeArg.duration("PT5S")).isEqualTo(Duration.ofSeconds(5));
        assertThat(TimeArg.duration("soon")).isNull();
    }

    /**
     * With Kafka unreachable, every command that needs it ends within the Kafka timeout (plus the JVM's start) with one
     * line naming the brokers and what to check: no warnings, no stack trace. Run as real processes, in parallel.
     */
    @Test
    void withKafkaDownEveryCommandFailsFastWithOneLine(@TempDir Path dir) throws Exception {
        int port = ScriptedSmtpServer.freePort();
        String brokers = "127.0.0.1:" + port;
        Path config = Files.writeString(dir.resolve("mailpipe.yaml"), """
                kafka: {bootstrapServers: "%s"}
                cli: {kafkaTimeout: PT3S}
                accounts:
                  - {name: a, host: 127.0.0.1, port: 25, security: none, from: a@a.example}
                """.formatted(brokers));
        Path requests = Files.writeString(dir.resolve("r.jsonl"), "{\"id\":\"x\"}\n");
        List<List<String>> commands = List.of(List.of("quota"), List.of("status", "--once"), List.of("suppression", "list"),
                List.of("replay", "--dry-run"), List.of("publish", requests.toString()), List.of("report", "--campaign", "c"),
                List.of("run"));
        // the JVM's own start on this (shared, busy) machine, to tell it from the time the command waited
        Duration jvm = CliProcess.run(dir, Map.of(), "--version").took();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<CliProcess.Result>> results = new ArrayList<>();
            for (List<String> c : commands) {
                List<String> args = new ArrayList<>(c);
                args.addAll(List.of("--config", config.toString()));
                results.add(pool.submit(() -> CliProcess.run(dir, Map.of(), args.toArray(String[]::new))));
            }
            for (int i = 0; i < commands.size(); i++) {
                CliProcess.Result r = results.get(i).get();
                String what = String.join(" ", commands.get(i)) + " took " + r.took().toMillis() + " ms (--version: "
                        + jvm.toMillis() + " ms); stderr: " + r.err();
                System.out.println("kafka down: mailpipe " + what.replace("\n", " | "));
                assertThat(r.exit()).as(what).isEqualTo(1);
                assertThat(r.errLines()).as(what).hasSize(1);
                assertThat(r.err()).as(what).startsWith("mailpipe: Kafka did not answer at " + brokers + " within 3 s: check")
                        .doesNotContain("WARN", "Exception", "\tat ");
                assertThat(r.out()).as(what).isEmpty();
                // the 3 s timeout plus a JVM start, with room for a machine busy with other builds (the commands run in
                // parallel); before the fix they took 31 to 61 s
                assertThat(r.took()).as(what).isLessThan(jvm.multipliedBy(3).plusSeconds(3 + 10));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aMisspelledOrBadEnvironmentOverrideIsAnErrorNamingTheVariable(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("mailpipe.yaml"), """
                kafka: {bootstrapServers: "127.0.0.1:9"}
                accounts:
                  - {name: a, host: 127.0.0.1, port: 25, security: none, from: a@a.example}
                """);
        CliProcess.Result typo = CliProcess.run(dir, Map.of("MAILPIPE_RETRY_MAX_ATEMPTS", "3"), "quota", "--config", config.toString());
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.errLines()).hasSize(1);
        assertThat(typo.err()).startsWith("mailpipe: environment variable MAILPIPE_RETRY_MAX_ATEMPTS names no configuration key "
                + "(did you mean MAILPIPE_RETRY_MAX_ATTEMPTS?)");
        CliProcess.Result bad = CliProcess.run(dir, Map.of("MAILPIPE_RETRY_MAX_ATTEMPTS", "three"), "quota", "--config", config.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).startsWith("mailpipe: environment variable MAILPIPE_RETRY_MAX_ATTEMPTS: invalid value at retry.maxAttempts")
                .doesNotContain("three", dir.toString() + "/mailpipe.yaml:");
    }
}
