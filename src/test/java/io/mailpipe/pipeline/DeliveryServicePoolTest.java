package io.mailpipe.pipeline;

import static io.mailpipe.pipeline.DeliveryHarness.account;
import static io.mailpipe.pipeline.DeliveryHarness.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mailpipe.account.Account;

/** Pools: a request that names one chooses among that pool's accounts only, in configured order. */
class DeliveryServicePoolTest {

    final Account a = account("a", null, null, null);
    final Account b = account("b", 1, null, null).withPools(List.of("bulk"));
    final Account c = account("c", null, null, null).withPools(List.of("bulk", "vip"));
    final DeliveryHarness h = new DeliveryHarness(a, b, c);

    @Test
    void aPoolRequestGoesToThePoolsAccountsInOrder() {
        Delivery first = h.attempt(h.onRequests("p-1", request("p-1", ",\"pool\":\"bulk\"")), h.accepts());
        h.publish(first);
        Delivery second = h.prepare(h.onRequests("p-2", request("p-2", ",\"pool\":\"bulk\"")));
        Delivery plain = h.prepare(h.onRequests("p-3", request("p-3", "")));

        assertThat(first.account().name()).as("b comes first in the pool").isEqualTo("b");
        assertThat(second.account().name()).as("b is at its limit of 1").isEqualTo("c");
        assertThat(plain.account().name()).as("without a pool: every account, a first").isEqualTo("a");
    }

    @Test
    void aFullPoolPausesForThePoolsAccountsOnly() {
        DeliveryHarness small = new DeliveryHarness(a, b);
        small.publish(small.attempt(small.onRequests("q-1", request("q-1", ",\"pool\":\"bulk\"")), small.accepts()));

        Delivery waiting = small.prepare(small.onRequests("q-2", request("q-2", ",\"pool\":\"bulk\"")));

        assertThat(waiting.pauseUntil()).isEqualTo(DeliveryHarness.T0.plus(Duration.ofHours(1)));
        assertThat(waiting.pauseReason()).startsWith("every account of pool 'bulk' is at its send limit");
        assertThat(waiting.pauseCandidates()).containsExactly(b);
    }

    @Test
    void aPoolNoAccountIsInIsRejected() {
        Delivery d = h.prepare(h.onRequests("r-1", request("r-1", ",\"pool\":\"nobody\"")));
        h.publish(d);

        assertThat(d.outcome().reasonCode()).isEqualTo("unknown_pool");
        assertThat(d.outcome().reason()).contains("'nobody'", "[bulk, vip]");
    }
}
