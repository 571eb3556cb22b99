package io.mailpipe.config;

import java.time.Duration;

/**
 * The suppression list ({@code suppression:} in mailpipe.yaml). Hard bounces and complaints always add the
 * recipient; soft bounces add it only under {@link #softBounceRule}.
 *
 * @param enabled        consult and fill the list (default true); false: nothing is suppressed or added
 * @param softBounceRule suppress after this many soft bounces within a time window (default: none, soft bounces never
 *                       suppress)
 */
public record SuppressionSettings(Boolean enabled, SoftBounceRule softBounceRule) {

    public SuppressionSettings {
        enabled = enabled == null ? Boolean.TRUE : enabled;
    }

    public static SuppressionSettings defaults() {
        return new SuppressionSettings(null, null);
    }

    /**
     * Soft bounces that add an address: {@code count} soft bounces (kind bounce, not hard) whose reports arrived
     * within {@code within} of each other.
     *
     * @param count  soft bounces needed (at least 1; example 3)
     * @param within the window (example P7D)
     */
    public record SoftBounceRule(Integer count, Duration within) {
        public SoftBounceRule {
            if (count == null || within == null) {
                throw new ConfigException("suppression.softBounceRule: give both 'count' and 'within' (for example {count: 3, within: P7D})");
            }
            if (count < 1 || within.isNegative() || within.isZero()) {
                throw new ConfigException("suppression.softBounceRule: 'count' must be at least 1 and 'within' positive");
            }
        }
    }
}
