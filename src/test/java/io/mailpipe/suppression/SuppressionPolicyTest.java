package io.mailpipe.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.mailpipe.bounce.Kind;
import io.mailpipe.config.SuppressionSettings;
import io.mailpipe.request.MailRequest;

/** Which reports suppress, the soft-bounce history, address normalisation and the send path's verdict. */
class SuppressionPolicyTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private final SuppressionPolicy rule3 = new SuppressionPolicy(
            new SuppressionSettings(true, new SuppressionSettings.SoftBounceRule(3, Duration.ofDays(7))));

    private Optional<String> reason(SuppressionPolicy p, Kind kind, boolean hard, int softBefore) {
        return p.decide(kind, hard, "X <X@Example.org>", softBefore, T0, "bounce:e#0", null).map(SuppressionEntry::reason);
    }

    @Test
    void table() {
        SuppressionPolicy defaults = new SuppressionPolicy(SuppressionSettings.defaults());
        assertThat(reason(defaults, Kind.BOUNCE, true, 0)).contains("hard_bounce");
        assertThat(reason(defaults, Kind.COMPLAINT, false, 0)).contains("complaint");
        assertThat(reason(defaults, Kind.BOUNCE, false, 100)).isEmpty();
        assertThat(reason(defaults, Kind.DELAY, false, 100)).isEmpty();
        assertThat(reason(defaults, Kind.AUTOREPLY, false, 0)).isEmpty();
        assertThat(reason(defaults, Kind.DELIVERED, false, 0)).isEmpty();
        assertThat(reason(rule3, Kind.BOUNCE, false, 1)).isEmpty();
        assertThat(reason(rule3, Kind.BOUNCE, false, 2)).contains("soft_bounces");
        assertThat(reason(rule3, Kind.DELAY, false, 5)).isEmpty();
        assertThat(reason(new SuppressionPolicy(new SuppressionSettings(false, null)), Kind.BOUNCE, true, 0)).isEmpty();
    }

    @Test
    void entriesCarryTheNormalisedAddress() {
        SuppressionEntry e = rule3.decide(Kind.BOUNCE, true, "Anna <Anna@Example.ORG>", 0, T0, "bounce:r#0", "userunknown").orElseThrow();
        assertThat(e.address()).isEqualTo("anna@example.org");
        assertThat(e.since()).isEqualTo(T0);
        assertThat(rule3.decide(Kind.BOUNCE, true, null, 0, T0, "s", null)).isEmpty();
    }

    @Test
    void normalisation() {
        assertThat(Addresses.normalise(" Anna Petrova <Anna@Example.org> ")).isEqualTo("anna@example.org");
        assertThat(Addresses.normalise("<bob@example.org>")).isEqualTo("bob@example.org");
        assertThat(Addresses.normalise("CY@EXAMPLE.ORG")).isEqualTo("cy@example.org");
        assertThat(Addresses.normalise("  ")).isNull();
    }

    @Test
    void softBounceHistoryCountsWithinTheWindowOnly() {
        SoftBounceHistory h = new SoftBounceHistory(Duration.ofDays(7));
        h.record("a@example.org", T0);
        h.record("A@example.org", T0.plus(Duration.ofDays(3)));
        h.record("a@example.org", T0.plus(Duration.ofDays(9)));
        assertThat(h.countWithin("a@example.org", T0.plus(Duration.ofDays(9)), Duration.ofDays(7))).isEqualTo(2);
        assertThat(h.countWithin("a@example.org", T0.plus(Duration.ofDays(20)), Duration.ofDays(7))).isZero();
        assertThat(h.countWithin("b@example.org", T0, Duration.ofDays(7))).isZero();
    }

    @Test
    void verdictForTheSendPath() {
        SuppressionState state = new SuppressionState();
        state.put(new SuppressionEntry("bob@example.org", "manual", T0, "cli", null));
        MailRequest some = new MailRequest("r", null, null, List.of("Ann <ann@example.org>"), List.of("BOB@example.org"), List.of(),
                "s", "t", null, null, null, null, null, null);
        SuppressionList.Verdict v = state.check(some);
        assertThat(v.suppressed()).containsExactly("bob@example.org");
        assertThat(v.all()).isFalse();
        MailRequest all = new MailRequest("r", null, null, List.of("Bob <bob@example.org>"), List.of(), List.of("bob@example.org"),
                "s", "t", null, null, null, null, null, null);
        assertThat(state.check(all).all()).isTrue();
        assertThat(SuppressionList.NONE.check(all).any()).isFalse();
    }
}
