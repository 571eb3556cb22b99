package io.mailpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code mailpipe parse-bounce}: one JSON line per recipient, "none" for no report, an error line per bad file. */
class ParseBounceCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Run(int exit, List<JsonNode> lines) {
    }

    private static Run run(String... args) throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = MailpipeCli.commandLine();
        cli.setOut(new PrintWriter(out));
        int exit = cli.execute(args);
        List<JsonNode> lines = new ArrayList<>();
        for (String l : out.toString().split("\n")) {
            if (!l.isBlank()) {
                lines.add(JSON.readTree(l));
            }
        }
        return new Run(exit, lines);
    }

    private static final String TWO_RECIPIENTS = """
            From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
            To: bounce+r42@bounces.example.org
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"

            --B
            Content-Type: text/plain

            Your message could not be delivered to two recipients.

            --B
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.org

            Final-Recipient: rfc822; nobody@example.com
            Action: failed
            Status: 5.1.1
            Remote-MTA: dns; mx.example.com
            Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown

            Final-Recipient: rfc822; full@example.net
            Action: delayed
            Status: 4.2.2
            Diagnostic-Code: smtp; 452 4.2.2 Mailbox full

            --B
            Content-Type: text/rfc822-headers

            From: shop@example.org
            To: nobody@example.com, full@example.net
            Message-ID: <r42.mailpipe@example.org>
            X-Mailpipe-Id: r42

            --B--
            """;

    @Test
    void printsOneLinePerRecipientWithTheRecordsFields(@TempDir Path dir) throws Exception {
        Path report = Files.writeString(dir.resolve("report.eml"), TWO_RECIPIENTS, StandardCharsets.UTF_8);
        Run r = run("parse-bounce", report.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.lines()).hasSize(2);
        JsonNode first = r.lines().get(0);
        assertThat(first.path("file").asText()).isEqualTo(report.toString());
        assertThat(first.path("kind").asText()).isEqualTo("bounce");
        assertThat(first.path("recipient").asText()).isEqualTo("nobody@example.com");
        assertThat(first.path("status").asText()).isEqualTo("5.1.1");
        assertThat(first.path("replyCode").asText()).isEqualTo("550");
        assertThat(first.path("action").asText()).isEqualTo("failed");
        assertThat(first.path("reason").asText()).isEqualTo("userunknown");
        assertThat(first.path("hard").asBoolean()).isTrue();
        assertThat(first.path("diagnostic").asText()).contains("User unknown");
        assertThat(first.path("reportingMta").asText()).isEqualTo("mx.example.org");
        assertThat(first.path("remoteMta").asText()).isEqualTo("mx.example.com");
        assertThat(first.path("originalMessageId").asText()).isEqualTo("r42.mailpipe@example.org");
        assertThat(first.path("requestId").asText()).isEqualTo("r42");
        assertThat(first.path("sesBounceType").asText()).isEqualTo("Permanent");
        assertThat(first.path("sesSubType").asText()).isEqualTo("NoEmail");
        assertThat(first.path("reportRecipients").get(0).asText()).isEqualTo("bounce+r42@bounces.example.org");

        JsonNode second = r.lines().get(1);
        assertThat(second.path("kind").asText()).isEqualTo("delay");
        assertThat(second.path("reason").asText()).isEqualTo("mailboxfull");
        assertThat(second.path("hard").asBoolean()).isFalse();
        assertThat(second.path("sesBounceType").asText()).isEqualTo("Transient");
        assertThat(second.path("sesSubType").asText()).isEqualTo("MailboxFull");
        assertThat(second.path("requestId").asText()).isEqualTo("r42");
    }

    @Test
    void aMessageThatIsNoReportIsKindNone(@TempDir Path dir) throws Exception {
        Path letter = Files.writeString(dir.resolve("letter.eml"), """
                From: Friend <friend@example.com>
                To: me@example.org
                Subject: lunch?

                Lunch at noon?
                """);
        Run r = run("parse-bounce", letter.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.lines()).hasSize(1);
        assertThat(r.lines().get(0).path("kind").asText()).isEqualTo("none");
        assertThat(r.lines().get(0).has("recipient")).isFalse();
    }

    @Test
    void badFilesGetAnErrorLineAndTheRestIsStillParsed(@TempDir Path dir) throws Exception {
        Path report = Files.writeString(dir.resolve("report.eml"), TWO_RECIPIENTS);
        Path empty = Files.write(dir.resolve("empty.eml"), new byte[0]);
        Path garbage = Files.write(dir.resolve("garbage.bin"), new byte[]{0, (byte) 0xff, 0x1b, '$', 'B', '\r', 0, 0x7f});
        Path missing = dir.resolve("missing.eml");

        Run r = run("parse-bounce", missing.toString(), empty.toString(), dir.toString(), garbage.toString(), report.toString());

        assertThat(r.exit()).isEqualTo(ParseBounceCommand.EXIT_MISSING_FILE);
        assertThat(r.lines()).hasSize(6);
        assertThat(r.lines().get(0).path("error").asText()).isEqualTo("file not found");
        assertThat(r.lines().get(1).path("error").asText()).contains("empty");
        assertThat(r.lines().get(2).path("error").asText()).contains("directory");
        assertThat(r.lines().get(3).path("file").asText()).isEqualTo(garbage.toString());
        assertThat(r.lines().get(3).has("error") || r.lines().get(3).path("kind").asText().equals("none")).isTrue();
        assertThat(r.lines().get(4).path("recipient").asText()).isEqualTo("nobody@example.com");
        assertThat(r.lines().get(5).path("recipient").asText()).isEqualTo("full@example.net");
    }

    @Test
    void allFilesPresentExitsZero(@TempDir Path dir) throws Exception {
        Path report = Files.writeString(dir.resolve("report.eml"), TWO_RECIPIENTS);
        assertThat(run("parse-bounce", report.toString(), report.toString()).exit()).isZero();
    }
}
