package io.mailpipe.bounce;

import java.util.Locale;

/** What a report says about one recipient. The JSON form is the lower-case name. */
public enum Kind {
    /** Permanent or final failure: the message will not be delivered. */
    BOUNCE,
    /** Temporary failure: the reporting server is still retrying ({@code Action: delayed}). */
    DELAY,
    /** A feedback (ARF, RFC 5965) report: the recipient complained, e.g. "this is spam". */
    COMPLAINT,
    /** An automatic reply (RFC 3834), e.g. a vacation notice. Not a delivery failure. */
    AUTOREPLY,
    /** A positive delivery status notification ({@code Action: delivered}, status 2.x.x). */
    DELIVERED;

    /** JSON form: {@code bounce}, {@code delay}, ... */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
