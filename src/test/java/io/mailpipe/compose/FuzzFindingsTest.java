package io.mailpipe.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;
import io.mailpipe.outcome.ReasonCode;
import jakarta.mail.Session;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per composition bug the request fuzzing ({@code io.mailpipe.pipeline.RequestFuzzTest}) found, so each
 * stays fixed even when the random search does not hit it again.
 */
class FuzzFindingsTest {

    private final MessageComposer composer = new MessageComposer(Clock.fixed(Instant.parse("2030-01-10T10:00:00Z"), ZoneOffset.UTC));
    private final Session session = Session.getInstance(new Properties());
    private final Account account = new Account("main", "smtp.shop.example", 465, Security.SSL, "main", "secret",
            "Shop <news@shop.example>", false, Limits.NONE, null, null, Duration.ofSeconds(30));

    /** Found: an unpaired surrogate in listUnsubscribe.mailto made URI.toASCIIString() throw a NullPointerException. */
    @Test
    void unpairedSurrogateInUnsubscribeLinkIsInvalidFieldNotACrash() {
        for (ListUnsubscribe link : new ListUnsubscribe[] {new ListUnsubscribe(null, "leave\uD800@shop.example"),
                new ListUnsubscribe("https://shop.example/u/\uDC00", null)}) {
            assertThatThrownBy(() -> composer.compose(TestSpec.spec("r-1").listUnsubscribe(link).build(), account, session))
                    .isInstanceOfSatisfying(CompositionException.class, e -> {
                        assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_FIELD);
                        assertThat(e.field()).startsWith("listUnsubscribe.");
                    });
        }
    }

    @Test
    void pairedSurrogatesInUnsubscribeLinkAreFine() throws Exception {
        ComposedMessage composed = composer.compose(TestSpec.spec("r-2")
                .listUnsubscribe(new ListUnsubscribe("https://shop.example/u/\uD83D\uDE00", null)).build(), account, session);
        assertThat(composed.message().getHeader("List-Unsubscribe")[0]).contains("%F0%9F%98%80");
    }

    /**
     * Found: a display name given as an RFC 2047 encoded word that decodes to CRLF passed the reader (the raw value is
     * plain ASCII); the composer decodes display names and Angus wrote the decoded name back unencoded, so the From
     * header of the sent message carried a raw line break and an injected {@code Bcc:} line.
     */
    @Test
    void encodedDisplayNameWithLineBreakIsHeaderInjectionNotARawLineBreak() {
        String encoded = "=?UTF-8?B?" + Base64.getEncoder().encodeToString("Ann\r\nBcc: evil@attacker.example".getBytes())
                + "?= <ann@example.org>";
        Account overridable = new Account("relay", "smtp.relay.example", 465, Security.SSL, "relay", "secret",
                "relay@relay.example", true, Limits.NONE, null, null, Duration.ofSeconds(30));
        for (TestSpec spec : List.of(TestSpec.spec("r-3").from(encoded), TestSpec.spec("r-4").replyTo(encoded),
                TestSpec.spec("r-5").to(encoded), TestSpec.spec("r-6").cc(encoded))) {
            assertThatThrownBy(() -> composer.compose(spec.build(), overridable, session))
                    .isInstanceOfSatisfying(CompositionException.class,
                            e -> assertThat(e.reason()).isEqualTo(ReasonCode.HEADER_INJECTION));
        }
    }

    @Test
    void encodedDisplayNameWithoutControlCharactersIsStillSent() throws Exception {
        ComposedMessage composed = composer.compose(TestSpec.spec("r-7").to("=?UTF-8?Q?Ren=C3=A9?= <rene@example.org>").build(),
                account, session);
        assertThat(composed.message().getHeader("To")[0]).doesNotContain("\r").doesNotContain("\n");
        assertThat(((jakarta.mail.internet.InternetAddress) composed.message().getRecipients(
                jakarta.mail.Message.RecipientType.TO)[0]).getPersonal()).isEqualTo("Ren\u00e9");
    }

    /**
     * Found: Jakarta Mail folds only at white space, so a long value without spaces became one header line longer than
     * RFC 5322's 998 octets (servers refuse or cut it; a cut line continues as a new header).
     */
    @Test
    void headerLineLongerThan998OctetsIsRefusedNamingTheField() throws Exception {
        String word = "b".repeat(1_500);
        assertThatThrownBy(() -> composer.compose(TestSpec.spec("r-8").headers(Map.of("X-Long", word)).build(), account, session))
                .isInstanceOfSatisfying(CompositionException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_FIELD);
                    assertThat(e.field()).isEqualTo("headers.X-Long");
                });
        assertThatThrownBy(() -> composer.compose(TestSpec.spec("r-9").subject(word).build(), account, session))
                .isInstanceOfSatisfying(CompositionException.class, e -> assertThat(e.field()).isEqualTo("subject"));
        // the same length with spaces folds into short lines and is sent
        String words = "bbbbbbbbb ".repeat(150);
        ComposedMessage fine = composer.compose(TestSpec.spec("r-10").subject(words).build(), account, session);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fine.message().writeTo(out);
        assertThat(out.toString().split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(998));
    }

    /** Found: a 200,000-character non-ASCII value took seconds to fold; header values are capped at 2000 characters. */
    @Test
    void headerValueLongerThan2000CharactersIsRefused() {
        assertThatThrownBy(() -> composer.compose(TestSpec.spec("r-11").subject("\u00e9".repeat(2_001)).build(), account, session))
                .isInstanceOfSatisfying(CompositionException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.INVALID_FIELD);
                    assertThat(e.field()).isEqualTo("subject");
                });
    }

    /**
     * Found: a template subject was checked for CR and LF only; NUL, NEL, U+2028 and U+2029 from a variable reached
     * the Subject header (as encoded words).
     */
    @Test
    void templateSubjectWithAnyControlCharacterIsHeaderInjection(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("welcome"));
        Files.writeString(dir.resolve("welcome").resolve("subject.mustache"), "Welcome {{name}}!");
        Files.writeString(dir.resolve("welcome").resolve("text.mustache"), "Hello {{name}}");
        TemplateRenderer renderer = new TemplateRenderer(dir);
        for (String name : List.of("a\u0000b", "a\u2028b", "a\u2029b", "a\u0085b", "a\rb",
                "=?UTF-8?Q?a=0D=0AX-Injected:_yes?=")) {
            assertThatThrownBy(() -> renderer.render(new TemplateRef("welcome", Map.of("name", name))))
                    .as(name).isInstanceOfSatisfying(CompositionException.class,
                            e -> assertThat(e.reason()).isEqualTo(ReasonCode.HEADER_INJECTION));
        }
        assertThat(renderer.render(new TemplateRef("welcome", Map.of("name", "Ann\tB"))).subject()).isEqualTo("Welcome Ann\tB!");
    }
}
