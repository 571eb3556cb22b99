package io.mailpipe.loadtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The faults of a chaos run, drawn from its seed before it starts: the same seed gives the same faults, targets,
 * durations and start times (the system's own timing still differs from run to run). Three tracks run side by side,
 * each one fault at a time with a pause between: Kafka (at most one broker away at once, so the quorum and
 * {@code min.insync.replicas=2} hold), workers (at most one disturbed at once), SMTP servers.
 */
record ChaosSchedule(long seed, List<Event> events) {

    /** What can go wrong. */
    enum Fault {
        /** kill -9 of the broker leading most partitions of mail.requests and mail.outcomes; started again after the duration. */
        LEADER_KILL(Track.KAFKA),
        /** Every broker stopped (SIGTERM) and started again, one after the other, each once all replicas are in sync. */
        ROLLING_RESTART(Track.KAFKA),
        /** One broker stopped for a minute (stopped, not a full disk), then started again. */
        BROKER_STOP(Track.KAFKA),
        /** A worker frozen with SIGSTOP past the session timeout, then SIGCONT: a zombie. */
        WORKER_FREEZE(Track.WORKER),
        /** A worker's network to every broker black-holed for 30 s. */
        WORKER_NET_CUT(Track.WORKER),
        /** kill -9 of a worker, a new one started after the duration. */
        WORKER_KILL(Track.WORKER),
        /** One SMTP server answers every DATA with 451 for the duration. */
        SMTP_4XX_STORM(Track.SMTP),
        /** One SMTP server answers every RCPT TO with 550 5.1.1 for the duration. */
        SMTP_5XX_STORM(Track.SMTP),
        /** One SMTP server reads the next few messages whole and drops the connection without a reply. */
        SMTP_DROP_AFTER_DATA(Track.SMTP),
        /** One SMTP server takes 1 to 2.5 s to answer each DATA for the duration. */
        SMTP_SLOW(Track.SMTP);

        final Track track;

        Fault(Track track) {
            this.track = track;
        }
    }

    enum Track { KAFKA, WORKER, SMTP }

    /**
     * One fault: when it starts (from the run's start), what, on which target (broker, worker or SMTP server index),
     * for how long (for drops after DATA: how many messages, in {@code amount}).
     */
    record Event(Duration at, Fault fault, int target, Duration duration, int amount) {
        @Override
        public String toString() {
            return String.format("+%ds %s target=%d %s", at.toSeconds(), fault.name().toLowerCase().replace('_', '-'), target,
                    fault == Fault.SMTP_DROP_AFTER_DATA ? amount + " message(s)" : "for " + duration.toSeconds() + " s");
        }
    }

    static ChaosSchedule draw(long seed, Duration length, int workers, int smtpServers) {
        Random random = new Random(seed);
        List<Event> events = new ArrayList<>();
        for (Track track : Track.values()) {
            List<Fault> faults = java.util.Arrays.stream(Fault.values()).filter(f -> f.track == track).toList();
            long t = 3 + random.nextInt(10);
            while (t < length.toSeconds()) {
                Fault fault = faults.get(random.nextInt(faults.size()));
                int target = switch (track) {
                    case KAFKA -> random.nextInt(3);
                    case WORKER -> random.nextInt(workers);
                    case SMTP -> random.nextInt(smtpServers);
                };
                long seconds = switch (fault) {
                    case LEADER_KILL -> 5 + random.nextInt(11);
                    case ROLLING_RESTART -> 45; // an estimate: it takes what it takes
                    case BROKER_STOP -> 60;
                    case WORKER_FREEZE -> 15 + random.nextInt(11);
                    case WORKER_NET_CUT -> 30;
                    case WORKER_KILL -> 2 + random.nextInt(4);
                    case SMTP_4XX_STORM -> 4 + random.nextInt(7);
                    case SMTP_5XX_STORM -> 2 + random.nextInt(4);
                    case SMTP_DROP_AFTER_DATA -> 1;
                    case SMTP_SLOW -> 5 + random.nextInt(11);
                };
                int amount = fault == Fault.SMTP_DROP_AFTER_DATA ? 1 + random.nextInt(3) : 0;
                events.add(new Event(Duration.ofSeconds(t), fault, target, Duration.ofSeconds(seconds), amount));
                long gap = track == Track.KAFKA ? 10 + random.nextInt(21) : 5 + random.nextInt(16);
                t += seconds + gap;
            }
        }
        events.sort(java.util.Comparator.comparing(Event::at));
        return new ChaosSchedule(seed, List.copyOf(events));
    }

    List<Event> of(Track track) {
        return events.stream().filter(e -> e.fault().track == track).toList();
    }
}
