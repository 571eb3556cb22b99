package io.mailpipe.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mailpipe.compose.MessageComposer;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.Status;

/** {@link MessageIndex}: a report finds its request by X-Mailpipe-Id, by Message-ID, or by a VERP token. */
class MessageIndexTest {

    static OutcomeEvent sent(String id, String account, String messageId) {
        return new OutcomeEvent(id, Status.SENT, "accepted", "accepted by mx", account, 1, null, messageId, null, null, null,
                new OutcomeEvent.Source("mail.requests", 0, 1), Instant.parse("2030-01-10T10:00:00Z"));
    }

    @Test
    void findsTheRequestByEachWayInTurn() {
        MessageIndex index = new MessageIndex();
        index.learn(sent("order-7", "relay", MessageComposer.messageIdFor("order-7", "shop.example")));
        index.learn(sent("order-8", "relay", MessageComposer.messageIdFor("order-8", "shop.example")));
        String token = MessageComposer.verpToken("order-8");

        assertThat(index.correlate("order-7", null, List.of())).isEqualTo(new MessageIndex.Origin("order-7", "relay"));
        assertThat(index.correlate(null, MessageComposer.messageIdFor("order-7", "shop.example").toUpperCase(), List.of()))
                .isEqualTo(new MessageIndex.Origin("order-7", "relay"));
        assertThat(index.correlate(null, null, List.of("postmaster@mx.example", "Bounces+" + token + "@Shop.Example")))
                .as("a report that quotes nothing, delivered to the VERP return path")
                .isEqualTo(new MessageIndex.Origin("order-8", "relay"));
        assertThat(index.correlate(null, null, List.of("bounces+" + MessageComposer.verpToken("unknown") + "@shop.example")))
                .isNull();
        assertThat(index.correlate(null, null, List.of("bounces@shop.example"))).isNull();
    }
}
