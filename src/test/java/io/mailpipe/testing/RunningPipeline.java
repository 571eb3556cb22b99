package io.mailpipe.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import io.mailpipe.account.Account;
import io.mailpipe.config.KafkaSettings;
import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.worker.Worker;

/**
 * An in-process worker on the test broker with its own topics, a producer for requests, and collectors of
 * its outcomes and dead letters: the common set-up of the acceptance tests.
 */
public final class RunningPipeline implements AutoCloseable {

    public final KafkaSettings.Topics topics;
    public final Worker worker;
    public final KafkaIO kafka;
    public final KafkaIO.Collector outcomes;
    public final KafkaIO.Collector deadLetters;

    private RunningPipeline(KafkaSettings.Topics topics, Worker worker) {
        this.topics = topics;
        this.worker = worker;
        this.kafka = new KafkaIO();
        this.outcomes = new KafkaIO.Collector(topics.outcomes());
        this.deadLetters = new KafkaIO.Collector(topics.dlq());
    }

    public static RunningPipeline start(String name, List<Account> accounts) {
        return start(name, accounts, UnaryOperator.identity());
    }

    /** As {@link #start(String, List)}, with the test configuration adjusted first (e.g. other routes). */
    public static RunningPipeline start(String name, List<Account> accounts, UnaryOperator<MailpipeConfig> adjust) {
        KafkaSettings.Topics topics = TestWorkers.topics(name);
        return new RunningPipeline(topics, Worker.start(adjust.apply(TestWorkers.config(topics, accounts))));
    }

    /** A worker on topics an earlier pipeline used (same group): a restart, for example with other accounts. */
    public static RunningPipeline restart(KafkaSettings.Topics topics, List<Account> accounts, UnaryOperator<MailpipeConfig> adjust) {
        return new RunningPipeline(topics, Worker.start(adjust.apply(TestWorkers.config(topics, accounts))));
    }

    /** Publishes a JSON request with the given key. */
    public void send(String key, String json) {
        kafka.send(topics.requests(), key, json);
    }

    /** The request's outcome events so far, in order. */
    public List<OutcomeEvent> outcomesFor(String id) {
        return outcomes.outcomesFor(id);
    }

    /** Waits for the request's terminal outcome and returns all its outcome events in order. */
    public List<OutcomeEvent> awaitTerminal(String id) {
        await().atMost(Duration.ofSeconds(40)).until(() -> outcomes.outcomesFor(id).stream().anyMatch(e -> e.status().isTerminal()));
        return outcomes.outcomesFor(id);
    }

    @Override
    public void close() throws Exception {
        deadLetters.close();
        outcomes.close();
        kafka.close();
        worker.close();
    }
}
