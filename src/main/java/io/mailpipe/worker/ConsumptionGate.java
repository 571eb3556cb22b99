package io.mailpipe.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Route;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailpipe.account.Account;
import io.mailpipe.account.AccountSelector;

/**
 * Pauses a Kafka consumer route while no account can send, and resumes it by itself: at the time the quota ledger
 * says room frees up, or earlier when another worker hands back a lease or a cool-down ends. A paused camel-kafka
 * consumer keeps polling (it stays in its group) but fetches nothing; on resume it seeks back to its committed
 * offsets, so the record that found no room is read again. Nothing is re-published and no offset moves past
 * unsent mail.
 */
public final class ConsumptionGate implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumptionGate.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    /** How often a pause checks whether room came back early. */
    private static final Duration CHECK = Duration.ofMillis(250);

    private final AccountSelector selector;
    private final Clock clock;
    private final Map<String, Pause> paused = new ConcurrentHashMap<>();
    private final Thread watcher;
    private volatile CamelContext context;
    private volatile boolean running = true;

    private record Pause(Consumer consumer, Instant until, List<Account> candidates) {
    }

    public ConsumptionGate(AccountSelector selector, Clock clock) {
        this.selector = selector;
        this.clock = clock;
        this.watcher = new Thread(this::watch, "mailpipe-consumption-gate");
        this.watcher.setDaemon(true);
        this.watcher.start();
    }

    void bind(CamelContext context) {
        this.context = context;
    }

    /**
     * Pauses the route's consumer until {@code until} or until a candidate has room again.
     *
     * @return true when the route was paused (false: no such route, e.g. in a test without Camel)
     */
    public boolean pause(String routeId, Instant until, List<Account> candidates, String reason) {
        CamelContext ctx = context;
        Route route = ctx == null || routeId == null ? null : ctx.getRoute(routeId);
        if (route == null || route.getConsumer() == null) {
            return false;
        }
        Consumer consumer = route.getConsumer();
        Pause previous = paused.put(routeId, new Pause(consumer, until, candidates));
        if (previous == null) {
            ServiceHelper.suspendService(consumer);
            Duration in = Duration.between(clock.instant(), until);
            LOG.info("{}: consumption of route {} paused; resumes at {}, in {}, or earlier when an account has room again",
                    reason, routeId, TIME.format(until), human(in));
        }
        return true;
    }

    /** Whether the route is paused now. */
    public boolean isPaused(String routeId) {
        return paused.containsKey(routeId);
    }

    private void watch() {
        while (running) {
            try {
                Thread.sleep(CHECK.toMillis());
                Instant now = clock.instant();
                for (Map.Entry<String, Pause> e : paused.entrySet()) {
                    Pause p = e.getValue();
                    boolean due = !now.isBefore(p.until());
                    if (due || selector.hasRoom(p.candidates())) {
                        if (paused.remove(e.getKey(), p)) {
                            LOG.info("Consumption of route {} resumes ({})", e.getKey(), due ? "the window reset"
                                    : "an account has room again");
                            ServiceHelper.resumeService(p.consumer());
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("Checking paused consumers failed: {}", e.toString());
            }
        }
    }

    static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s + 59) / 60 + " min";
        }
        return s / 3600 + " h " + (s % 3600) / 60 + " min";
    }

    @Override
    public void close() {
        running = false;
        watcher.interrupt();
    }
}
