package io.mailpipe.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.smtp.SendFailure;
import io.mailpipe.testing.MutableClock;

/** Cool-down steps: one throttle is one step, however many sends were in flight when it came. */
class AccountHealthTest {

    static final Instant T0 = Instant.parse("2030-01-10T10:00:00Z");
    static final Duration COOL = Duration.ofSeconds(30);

    final MutableClock clock = new MutableClock(T0);
    final AccountHealth health = new AccountHealth(COOL, Duration.ofMinutes(30), clock);

    static SendFailure throttled() {
        return new SendFailure(ReasonCode.RATE_LIMITED, null, List.of(), "550 5.7.1 Rate limit exceeded", SendFailure.Scope.ACCOUNT);
    }

    @Test
    void refusalsOfSendsInFlightBelongToTheFirstOnesEpisode() {
        Instant started = T0.minusMillis(200);

        assertThat(health.failed("a", throttled(), started)).isEqualTo(AccountHealth.Reaction.COOLING);
        clock.advance(Duration.ofMillis(90));
        for (int i = 0; i < 15; i++) {
            assertThat(health.failed("a", throttled(), started.plusMillis(i))).isEqualTo(AccountHealth.Reaction.SAME_EPISODE);
        }

        assertThat(health.availableAt("a")).as("still the first step").isEqualTo(T0.plus(COOL));
    }

    @Test
    void theNextStepNeedsARefusalOfASendStartedAfterTheCoolDownEnded() {
        health.failed("a", throttled(), T0);
        clock.set(T0.plus(COOL).plusSeconds(1));

        assertThat(health.failed("a", throttled(), clock.instant())).isEqualTo(AccountHealth.Reaction.COOLING);

        assertThat(health.availableAt("a")).isEqualTo(clock.instant().plus(COOL.multipliedBy(2)));
    }

    @Test
    void aSendAcceptedAfterTheCoolDownStartsTheStepsOver() {
        health.failed("a", throttled(), T0);
        health.succeeded("a", T0.plusSeconds(1)); // in flight during the cool-down: says nothing
        clock.set(T0.plus(COOL).plusSeconds(1));
        health.failed("a", throttled(), clock.instant());
        assertThat(health.availableAt("a")).isEqualTo(clock.instant().plus(COOL.multipliedBy(2)));

        clock.advance(COOL.multipliedBy(2).plusSeconds(1));
        health.succeeded("a", clock.instant());
        clock.advance(Duration.ofSeconds(1));
        health.failed("a", throttled(), clock.instant());

        assertThat(health.availableAt("a")).isEqualTo(clock.instant().plus(COOL));
    }

    @Test
    void aRefusedLoginDisablesOnce() {
        SendFailure login = new SendFailure(ReasonCode.AUTHENTICATION_FAILED, null, List.of(), "535 5.7.8 bad credentials",
                SendFailure.Scope.ACCOUNT);

        assertThat(health.failed("a", login, T0)).isEqualTo(AccountHealth.Reaction.DISABLED);
        assertThat(health.failed("a", login, T0)).isEqualTo(AccountHealth.Reaction.SAME_EPISODE);
        assertThat(health.state("a")).isEqualTo(AccountHealth.State.DISABLED);
        assertThat(health.disabledBecause("a")).isEqualTo("535 5.7.8 bad credentials");
    }

    @Test
    void failuresThatAreNotTheAccountsChangeNothing() {
        for (SendFailure.Scope scope : List.of(SendFailure.Scope.MESSAGE, SendFailure.Scope.RECIPIENT, SendFailure.Scope.UNEXPLAINED)) {
            SendFailure f = new SendFailure(ReasonCode.MESSAGE_REJECTED, null, List.of(), "x", scope);
            assertThat(health.failed("a", f, T0)).isEqualTo(AccountHealth.Reaction.NONE);
        }
        assertThat(health.state("a")).isEqualTo(AccountHealth.State.HEALTHY);
    }
}
