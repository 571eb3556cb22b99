package io.mailpipe.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When will the mail waiting now be out? A minute-by-minute simulation of the accounts' rolling windows, pure and
 * deterministic (the caller passes "now"): each step, every account that may send gets what its hour and day windows
 * have room for (sends already counted leave the windows as the quota ledger says they do; simulated sends count for a
 * window's length), at most its per-second rate, and together at most the cluster's observed send rate; the waiting
 * groups take it in the router's order (pinned mail first, then pools, then mail for any account), each group's
 * candidates in configured order.
 *
 * <p>What it cannot know: requests that arrive later, retries that fail again, throttling not seen yet. It assumes
 * every waiting request needs one send.
 */
public final class FinishEstimator {

    /** Sends already counted against an account's windows, as a function of time (they only ever leave). */
    public interface CountedSends {
        /** Sends counted in the hour window at {@code t} (not before now). */
        int hour(Instant t);

        /** Sends counted in the day window at {@code t}. */
        int day(Instant t);

        CountedSends NONE = new CountedSends() {
            @Override
            public int hour(Instant t) {
                return 0;
            }

            @Override
            public int day(Instant t) {
                return 0;
            }
        };
    }

    /**
     * One account as the estimate sees it.
     *
     * @param name       the account
     * @param perHour    sends per hour window, null for no limit (the lower of the configured and learned limit)
     * @param perDay     sends per day window, null for no limit
     * @param perSecond  a smooth rate, null for none
     * @param counted    sends already counted
     * @param availableAt the account sends nothing before this (cooling down), null: available now
     * @param disabled   sends nothing at all (a refused login)
     */
    public record Account(String name, Integer perHour, Integer perDay, Double perSecond, CountedSends counted,
                          Instant availableAt, boolean disabled) {
        public Account {
            counted = counted == null ? CountedSends.NONE : counted;
        }
    }

    /** The kind of a waiting group: the router serves them in this order. */
    public enum Kind { PINNED, POOL, ANY }

    /**
     * Requests waiting for the same candidates.
     *
     * @param name       {@code account:NAME}, the pool's name, or {@code any}
     * @param kind       pinned, pool or any account
     * @param candidates account names in configured order
     * @param waiting    requests waiting
     */
    public record Group(String name, Kind kind, List<String> candidates, long waiting) {
        public Group {
            candidates = List.copyOf(candidates);
        }
    }

    /**
     * The estimate.
     *
     * @param waiting    requests waiting in all
     * @param nextHour   of them, how many go out within the next hour
     * @param finish     when the last goes out, or null when that is beyond the horizon (or never: no account can send)
     * @param groups     finish per group (null values likewise)
     * @param unsendable requests no account will ever take (every candidate disabled or unknown)
     */
    public record Estimate(long waiting, long nextHour, Instant finish, Map<String, Instant> groups, long unsendable) {
    }

    private final Duration hourWindow;
    private final Duration dayWindow;
    private final Duration step;
    private final Duration horizon;

    /**
     * @param hourWindow length of the hour window ({@code quota.hourWindow})
     * @param dayWindow  length of the day window
     * @param step       simulation step (a minute: well within one window's accuracy)
     * @param horizon    how far ahead to look before giving up
     */
    public FinishEstimator(Duration hourWindow, Duration dayWindow, Duration step, Duration horizon) {
        if (step.isZero() || step.isNegative() || hourWindow.compareTo(step) < 0) {
            throw new IllegalArgumentException("the step must be positive and at most the hour window");
        }
        this.hourWindow = hourWindow;
        this.dayWindow = dayWindow;
        this.step = step;
        this.horizon = horizon;
    }

    /** One-minute steps, 35 days ahead. */
    public FinishEstimator(Duration hourWindow, Duration dayWindow) {
        this(hourWindow, dayWindow, Duration.ofMinutes(1), Duration.ofDays(35));
    }

    /**
     * @param now            the time of the estimate
     * @param accounts       the accounts, in configured order
     * @param groups         what waits
     * @param clusterPerStep the most sends the workers make in one step together (their observed rate), null: as
     *                       many as the limits allow
     */
    public Estimate estimate(Instant now, List<Account> accounts, List<Group> groups, Double clusterPerStep) {
        Map<String, Sim> sims = new LinkedHashMap<>();
        int steps = (int) Math.min(Integer.MAX_VALUE - 1, horizon.toNanos() / step.toNanos());
        for (Account a : accounts) {
            sims.put(a.name(), new Sim(a, now, steps));
        }
        List<Group> order = new ArrayList<>(groups);
        order.sort(Comparator.comparing(Group::kind));
        long[] left = new long[order.size()];
        Map<String, Instant> finished = new LinkedHashMap<>();
        long waiting = 0;
        long unsendable = 0;
        for (int g = 0; g < order.size(); g++) {
            Group group = order.get(g);
            waiting += group.waiting();
            boolean someoneCan = group.candidates().stream().map(sims::get).anyMatch(s -> s != null && !s.account.disabled());
            if (!someoneCan) {
                unsendable += group.waiting();
                finished.put(group.name(), null);
            } else {
                left[g] = group.waiting();
            }
            if (group.waiting() == 0) {
                finished.put(group.name(), now);
            }
        }
        long toPlace = waiting - unsendable;
        long nextHour = 0;
        long hourSteps = hourWindow.toNanos() / step.toNanos();
        Duration oneHour = Duration.ofHours(1);
        Instant last = toPlace == 0 ? now : null;
        for (int i = 0; i < steps && toPlace > 0; i++) {
            Instant t = now.plus(step.multipliedBy(i));
            double clusterLeft = clusterPerStep == null ? Double.MAX_VALUE : clusterPerStep;
            for (Sim s : sims.values()) {
                s.openStep(i, t, hourSteps);
            }
            for (int g = 0; g < order.size() && clusterLeft >= 1; g++) {
                if (left[g] == 0) {
                    continue;
                }
                for (String name : order.get(g).candidates()) {
                    Sim s = sims.get(name);
                    if (s == null || left[g] == 0 || clusterLeft < 1) {
                        continue;
                    }
                    long take = Math.min(left[g], Math.min(s.room, (long) clusterLeft));
                    if (take <= 0) {
                        continue;
                    }
                    s.send(i, take);
                    left[g] -= take;
                    clusterLeft -= take;
                    toPlace -= take;
                    if (Duration.between(now, t).compareTo(oneHour) < 0) {
                        nextHour += take;
                    }
                    if (left[g] == 0) {
                        finished.put(order.get(g).name(), t.plus(step));
                    }
                }
            }
            if (toPlace == 0) {
                last = t.plus(step);
            }
        }
        for (Group group : order) {
            finished.putIfAbsent(group.name(), null);
        }
        return new Estimate(waiting, nextHour, unsendable > 0 ? null : last, finished, unsendable);
    }

    /** One account during the simulation. */
    private final class Sim {
        final Account account;
        final long[] sentBy; // sends simulated up to and including step i (prefix sums)
        final int[] countedHour;
        final int[] countedDay;
        final long daySteps;
        final double perStepRate;
        double rateCarry;
        long room;

        Sim(Account account, Instant now, int steps) {
            this.account = account;
            this.sentBy = new long[steps + 1];
            this.daySteps = dayWindow.toNanos() / step.toNanos();
            // sends already counted leave the windows over (at most) one window and a bit: sample that stretch
            this.countedHour = sample(account, now, hourWindow.multipliedBy(2), true);
            this.countedDay = sample(account, now, dayWindow.multipliedBy(2), false);
            this.perStepRate = account.perSecond() == null ? Double.MAX_VALUE : account.perSecond() * step.toNanos() / 1e9;
        }

        private int[] sample(Account a, Instant now, Duration stretch, boolean hour) {
            Integer limit = hour ? a.perHour() : a.perDay();
            if (limit == null) {
                return new int[0];
            }
            int n = (int) Math.min(100_000, stretch.toNanos() / step.toNanos() + 1);
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                Instant t = now.plus(step.multipliedBy(i));
                out[i] = hour ? a.counted().hour(t) : a.counted().day(t);
                if (out[i] == 0) {
                    break; // counted sends only leave
                }
            }
            return out;
        }

        void openStep(int i, Instant t, long hourSteps) {
            sentBy[i + 1] = sentBy[i];
            if (account.disabled() || (account.availableAt() != null && t.isBefore(account.availableAt()))) {
                room = 0;
                return;
            }
            long r = Long.MAX_VALUE;
            if (account.perHour() != null) {
                r = Math.min(r, account.perHour() - at(countedHour, i) - simulated(i, hourSteps));
            }
            if (account.perDay() != null) {
                r = Math.min(r, account.perDay() - at(countedDay, i) - simulated(i, daySteps));
            }
            if (perStepRate != Double.MAX_VALUE) {
                // an idle step does not save up sends: at most one step's rate (or one send) at once
                rateCarry = Math.min(rateCarry + perStepRate, Math.max(perStepRate, 1));
                r = Math.min(r, (long) Math.floor(rateCarry));
            }
            room = Math.max(0, r);
        }

        void send(int i, long n) {
            sentBy[i + 1] += n;
            room -= n;
            if (perStepRate != Double.MAX_VALUE) {
                rateCarry -= n;
            }
        }

        /** Simulated sends still counted at step i in a window of {@code windowSteps}: steps (i - window, i). */
        private long simulated(int i, long windowSteps) {
            long from = Math.max(0, i - windowSteps + 1);
            return sentBy[i] - sentBy[(int) from];
        }

        private int at(int[] counted, int i) {
            return i < counted.length ? counted[i] : 0;
        }
    }
}
