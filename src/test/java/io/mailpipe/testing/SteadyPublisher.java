package io.mailpipe.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

/**
 * Publishes requests at a steady rate from its own thread while a fault runs (a producer with acks=all and
 * idempotence, retrying through leader changes). Keeps the id and the exact bytes of every record Kafka acknowledged.
 */
public final class SteadyPublisher implements AutoCloseable {

    /** One request record: key (the request id) and value. */
    public record Request(String id, byte[] value) {
    }

    private final KafkaIO kafka;
    private final List<Request> published = new CopyOnWriteArrayList<>();
    private final List<Exception> failures = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param count   how many requests, then it stops by itself
     * @param perSecond the rate
     * @param request the n-th request (0-based)
     */
    public SteadyPublisher(String bootstrapServers, String topic, int count, double perSecond, IntFunction<Request> request) {
        this.kafka = new KafkaIO(bootstrapServers);
        long intervalNanos = (long) (1e9 / perSecond);
        thread = new Thread(() -> {
            long next = System.nanoTime();
            for (int i = 0; i < count && running; i++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the rate itself
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                next += intervalNanos;
                Request r = request.apply(i);
                try {
                    kafka.send(topic, r.id(), r.value());
                    published.add(r);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
        }, "steady-publisher-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether every request has been published (or the publisher was closed). */
    public boolean done() {
        return !thread.isAlive();
    }

    public List<Request> published() {
        return List.copyOf(published);
    }

    /** Requests Kafka did not acknowledge (each after the producer's own retries for two minutes). */
    public List<Exception> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(150_000);
        kafka.close();
    }
}
