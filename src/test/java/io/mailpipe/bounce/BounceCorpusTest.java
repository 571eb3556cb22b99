package io.mailpipe.bounce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the parser over the shared bounce corpus (Sisimai's set-of-emails) and holds the agreement
 * with its expected answers above a floor, so regressions fail. The corpus is read in place
 * (system property {@code mailpipe.bouncesDir}, else {@code ../shared/bounces}); the test is
 * skipped when it is not there. Scoring follows the corpus' score.py.
 */
class BounceCorpusTest {
    /** Floors a little below the measured values (reason 98.3 %, recipients 89.5 %, status 97.4 %). */
    private static final double MIN_REASON = 0.978;
    private static final double MIN_RECIPIENTS = 0.89;
    private static final double MIN_STATUS = 0.97;

    private static Path corpus;
    private static final Map<String, ParseResult> RESULTS = new HashMap<>();
    private static final List<JsonNode> EXPECTED = new ArrayList<>();

    @BeforeAll
    static void parseCorpus() throws IOException {
        String configured = System.getProperty("mailpipe.bouncesDir");
        corpus = Path.of(configured != null ? configured : "../shared/bounces");
        if (!Files.isRegularFile(corpus.resolve("expected.jsonl"))) {
            System.err.println("BounceCorpusTest: SKIPPED, " + missingMessage());
            corpus = null;
            return;
        }
        ObjectMapper json = new ObjectMapper();
        BounceParser parser = new BounceParser();
        for (String line : Files.readAllLines(corpus.resolve("expected.jsonl"), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode e = json.readTree(line);
            EXPECTED.add(e);
            String file = e.get("file").asText();
            RESULTS.put(file, parser.parse(Files.readAllBytes(corpus.resolve(file))));
        }
    }

    private static String missingMessage() {
        return "bounce corpus not found at " + Path.of(System.getProperty("mailpipe.bouncesDir", "../shared/bounces")).toAbsolutePath()
                + " (set -Dmailpipe.bouncesDir=/path/to/bounces to run this test)";
    }

    /** Each test is reported as skipped, with the reason, when the corpus is not there (a user's clone). */
    @BeforeEach
    void corpusPresent() {
        assumeTrue(corpus != null, missingMessage());
    }

    @Test
    void everyFileParsesWithoutException() {
        assertThat(RESULTS).hasSize(EXPECTED.size());
    }

    @Test
    void notBouncesGiveNoRecords() {
        for (JsonNode e : EXPECTED) {
            if ("not".equals(e.path("group").asText())) {
                assertThat(RESULTS.get(e.get("file").asText()).records())
                        .as("records of %s", e.get("file").asText()).isEmpty();
            }
        }
    }

    @Test
    void agreementStaysAboveTheFloor() {
        int recipients = 0;
        int found = 0;
        int statusN = 0;
        int statusOk = 0;
        int reasonN = 0;
        int reasonOk = 0;
        for (JsonNode e : EXPECTED) {
            String source = e.path("expected_source").asText("");
            if (!(source.equals("test") || source.equals("test-of-bsd-twin")) || !e.path("is_bounce").asBoolean()) {
                continue;
            }
            List<BounceRecord> records = RESULTS.get(e.get("file").asText()).records();
            Map<String, BounceRecord> byRecipient = new HashMap<>();
            for (BounceRecord r : records) {
                if (r.recipient() != null) {
                    byRecipient.put(norm(r.recipient()), r);
                }
            }
            JsonNode bounces = e.get("bounces");
            for (JsonNode b : bounces) {
                String reason = b.path("reason").asText();
                if (reason.equals("feedback") || reason.equals("vacation") || reason.equals("delivered")) {
                    continue;
                }
                recipients++;
                BounceRecord p = byRecipient.get(norm(b.path("recipient").asText("")));
                if (p == null && bounces.size() == 1 && byRecipient.size() == 1) {
                    p = byRecipient.values().iterator().next();
                }
                if (p != null && norm(p.recipient()).equals(norm(b.path("recipient").asText("")))) {
                    found++;
                }
                if (p == null) {
                    continue;
                }
                String want = b.path("status").asText("");
                if (!want.isEmpty()) {
                    statusN++;
                    String got = p.status() != null ? p.status() : (p.replyCode() != null ? p.replyCode().substring(0, 1) : "5") + ".0.0";
                    boolean ok = b.path("status_synthetic").asBoolean() ? got.charAt(0) == want.charAt(0) : got.equals(want);
                    statusOk += ok ? 1 : 0;
                }
                reasonN++;
                reasonOk += p.reason().jsonName().equals(reason) ? 1 : 0;
            }
        }
        assertThat((double) reasonOk / reasonN).as("reason agreement (%d/%d)", reasonOk, reasonN).isGreaterThanOrEqualTo(MIN_REASON);
        assertThat((double) found / recipients).as("recipients found (%d/%d)", found, recipients).isGreaterThanOrEqualTo(MIN_RECIPIENTS);
        assertThat((double) statusOk / statusN).as("status agreement (%d/%d)", statusOk, statusN).isGreaterThanOrEqualTo(MIN_STATUS);
    }

    private static String norm(String a) {
        String t = a == null ? "" : a.strip();
        while (t.startsWith("<")) {
            t = t.substring(1);
        }
        while (t.endsWith(">")) {
            t = t.substring(0, t.length() - 1);
        }
        return t.toLowerCase(Locale.ROOT);
    }
}
