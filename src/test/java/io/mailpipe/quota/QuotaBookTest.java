package io.mailpipe.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mailpipe.account.Limits;

/** {@link QuotaBook}: how leases count, what a worker grants itself, and that no window ever holds too many sends. */
class QuotaBookTest {

    static final Instant T0 = Instant.parse("2030-01-10T10:00:00Z");
    static final Duration HOUR = Duration.ofHours(1);
    static final Duration DAY = Duration.ofDays(1);
    static final Duration SEND_FOR = Duration.ofSeconds(15);
    static final Duration HOLD = Duration.ofSeconds(75);

    static QuotaBook book(String worker, Limits limits) {
        return new QuotaBook(worker, HOUR, DAY, Map.of("a", limits));
    }

    static QuotaRecord.Reserve reserve(String worker, int sends) {
        return new QuotaRecord.Reserve(UUID.randomUUID().toString(), "a", worker, sends, 1, SEND_FOR, HOLD);
    }

    @Test
    void grantsWhatFitsUnderTheHourlyLimitThenNothing() {
        QuotaBook me = book("me", new Limits(5, null));

        QuotaBook.Grant first = me.apply(reserve("me", 3), T0);
        QuotaBook.Grant second = me.apply(reserve("me", 3), T0.plusSeconds(1));
        QuotaBook.Grant third = me.apply(reserve("me", 3), T0.plusSeconds(2));

        assertThat(first.granted()).isEqualTo(3);
        assertThat(first.needsConfirm()).isFalse();
        assertThat(second.granted()).as("only 2 of 5 left").isEqualTo(2);
        assertThat(second.needsConfirm()).as("others counted 3: they must learn it was 2").isTrue();
        assertThat(third.granted()).isZero();
        assertThat(me.leases("a")).hasSize(2);
    }

    @Test
    void anotherWorkersUnconfirmedReservationCountsInFullUntilConfirmed() {
        QuotaBook me = book("me", new Limits(10, null));
        QuotaRecord.Reserve theirs = reserve("peer", 8);
        me.apply(theirs, T0);

        assertThat(me.room("a", T0)).isEqualTo(2);
        me.apply(new QuotaRecord.Confirm(theirs.lease(), "a", 3, null, null), T0.plusMillis(5));
        assertThat(me.room("a", T0.plusMillis(5))).isEqualTo(7);
        QuotaRecord.Reserve denied = reserve("peer", 4);
        me.apply(denied, T0.plusMillis(6));
        me.apply(new QuotaRecord.Confirm(denied.lease(), "a", 0, null, null), T0.plusMillis(7));
        assertThat(me.room("a", T0.plusMillis(7))).as("a denied reservation counts no more").isEqualTo(7);
    }

    @Test
    void aReleasedLeaseCountsItsUsedSendsUntilAnHourAfterTheRelease() {
        QuotaBook me = book("me", new Limits(10, null));
        QuotaRecord.Reserve r = reserve("peer", 10);
        me.apply(r, T0);
        me.apply(new QuotaRecord.Release(r.lease(), "a", 4), T0.plusSeconds(5));

        assertThat(me.room("a", T0.plusSeconds(5))).isEqualTo(6);
        assertThat(me.nextRoom("a", T0.plusSeconds(5), SEND_FOR)).isEqualTo(T0.plusSeconds(5));
        assertThat(me.room("a", T0.plusSeconds(5).plus(HOUR).minusMillis(1))).isEqualTo(6);
        assertThat(me.room("a", T0.plusSeconds(5).plus(HOUR))).isEqualTo(10);
    }

    @Test
    void anUnreleasedLeaseCountsUntilAnHourAfterItsHoldEnds() {
        QuotaBook me = book("me", new Limits(4, null));
        me.apply(reserve("crashed-peer", 4), T0);

        assertThat(me.room("a", T0.plusSeconds(1))).isZero();
        assertThat(me.nextRoom("a", T0.plusSeconds(1), SEND_FOR)).isEqualTo(T0.plus(HOLD).plus(HOUR));
    }

    @Test
    void nextRoomIsWhenEnoughSendsLeaveTheWindow() {
        QuotaBook me = book("me", new Limits(3, null));
        for (int i = 0; i < 3; i++) {
            QuotaRecord.Reserve r = reserve("peer", 1);
            me.apply(r, T0.plus(Duration.ofMinutes(10L * i)));
            me.apply(new QuotaRecord.Release(r.lease(), "a", 1), T0.plus(Duration.ofMinutes(10L * i)).plusSeconds(1));
        }

        Instant now = T0.plus(Duration.ofMinutes(30));
        assertThat(me.room("a", now)).isZero();
        assertThat(me.nextRoom("a", now, SEND_FOR)).as("the first send leaves the window first")
                .isEqualTo(T0.plusSeconds(1).plus(HOUR));
    }

    @Test
    void theDailyLimitHoldsAcrossHours() {
        QuotaBook me = book("me", new Limits(10, 12));
        me.apply(reserve("me", 10), T0);
        Instant later = T0.plus(Duration.ofHours(2));

        assertThat(me.apply(reserve("me", 10), later).granted()).as("the hour is free again, the day has 2 left").isEqualTo(2);
        assertThat(me.nextRoom("a", later, SEND_FOR)).isEqualTo(T0.plus(HOLD).plus(DAY));
    }

    @Test
    void concurrencyCountsSessionsOfActiveLeases() {
        QuotaBook me = book("me", new Limits(null, null, null, 2));
        QuotaRecord.Reserve peer = new QuotaRecord.Reserve("p1", "a", "peer", 5, 2, SEND_FOR, HOLD);
        me.apply(peer, T0);

        assertThat(me.apply(reserve("me", 1), T0.plusSeconds(1)).granted()).isZero();
        assertThat(me.nextRoom("a", T0.plusSeconds(1), SEND_FOR)).isEqualTo(T0.plus(HOLD));
        me.apply(new QuotaRecord.Release("p1", "a", 5), T0.plusSeconds(2));
        assertThat(me.apply(reserve("me", 1), T0.plusSeconds(3)).granted()).isEqualTo(1);
    }

    @Test
    void aPerSecondRateGivesLeasesSuccessiveSlots() {
        QuotaBook me = book("me", new Limits(null, null, 2.0, null));
        QuotaBook.Grant first = me.apply(reserve("me", 4), T0);
        QuotaBook.Grant second = me.apply(reserve("me", 4), T0.plusMillis(10));

        assertThat(first.slotStart()).isEqualTo(T0);
        assertThat(first.needsConfirm()).as("others must learn the slots").isTrue();
        assertThat(second.slotStart()).as("after the first lease's 4 slots of 0.5 s").isEqualTo(T0.plusSeconds(2));
        assertThat(second.granted()).isEqualTo(4);
    }

    @Test
    void aPerSecondLeaseGetsOnlySlotsThatBeginWithinItsSendTime() {
        QuotaBook me = book("me", new Limits(null, null, 1.0, null));
        // 15 s of sendFor at 1/s: at most 15 slots
        assertThat(me.apply(reserve("me", 100), T0).granted()).isEqualTo(15);
        assertThat(me.apply(reserve("me", 1), T0.plusSeconds(1)).granted())
                .as("the next free slot, T0+15s, begins before this lease's sendFor ends at T0+16s").isEqualTo(1);
        assertThat(me.apply(reserve("me", 1), T0.plusSeconds(1)).granted()).as("T0+16s is too late").isZero();
    }

    @Test
    void aCooldownOfAnotherWorkerCountsOnlyWhenAnnouncedSinceThisStart() {
        QuotaBook me = book("me", new Limits(5, null));
        me.shareCooldownsSince(T0);
        me.apply(new QuotaRecord.Cooldown("a", "peer", T0.plusSeconds(600), "authentication_failed"), T0.minusSeconds(1));
        assertThat(me.coolingUntil("a", T0)).as("announced before this worker started").isNull();

        me.apply(new QuotaRecord.Cooldown("a", "peer", T0.plusSeconds(60), "rate_limited"), T0.plusSeconds(1));
        me.apply(new QuotaRecord.Cooldown("a", "me", T0.plusSeconds(900), "rate_limited"), T0.plusSeconds(2));

        assertThat(me.coolingUntil("a", T0.plusSeconds(2))).isEqualTo(T0.plusSeconds(60));
        assertThat(me.coolingUntil("a", T0.plusSeconds(60))).as("over").isNull();
        assertThat(me.room("a", T0.plusSeconds(2))).as("a cool-down is not quota").isEqualTo(5);
    }

    @Test
    void anUnreadableOrDuplicateRecordChangesNothing() {
        QuotaBook me = book("me", new Limits(5, null));
        QuotaRecord.Reserve r = reserve("peer", 2);
        me.apply(r, T0);
        me.apply(r, T0.plusMillis(1));

        assertThat(me.room("a", T0.plusMillis(1))).as("a producer retry's copy does not count twice").isEqualTo(3);
    }

    @Test
    void timeNeverRunsBackwards() {
        QuotaBook me = book("me", new Limits(5, null));
        me.apply(reserve("peer", 1), T0.plusSeconds(10));
        me.apply(reserve("peer", 1), T0);

        assertThat(me.clock()).isEqualTo(T0.plusSeconds(10));
        assertThat(me.leases("a")).extracting(QuotaBook.Lease::at).containsOnly(T0.plusSeconds(10));
    }

    /**
     * Several workers, each with its own book reading one shared log, reserve, send and release at random times;
     * some crash without releasing. Whatever the interleaving, no window of the provider's clock holds more sends
     * than the limit.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void noWindowEverHoldsMoreThanTheLimit(long seed) {
        Random random = new Random(seed);
        int limit = 1 + random.nextInt(12);
        Duration window = Duration.ofSeconds(30 + random.nextInt(60));
        Duration sendFor = Duration.ofSeconds(1 + random.nextInt(5));
        Duration hold = sendFor.plusSeconds(random.nextInt(3));
        int workers = 2 + random.nextInt(3);
        List<QuotaBook> books = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            books.add(new QuotaBook("w" + w, window, DAY, Map.of("a", new Limits(limit, null))));
        }
        List<Instant> sends = new ArrayList<>();
        record Held(int worker, String lease, Instant at, int granted, Instant sendUntil, Instant holdUntil) {
        }
        List<Held> held = new ArrayList<>();
        Instant now = T0;
        for (int step = 0; step < 600; step++) {
            now = now.plusMillis(random.nextInt(1500));
            int w = random.nextInt(workers);
            int action = random.nextInt(10);
            if (action < 4) {
                QuotaRecord.Reserve r = new QuotaRecord.Reserve(UUID.randomUUID().toString(), "a", "w" + w,
                        1 + random.nextInt(limit + 2), 1, sendFor, hold);
                QuotaBook.Grant grant = null;
                for (QuotaBook b : books) {
                    QuotaBook.Grant g = b.apply(r, now);
                    if (g != null) {
                        grant = g;
                    }
                }
                if (grant.needsConfirm()) {
                    QuotaRecord.Confirm c = new QuotaRecord.Confirm(r.lease(), "a", grant.granted(), null, null);
                    Instant at = now.plusMillis(random.nextInt(200));
                    books.forEach(b -> b.apply(c, at));
                }
                if (grant.granted() > 0) {
                    held.add(new Held(w, r.lease(), now, grant.granted(), now.plus(sendFor), now.plus(hold)));
                }
            } else if (!held.isEmpty()) {
                Held h = held.remove(random.nextInt(held.size()));
                // sends start before sendUntil and finish (reach the provider) before holdUntil
                int used = random.nextInt(h.granted() + 1);
                Instant last = h.at();
                for (int i = 0; i < used; i++) {
                    long startSpan = Duration.between(h.at(), h.sendUntil()).toMillis();
                    Instant start = h.at().plusMillis(random.nextInt((int) Math.max(1, startSpan)));
                    long finishSpan = Duration.between(start, h.holdUntil()).toMillis();
                    Instant received = start.plusMillis(random.nextInt((int) Math.max(1, finishSpan)));
                    sends.add(received);
                    if (received.isAfter(last)) {
                        last = received;
                    }
                }
                if (action < 9) {
                    // released after its last send reached the provider (a crashed worker never releases)
                    Instant releasedAt = last.isAfter(now) ? last : now;
                    now = releasedAt;
                    QuotaRecord.Release rel = new QuotaRecord.Release(h.lease(), "a", used);
                    Instant at = now;
                    books.forEach(b -> b.apply(rel, at));
                }
            }
        }
        Collections.sort(sends);
        for (int i = 0; i < sends.size(); i++) {
            Instant start = sends.get(i);
            int inWindow = 0;
            for (int j = i; j < sends.size() && sends.get(j).isBefore(start.plus(window)); j++) {
                inWindow++;
            }
            assertThat(inWindow).as("sends within %s from %s (limit %d, seed %d)", window, start, limit, seed)
                    .isLessThanOrEqualTo(limit);
        }
        assertThat(sends).as("the simulation sent something").isNotEmpty();
    }
}
