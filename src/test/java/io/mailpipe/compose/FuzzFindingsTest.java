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
import java.util.Properties;
import org.junit.jupiter.api.Test;

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
}
