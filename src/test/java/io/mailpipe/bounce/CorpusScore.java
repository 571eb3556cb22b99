package io.mailpipe.bounce;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The measures of the bounce corpus' score.py, in Java (CI has no Python for sure): the same
 * counting, the same one-recipient-each-side rule, the same class-only comparison of synthetic
 * status codes, the same summary line.
 *
 * <p>One optional correction: {@code twinCorrected} fills in the recipient of an expectation of
 * source {@code test-of-bsd-twin} that has none, from its twin (same file name under
 * {@code eml/bsd}, else {@code eml/dos}, same position). The corpus README says those CR-only
 * copies carry their twin's expectations, but expected.jsonl lost their recipients (all 40
 * {@code eml/mac} entries have {@code recipient: null}), so score.py can only count them as
 * misses whatever a parser answers.
 */
final class CorpusScore {
    /** One parser answer for a file: null recipient allowed; {@code kind} as in the JSON lines. */
    record Answer(String kind, String recipient, String status, String reason, boolean hard) {
        static Answer of(BounceRecord r) {
            String status = r.status() != null ? r.status() : BounceScoreMain.syntheticStatus(r);
            return new Answer(r.kind().jsonName(), r.recipient(), status, r.reason().jsonName(), r.hard());
        }

        static Answer none() {
            return new Answer(BounceJson.KIND_NONE, null, null, null, false);
        }
    }

    private static final Set<String> JUDGED_SOURCES = Set.of("test", "test-of-bsd-twin", "not-a-bounce");
    private static final Map<String, String> NON_FAILURE_KINDS = Map.of(
            "feedback", "complaint", "vacation", "autoreply", "delivered", "delivered");

    final Map<String, Integer> counts = new LinkedHashMap<>();
    final List<String> misses = new ArrayList<>();

    private void add(String key, int n) {
        counts.merge(key, n, Integer::sum);
    }

    int count(String key) {
        return counts.getOrDefault(key, 0);
    }

    double pct(String ok, String of) {
        return count(of) == 0 ? 0.0 : 100.0 * count(ok) / count(of);
    }

    /**
     * Scores the answers (file to its answers; a file missing from the map was not answered, e.g.
     * the parser crashed) against the expectations (the lines of expected.jsonl).
     */
    static CorpusScore score(List<JsonNode> expected, Map<String, List<Answer>> answers, boolean twinCorrected) {
        Map<String, JsonNode> byFile = new HashMap<>();
        for (JsonNode e : expected) {
            byFile.put(e.path("file").asText(), e);
        }
        CorpusScore c = new CorpusScore();
        for (JsonNode e : expected) {
            String file = e.path("file").asText();
            List<Answer> ps = answers.getOrDefault(file, List.of());
            c.add("files", 1);
            if (!ps.isEmpty()) {
                c.add("files_answered", 1);
            }
            String source = e.path("expected_source").isTextual() ? e.path("expected_source").asText() : null;
            if (source == null || !JUDGED_SOURCES.contains(source)) {
                continue;
            }
            if ("not".equals(e.path("group").asText()) || "not-a-bounce".equals(source)) {
                c.add("notbounce_files", 1);
                if (!ps.isEmpty() && ps.stream().allMatch(p -> BounceJson.KIND_NONE.equals(p.kind()) || isBlank(p.recipient()))) {
                    c.add("notbounce_ok", 1);
                }
                continue;
            }
            if (!e.path("is_bounce").asBoolean()) {
                c.add("report_files", 1);
                java.util.Set<String> want = new java.util.HashSet<>();
                for (JsonNode b : e.path("bounces")) {
                    want.add(NON_FAILURE_KINDS.getOrDefault(b.path("reason").asText(), "bounce"));
                }
                java.util.Set<String> got = new java.util.HashSet<>();
                ps.forEach(p -> got.add(p.kind()));
                if (!ps.isEmpty() && got.containsAll(want)) {
                    c.add("report_kind_ok", 1);
                }
                continue;
            }
            c.scoreRecipients(file, e.path("bounces"), ps, twinCorrected && "test-of-bsd-twin".equals(source)
                    ? twinBounces(file, byFile) : null);
        }
        return c;
    }

    private void scoreRecipients(String file, JsonNode bounces, List<Answer> ps, JsonNode twin) {
        Map<String, Answer> byRecipient = new LinkedHashMap<>();
        for (Answer p : ps) {
            if (!isBlank(p.recipient())) {
                byRecipient.put(norm(p.recipient()), p);
            }
        }
        for (int i = 0; i < bounces.size(); i++) {
            JsonNode b = bounces.get(i);
            String reason = b.path("reason").asText();
            if (NON_FAILURE_KINDS.containsKey(reason)) {
                continue;
            }
            String want = b.path("recipient").isTextual() ? b.path("recipient").asText() : null;
            if (want == null && twin != null && twin.size() > i && twin.get(i).path("recipient").isTextual()) {
                want = twin.get(i).path("recipient").asText();
            }
            add("rcpts", 1);
            Answer p = byRecipient.get(norm(want));
            if (p == null && bounces.size() == 1 && byRecipient.size() == 1) {
                p = byRecipient.values().iterator().next(); // one recipient each side: judge the rest anyway
            }
            boolean found = p != null && norm(p.recipient()).equals(norm(want));
            add("rcpt_found", found ? 1 : 0);
            if (!found) {
                misses.add(file + " " + want + " recipient not found");
            }
            if (p == null) {
                continue;
            }
            String st = b.path("status").asText("");
            String pst = p.status() == null ? "" : p.status();
            if (!st.isEmpty()) {
                add("status_n", 1);
                boolean ok = b.path("status_synthetic").asBoolean()
                        ? !pst.isEmpty() && pst.charAt(0) == st.charAt(0) : pst.equals(st);
                add("status_ok", ok ? 1 : 0);
                if (!ok) {
                    misses.add(file + " " + want + " status " + pst + ", expected " + st);
                }
            }
            add("reason_n", 1);
            if (reason.equals(p.reason() == null ? "" : p.reason().toLowerCase(Locale.ROOT))) {
                add("reason_ok", 1);
            } else {
                misses.add(file + " " + want + " reason " + p.reason() + ", expected " + reason);
            }
            if (b.hasNonNull("hard")) {
                add("hard_n", 1);
                add("hard_ok", p.hard() == b.path("hard").asBoolean() ? 1 : 0);
            }
        }
    }

    /** The expectations of the twin in eml/bsd (else eml/dos) of an eml/mac or eml/dos file, or null. */
    private static JsonNode twinBounces(String file, Map<String, JsonNode> byFile) {
        String name = file.substring(file.lastIndexOf('/') + 1);
        for (String folder : List.of("eml/bsd/", "eml/dos/")) {
            JsonNode twin = byFile.get(folder + name);
            if (twin != null && !(folder + name).equals(file)) {
                return twin.path("bounces");
            }
        }
        return null;
    }

    /** score.py's per-measure lines and its summary line, same format. */
    String report() {
        StringBuilder sb = new StringBuilder();
        String[][] rows = {{"answered files", "files_answered", "files"}, {"recipients found", "rcpt_found", "rcpts"},
                {"status", "status_ok", "status_n"}, {"reason", "reason_ok", "reason_n"}, {"hard/soft", "hard_ok", "hard_n"},
                {"report kind", "report_kind_ok", "report_files"}, {"not-a-bounce", "notbounce_ok", "notbounce_files"}};
        for (String[] r : rows) {
            sb.append(String.format(Locale.ROOT, "%-17s %5d / %-5d %6.1f%%%n", r[0], count(r[1]), count(r[2]), pct(r[1], r[2])));
        }
        sb.append(summary());
        return sb.toString();
    }

    String summary() {
        return String.format(Locale.ROOT, "summary: answered=%.1f recipients=%.1f status=%.1f reason=%.1f hard=%.1f kind=%.1f",
                pct("files_answered", "files"), pct("rcpt_found", "rcpts"), pct("status_ok", "status_n"),
                pct("reason_ok", "reason_n"), pct("hard_ok", "hard_n"), pct("report_kind_ok", "report_files"));
    }

    /** score.py's norm: trimmed, angle brackets stripped, lower case. */
    static String norm(String a) {
        String t = a == null ? "" : a.strip();
        int s = 0;
        int e = t.length();
        while (s < e && (t.charAt(s) == '<' || t.charAt(s) == '>')) {
            s++;
        }
        while (e > s && (t.charAt(e - 1) == '<' || t.charAt(e - 1) == '>')) {
            e--;
        }
        return t.substring(s, e).toLowerCase(Locale.ROOT);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isEmpty();
    }
}
