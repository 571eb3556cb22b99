package io.mailpipe.bounce;

import java.util.List;

/**
 * One bounce format (one MTA or provider). Detectors run in the explicit order of
 * {@link Detectors#DEFAULT}; the first one whose guard passes and that extracts at least one
 * recipient wins. Adding a format = one class, one entry in that list, one test table.
 */
interface Detector {
    /** Short format name written into {@link BounceRecord#detector()} ("Exim", "RFC3464"). */
    String name();

    /** Cheap test on headers (subject, from, special headers) before any body scanning. */
    boolean guard(MailView mail);

    /** One finding per recipient; empty when the message is not in this format after all. */
    List<Finding> extract(MailView mail);
}
