package io.mailpipe.status;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.mailpipe.account.Account;

/**
 * The requests waiting in {@code mail.requests} and {@code mail.retry}, grouped by whom they may go through: pinned to
 * an account ({@code account:NAME}), a pool, or any account; with the earliest notAfter of each group. Fed the record
 * values one by one (only the top-level fields {@code account}, {@code pool} and {@code notAfter} are read, the rest is
 * skipped), then scaled up when only a sample of the waiting records was read.
 */
public final class WaitingRequests {

    /** The group name of requests that name neither an account nor a pool. */
    public static final String ANY = "any";
    public static final String ACCOUNT_PREFIX = "account:";

    private static final JsonFactory JSON = new JsonFactory();

    /** One group: how many records were read, and the earliest notAfter among them. */
    static final class Tally {
        long read;
        Instant earliestNotAfter;
    }

    private final Map<String, Tally> groups = new LinkedHashMap<>();
    private long read;

    /** Counts one waiting record's value. */
    public void add(byte[] value) {
        String account = null;
        String pool = null;
        Instant notAfter = null;
        if (value != null) {
            try (JsonParser p = JSON.createParser(value)) {
                if (p.nextToken() == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        JsonToken t = p.nextToken();
                        if (t == JsonToken.VALUE_STRING && field.equals("account")) {
                            account = p.getText();
                        } else if (t == JsonToken.VALUE_STRING && field.equals("pool")) {
                            pool = p.getText();
                        } else if (t == JsonToken.VALUE_STRING && field.equals("notAfter")) {
                            notAfter = instant(p.getText());
                        } else {
                            p.skipChildren();
                        }
                    }
                }
            } catch (IOException e) {
                // not JSON: the worker will reject it; it still waits for its turn, counted under any
            }
        }
        String group = account != null ? ACCOUNT_PREFIX + account : pool != null ? pool : ANY;
        Tally tally = groups.computeIfAbsent(group, g -> new Tally());
        tally.read++;
        read++;
        if (notAfter != null && (tally.earliestNotAfter == null || notAfter.isBefore(tally.earliestNotAfter))) {
            tally.earliestNotAfter = notAfter;
        }
    }

    /** Records read. */
    public long read() {
        return read;
    }

    /**
     * The groups as the estimator takes them, scaled to {@code total} waiting records when fewer were read.
     *
     * @param accounts the configured accounts, in order (the candidates of pools and of "any")
     */
    public List<FinishEstimator.Group> groups(List<Account> accounts, long total) {
        double scale = read == 0 || total <= read ? 1 : (double) total / read;
        return groups.entrySet().stream().map(e -> {
            String name = e.getKey();
            long waiting = Math.round(e.getValue().read * scale);
            if (name.startsWith(ACCOUNT_PREFIX)) {
                return new FinishEstimator.Group(name, FinishEstimator.Kind.PINNED, List.of(name.substring(ACCOUNT_PREFIX.length())), waiting);
            }
            if (name.equals(ANY)) {
                return new FinishEstimator.Group(name, FinishEstimator.Kind.ANY, accounts.stream().map(Account::name).toList(), waiting);
            }
            return new FinishEstimator.Group(name, FinishEstimator.Kind.POOL,
                    accounts.stream().filter(a -> a.pools().contains(name)).map(Account::name).toList(), waiting);
        }).toList();
    }

    /** The earliest notAfter of a group, or null. */
    public Instant earliestNotAfter(String group) {
        Tally t = groups.get(group);
        return t == null ? null : t.earliestNotAfter;
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
