package io.mailpipe.inbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.kafka.TopicFollower;

/**
 * The views a bounce report is decided on, held only by the worker elected to poll the mailboxes
 * ({@link ElectedViews}): the {@link MessageIndex} read from every partition of {@code mail.outcomes}, and the
 * {@link BounceHistory} read from {@code mail.bounces} and {@code mail.bounces.unparsed}. Each has its own
 * {@link TopicFollower}, which keeps reading while the views are held; {@link #close} stops both and lets the memory go.
 */
final class BounceViews implements ElectedViews.Views {

    private final KafkaSettings.Topics topics;
    private final MessageIndex index;
    private final BounceHistory history;
    private final List<TopicFollower> followers;

    private BounceViews(KafkaSettings.Topics topics, MessageIndex index, BounceHistory history, List<TopicFollower> followers) {
        this.topics = topics;
        this.index = index;
        this.history = history;
        this.followers = followers;
    }

    /**
     * Reads the views to the end of their topics.
     *
     * @throws RuntimeException (a {@link TopicFollower.NotCaughtUpException} among others) when Kafka does not answer or
     *                          a topic is missing; nothing is left open then
     */
    static BounceViews read(MailpipeConfig config, Duration timeout) {
        KafkaSettings kafka = config.kafka();
        KafkaSettings.Topics t = kafka.topics();
        var rule = config.suppression().softBounceRule();
        MessageIndex index = new MessageIndex();
        BounceHistory history = new BounceHistory(t.bounces(), rule == null ? null : rule.within());
        List<TopicFollower> followers = new ArrayList<>();
        try {
            // mail.outcomes is a busy topic, but this view is asked to catch up before every report: the default
            // (answer at once) settings, not the ledger's gathered fetches, which would make every wait 50 ms
            followers.add(new TopicFollower("bounce-index", kafka.connection(), List.of(t.outcomes()), index::apply));
            followers.add(new TopicFollower("bounce-history", kafka.connection(), List.of(t.bounces(), t.bouncesUnparsed()),
                    history::apply));
            for (TopicFollower f : followers) {
                f.start(timeout);
            }
            return new BounceViews(t, index, history, List.copyOf(followers));
        } catch (RuntimeException e) {
            followers.forEach(TopicFollower::close);
            throw e;
        }
    }

    MessageIndex index() {
        return index;
    }

    BounceHistory history() {
        return history;
    }

    /** Waits until both views have read everything written to their topics before this call. */
    void awaitCaughtUp(Duration timeout) {
        for (TopicFollower f : followers) {
            f.awaitCaughtUp(timeout);
        }
    }

    @Override
    public String describe() {
        return topics.outcomes() + " (" + index.size() + " sent messages) and " + topics.bounces() + " (" + history.size()
                + " events)";
    }

    @Override
    public void close() {
        for (TopicFollower f : followers) {
            f.close();
        }
    }
}
