package io.mailpipe.status;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.mailpipe.config.MailpipeConfig;
import io.mailpipe.config.QuotaSettings;
import io.mailpipe.quota.LedgerScope;
import io.mailpipe.quota.QuotaBook;
import io.mailpipe.quota.QuotaJson;
import io.mailpipe.quota.QuotaRecord;

/**
 * The quota ledger ({@code mail.quota}) read once into a {@link QuotaBook} as every worker keeps it, plus what the book
 * does not keep: the reason of each account's latest cool-down (a refused login disables the account in the worker
 * that saw it). Records it cannot read (newer kinds) are skipped.
 */
final class LedgerReading {

    /** The latest cool-down announced for an account. */
    record Cooldown(Instant until, String reason, String worker) {
    }

    final QuotaBook book;
    final Map<String, Cooldown> cooldowns = new HashMap<>();

    private LedgerReading(QuotaBook book) {
        this.book = book;
    }

    static LedgerReading read(MailpipeConfig config, TopicReads reads, Instant now) {
        QuotaSettings q = config.quota();
        LedgerScope scope = LedgerScope.of(config);
        LedgerReading reading = new LedgerReading(scope.book("mailpipe-status", q));
        // as far back as a worker reads, and a cool-down announced before that may still run
        Instant from = now.minus(scope.lookBack().plus(q.maxCoolDown()).plusMinutes(5));
        boolean exists = reads.since(config.kafka().topics().quota(), from, r -> {
            QuotaRecord record;
            try {
                record = QuotaJson.read(r.value());
            } catch (IllegalArgumentException e) {
                return;
            }
            Instant at = Instant.ofEpochMilli(r.timestamp());
            reading.book.apply(record, at);
            if (record instanceof QuotaRecord.Cooldown c) {
                reading.cooldowns.merge(c.account(), new Cooldown(c.until(), c.reason(), c.worker()),
                        (a, b) -> b.until().isAfter(a.until()) ? b : a);
            }
        });
        if (!exists) {
            throw new IllegalStateException("the quota ledger topic " + config.kafka().topics().quota()
                    + " does not exist (workers create it at their first start)");
        }
        return reading;
    }
}
