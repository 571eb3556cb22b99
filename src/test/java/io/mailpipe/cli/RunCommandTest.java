package io.mailpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** {@code mailpipe run} refuses a bad configuration before it starts anything, saying where and what. */
class RunCommandTest {

    private static String runAndCaptureErr(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = MailpipeCli.commandLine().execute(args);
            return exit + ":" + err.toString(StandardCharsets.UTF_8);
        } finally {
            System.setErr(original);
        }
    }

    @Test
    void missingConfigFileSaysHowToMakeOne(@TempDir Path dir) {
        String result = runAndCaptureErr("run", "--config", dir.resolve("nope.yaml").toString());
        assertThat(result).startsWith("2:").contains("not found").contains("mailpipe.example.yaml");
    }

    @Test
    void unknownKeyIsNamed(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("m.yaml"), """
                accounts:
                  - {name: a, host: h.example, from: a@h.example, limts: {perHour: 1}}
                """);
        String result = runAndCaptureErr("run", "--config", config.toString());
        assertThat(result).startsWith("2:").contains("unknown key 'limts'").contains("accounts[0]");
    }

    @Test
    void invalidAccountFieldIsNamedWithTheAccount(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("m.yaml"), """
                accounts:
                  - {name: shop, host: h.example, port: 70000, from: a@h.example}
                """);
        String result = runAndCaptureErr("run", "--config", config.toString());
        assertThat(result).startsWith("2:").contains("accounts[0] (shop)").contains("'port'");
    }
}
