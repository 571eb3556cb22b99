package io.mailpipe.suppression;

import java.time.Instant;
import java.util.Optional;

import io.mailpipe.bounce.Kind;
import io.mailpipe.config.SuppressionSettings;

/**
 * Which bounce reports put the recipient on the suppression list:
 * <ul>
 *   <li>a complaint (ARF feedback report): always ({@code complaint});</li>
 *   <li>a hard bounce (Sisimai's rule, {@code hard: true}): always ({@code hard_bounce});</li>
 *   <li>a soft bounce (kind bounce, not hard): only when {@code suppression.softBounceRule} is set and this bounce
 *       makes {@code count} soft bounces of the address within {@code within} ({@code soft_bounces});</li>
 *   <li>delays, auto-replies and positive delivery reports: never.</li>
 * </ul>
 * Nothing is added when suppression is disabled, or the report names no recipient.
 */
public final class SuppressionPolicy {

    private final SuppressionSettings settings;

    public SuppressionPolicy(SuppressionSettings settings) {
        this.settings = settings;
    }

    /**
     * @param softBouncesBefore soft bounces of this recipient already known within the rule's window (not counting
     *                          this one)
     * @param source            what to name as the source ({@code bounce:<eventId>})
     * @param detail            short text for people (reason, status, host)
     */
    public Optional<SuppressionEntry> decide(Kind kind, boolean hard, String recipient, int softBouncesBefore, Instant at,
                                             String source, String detail) {
        String address = Addresses.normalise(recipient);
        if (!settings.enabled() || address == null || kind == null) {
            return Optional.empty();
        }
        SuppressionReason reason = null;
        if (kind == Kind.COMPLAINT) {
            reason = SuppressionReason.COMPLAINT;
        } else if (kind == Kind.BOUNCE && hard) {
            reason = SuppressionReason.HARD_BOUNCE;
        } else if (kind == Kind.BOUNCE && settings.softBounceRule() != null
                && softBouncesBefore + 1 >= settings.softBounceRule().count()) {
            reason = SuppressionReason.SOFT_BOUNCES;
        }
        return reason == null ? Optional.empty() : Optional.of(new SuppressionEntry(address, reason.code(), at, source, detail));
    }

    /** True when soft bounces are counted at all. */
    public boolean countsSoftBounces() {
        return settings.enabled() && settings.softBounceRule() != null;
    }

    public SuppressionSettings settings() {
        return settings;
    }
}
