package io.mailpipe.bounce;

import java.util.List;

/**
 * Outcome of parsing one raw message (or an mbox file holding several).
 *
 * @param records  one record per reported recipient; empty when the input is not a report
 * @param problems what could not be read (bad MIME, unknown charset, size caps hit); kept as data,
 *                 never thrown. Texts never contain message content or addresses.
 */
public record ParseResult(List<BounceRecord> records, List<String> problems) {
    public ParseResult {
        records = List.copyOf(records);
        problems = List.copyOf(problems);
    }

    /** True when the input held at least one report. */
    public boolean isReport() {
        return !records.isEmpty();
    }
}
