package io.mailpipe.bounce;

import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** Line endings, mbox files, charsets, garbage: never throws, problems kept as data. */
class RobustnessTest {
    private final BounceParser parser = new BounceParser();

    private static final String QMAIL = Fixtures.text("""
            From: MAILER-DAEMON@mx.example.org
            Subject: failure notice
            """, """
            Hi. This is the qmail-send program at mx.example.org.

            <nobody@example.com>:
            Remote host said: 550 5.1.1 no mailbox here by that name

            --- Below this line is a copy of the message.
            """);

    @Test
    void sameAnswerForLfCrlfAndCr() {
        BounceRecord lf = parser.parse(Fixtures.bytes(QMAIL)).records().get(0);
        BounceRecord crlf = parser.parse(Fixtures.bytes(QMAIL.replace("\n", "\r\n"))).records().get(0);
        BounceRecord cr = parser.parse(Fixtures.bytes(QMAIL.replace("\n", "\r"))).records().get(0);
        assertThat(crlf).isEqualTo(lf);
        assertThat(cr).isEqualTo(lf);
        assertThat(lf.reason()).isEqualTo(Reason.USERUNKNOWN);
    }

    @Test
    void mboxWithTwoMessages() {
        String mbox = "From MAILER-DAEMON  Thu Apr 29 23:34:45 2021\n" + QMAIL
                + "\nFrom MAILER-DAEMON  Thu Apr 29 23:34:46 2021\n" + QMAIL.replace("nobody@", "other@");
        ParseResult r = parser.parse(Fixtures.bytes(mbox));
        assertThat(r.records()).extracting(BounceRecord::recipient)
                .containsExactly("nobody@example.com", "other@example.com");
    }

    @Test
    void decodesIso2022JpAndKoi8rAndUtf7() {
        for (String cs : new String[]{"ISO-2022-JP", "KOI8-R"}) {
            String text = cs.startsWith("ISO") ? "宛先不明 user unknown" : "Пользователь не найден user unknown";
            byte[] body = text.getBytes(Charset.forName(cs));
            String head = "From: MAILER-DAEMON@mx.example.org\nSubject: failure notice\nMIME-Version: 1.0\n"
                    + "Content-Type: text/plain; charset=" + cs + "\n\n";
            MailView view = MailReader.read(concat(head.getBytes(StandardCharsets.US_ASCII), body), new java.util.ArrayList<>());
            assertThat(view.texts.get(0)).contains(text);
        }
        assertThat(Utf7.decode("Hi Mom -+Jjo--!".getBytes(StandardCharsets.US_ASCII))).isEqualTo("Hi Mom -\u263A-!");
        assertThat(Utf7.decode("+ZeVnLIqe-".getBytes(StandardCharsets.US_ASCII))).isEqualTo("日本語");
        assertThat(Utf7.decode("1 +- 1".getBytes(StandardCharsets.US_ASCII))).isEqualTo("1 + 1");
        assertThat(MailReader.decodeHeader("=?UTF-7?B?K1plVm5MSXFlLQ==?=")).isEqualTo("日本語");
    }

    @Test
    void garbageNeverThrows() {
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[random.nextInt(3000)];
            random.nextBytes(junk);
            assertThatCode(() -> parser.parse(junk)).doesNotThrowAnyException();
        }
        assertThat(parser.parse(new byte[0]).problems()).isNotEmpty();
        assertThat(parser.parse(null).problems()).isNotEmpty();
        String broken = "From: MAILER-DAEMON@example.org\nSubject: Undelivered\nContent-Type: multipart/report; boundary=\"X\"\n\n"
                + "no boundary ever\n<nobody@example.com>: 550 5.1.1 user unknown\n";
        assertThatCode(() -> parser.parse(Fixtures.bytes(broken))).doesNotThrowAnyException();
    }

    @Test
    void longLinesAreBoundedInTime() {
        String line = "a".repeat(200_000) + "@" + "b.".repeat(50_000);
        String msg = Fixtures.text("From: MAILER-DAEMON@example.org\nSubject: failure notice", line + "\n" + line);
        long t0 = System.nanoTime();
        parser.parse(Fixtures.bytes(msg));
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3000);
    }

    /** The vendor formats' sentence patterns see long, address-rich lines too. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "From: mailer-daemon\nSubject: There was an error sending your mail",
            "From: postmaster@example.org\nSubject: Undeliverable Mail\nX-Mailer: <SMTP32 v8.22>",
            "From: postmaster@example.org (\"InterScan Notification\")\nSubject: Mail could not be delivered",
            "From: postmaster@example.org\nSubject: Undeliverable message",
            "From: <Postmaster@ezweb.ne.jp>\nSubject: Mail System Error - Returned Mail",
            "From: System Administrator <postmaster@example.org>\nX-Mailer: Internet Mail Service (5.5.2653.19)"})
    void vendorFormatsAreBoundedInTime(String headers) {
        String words = "unknown user ".repeat(3_000) + "a@b.".repeat(20_000) + " on ";
        String body = "We had trouble delivering your message\n------- Failure Reasons\ndid not reach the following recipient\n"
                + "Unable to deliver message to <" + words + "\n<" + words + "\n" + words;
        long t0 = System.nanoTime();
        parser.parse(Fixtures.bytes(Fixtures.text(headers, body)));
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3000);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
