package io.mailpipe.suppression;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The suppression list in memory, as read from the compacted {@code mail.suppressions} topic (the last value per
 * key wins, a tombstone removes). Thread-safe.
 */
public final class SuppressionState implements SuppressionList {

    private final Map<String, SuppressionEntry> entries = new ConcurrentHashMap<>();

    /** Applies one record of the topic. */
    public void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String address = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            entries.remove(address);
        } else {
            put(SuppressionJson.read(record.value()));
        }
    }

    /** Adds (or replaces) an entry. */
    public void put(SuppressionEntry entry) {
        entries.put(entry.address(), entry);
    }

    /** Removes an address. */
    public void remove(String address) {
        entries.remove(address);
    }

    public Optional<SuppressionEntry> get(String address) {
        String n = Addresses.normalise(address);
        return n == null ? Optional.empty() : Optional.ofNullable(entries.get(n));
    }

    public boolean contains(String address) {
        return get(address).isPresent();
    }

    /** Every entry, by address. */
    public List<SuppressionEntry> all() {
        List<SuppressionEntry> list = new ArrayList<>(entries.values());
        list.sort(Comparator.comparing(SuppressionEntry::address));
        return list;
    }

    public int size() {
        return entries.size();
    }

    @Override
    public Set<String> suppressedAmong(Collection<String> mailboxes) {
        if (entries.isEmpty()) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String m : mailboxes) {
            String n = Addresses.normalise(m);
            if (n != null && entries.containsKey(n)) {
                out.add(n);
            }
        }
        return out;
    }
}
