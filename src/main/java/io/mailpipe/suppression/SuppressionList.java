package io.mailpipe.suppression;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.mailpipe.request.MailRequest;

/**
 * What the send path asks the suppression list ({@code pipeline.DeliveryService}, right after a request is read).
 * {@link #NONE} suppresses nothing.
 */
public interface SuppressionList {

    /** Suppresses nothing (suppression disabled, or tests of the send path). */
    SuppressionList NONE = mailboxes -> Set.of();

    /** The normalised addresses among these mailboxes (display names allowed) that are suppressed. */
    Set<String> suppressedAmong(Collection<String> mailboxes);

    /** The request's suppressed recipients (to, cc and bcc), and whether that is every one of them. */
    default Verdict check(MailRequest request) {
        List<String> all = Stream.of(request.to(), request.cc(), request.bcc()).flatMap(List::stream).toList();
        Set<String> suppressed = suppressedAmong(all);
        if (suppressed.isEmpty()) {
            return Verdict.NONE;
        }
        Set<String> distinct = new LinkedHashSet<>();
        all.forEach(a -> {
            String n = Addresses.normalise(a);
            if (n != null) {
                distinct.add(n);
            }
        });
        return new Verdict(Set.copyOf(suppressed), suppressed.containsAll(distinct));
    }

    /**
     * @param suppressed the request's recipients that are suppressed (normalised)
     * @param all        true when no recipient is left to send to
     */
    record Verdict(Set<String> suppressed, boolean all) {
        public static final Verdict NONE = new Verdict(Set.of(), false);

        public boolean any() {
            return !suppressed.isEmpty();
        }
    }
}
