package io.mailpipe.bounce;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Base of the plain-text formats: a guard on headers, the marker that starts the error section,
 * the marker where the copy of the original message starts, and optionally a pattern that finds
 * a recipient inside a sentence. Extraction is {@link TextScan}.
 */
abstract class TextFormatDetector implements Detector {
    /** Lower-case substrings of the line where the error section starts; empty = first line. */
    abstract List<String> startMarkers();

    /** Lower-case substrings of the line where the original message starts (added to the common ones). */
    List<String> endMarkers() {
        return List.of();
    }

    /** A pattern whose group 1 is a recipient address (and group 2, optionally, the error text). */
    Pattern recipientPattern() {
        return null;
    }

    @Override
    public List<Finding> extract(MailView mail) {
        List<Finding> found = TextScan.scan(mail, startMarkers(), endMarkers(), recipientPattern());
        for (Finding f : found) {
            refine(f, mail);
        }
        return found;
    }

    /** Format-specific touches on each finding (provider reasons, delays). */
    void refine(Finding f, MailView mail) {
    }
}
