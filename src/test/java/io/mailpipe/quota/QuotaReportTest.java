package io.mailpipe.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mailpipe.account.Account;
import io.mailpipe.account.Limits;
import io.mailpipe.account.Security;

/** {@link QuotaReport}: what {@code mailpipe quota} prints for an account at its limit, a free one, a cooling one. */
class QuotaReportTest {

    static final Instant T0 = Instant.parse("2030-01-10T10:00:00Z");

    static Account account(String name, Limits limits) {
        return new Account(name, "smtp.example", 465, Security.SSL, name, "pw", name + "@example.com", false, limits, null, null,
                Duration.ofSeconds(30));
    }

    @Test
    void printsUseAgainstLimitsAndWhenTheNextSendIsAllowed() {
        Account full = account("full", new Limits(2, 10, null, 3));
        Account free = account("free", Limits.NONE);
        Account cooling = account("cooling", Limits.NONE);
        QuotaBook book = new QuotaBook("cli", Duration.ofHours(1), Duration.ofDays(1),
                Map.of("full", full.limits(), "free", free.limits(), "cooling", cooling.limits()));
        book.apply(new QuotaRecord.Reserve("l1", "full", "w1", 2, 1, Duration.ofSeconds(15), Duration.ofSeconds(75)), T0);
        book.apply(new QuotaRecord.Release("l1", "full", 2), T0.plusSeconds(5));
        book.apply(new QuotaRecord.Cooldown("cooling", "w1", T0.plusSeconds(300), "rate_limited"), T0.plusSeconds(6));
        Instant now = T0.plusSeconds(10);

        String table = QuotaReport.format(QuotaReport.rows(book, List.of(full, free, cooling), now, Duration.ofSeconds(15)), now);

        assertThat(table.lines()).hasSize(4);
        assertThat(table).containsPattern("full\\s+2/2\\s+2/10\\s+0/3\\s+2030-01-10 11:00:05Z \\(in 60 min\\)")
                .containsPattern("free\\s+0/-\\s+0/-\\s+0/-\\s+now\\n")
                .contains("cooling down until 2030-01-10 10:05:00Z after an account-level failure");
    }

    @Test
    void anAccountWhoseLoginWasRefusedIsShownDisabledWithTheReason() {
        Account legacy = account("legacy", Limits.NONE);
        QuotaBook book = new QuotaBook("cli", Duration.ofHours(1), Duration.ofDays(1), Map.of("legacy", legacy.limits()));
        book.apply(new QuotaRecord.Cooldown("legacy", "w1", T0.plusSeconds(1800), "authentication_failed",
                "AUTH replied 550 5.7.30 Basic authentication is not supported for Client Submission.; switch the account to"
                        + " auth: oauth2"), T0);
        String table = QuotaReport.format(QuotaReport.rows(book, List.of(legacy), T0.plusSeconds(5), Duration.ofSeconds(15)),
                T0.plusSeconds(5));
        assertThat(table.lines().skip(1).findFirst().orElseThrow()).startsWith("legacy")
                .contains("DISABLED: login refused (authentication_failed, worker w1): AUTH replied 550 5.7.30 Basic"
                        + " authentication is not supported for Client Submission.; switch the account to auth: oauth2");
    }
}
