package io.mailpipe.bounce;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the parser over the shared bounce corpus (Sisimai's set-of-emails, read in place from the
 * system property {@code mailpipe.bouncesDir}, else {@code ../shared/bounces}), scores it the way
 * the corpus' score.py does ({@link CorpusScore}) and fails below the agreed floors. Skipped, with
 * a message saying where it looked, when the corpus is not there (a clone without it).
 *
 * <p>Prints score.py's lines twice: as score.py computes them, and with the recipients of the
 * {@code eml/mac} twins filled in from their twins' expectations (see {@link CorpusScore}); the
 * recipients floor applies to the latter, the other floors to both.
 */
class CorpusScoreTest {
    static final double MIN_RECIPIENTS = 99.0;
    static final double MIN_STATUS = 98.0;
    static final double MIN_REASON = 88.0;
    static final double MIN_HARD = 96.5;
    static final double MIN_KIND = 95.0;
    static final double MIN_NOT_A_BOUNCE = 100.0;

    private static Corpus corpus;

    static Path corpusDir() {
        return Corpus.defaultDir();
    }

    private static String missingMessage() {
        return "bounce corpus not found at " + corpusDir().toAbsolutePath().normalize()
                + ": CorpusScoreTest skipped (set -Dmailpipe.bouncesDir=/path/to/bounces to run it)";
    }

    @BeforeAll
    static void parseCorpus() throws IOException {
        if (!Corpus.present(corpusDir())) {
            System.err.println(missingMessage());
            return;
        }
        corpus = Corpus.parse(corpusDir(), new BounceParser());
    }

    @BeforeEach
    void corpusPresent() {
        assumeTrue(corpus != null, CorpusScoreTest::missingMessage);
    }

    @Test
    void noFileCrashesTheParser() {
        assertThat(corpus.crashes()).as("files the parser threw on").isEmpty();
        assertThat(corpus.answers()).hasSize(corpus.expected().size());
    }

    @Test
    void scoreStaysAboveTheFloors() {
        CorpusScore asScorePy = CorpusScore.score(corpus.expected(), corpus.answers(), false);
        CorpusScore corrected = CorpusScore.score(corpus.expected(), corpus.answers(), true);
        System.out.println("CorpusScoreTest, as score.py counts:\n" + asScorePy.report());
        System.out.println("CorpusScoreTest, eml/mac recipients from their twins:\n" + corrected.report());
        corrected.misses.stream().limit(30).forEach(m -> System.out.println("miss: " + m));

        assertThat(corrected.pct("files_answered", "files")).as("answered files").isEqualTo(100.0);
        assertThat(corrected.pct("rcpt_found", "rcpts")).as("recipients found (twin-corrected); " + corrected.summary())
                .isGreaterThanOrEqualTo(MIN_RECIPIENTS);
        for (CorpusScore s : List.of(asScorePy, corrected)) {
            assertThat(s.pct("status_ok", "status_n")).as("status; " + s.summary()).isGreaterThanOrEqualTo(MIN_STATUS);
            assertThat(s.pct("reason_ok", "reason_n")).as("reason; " + s.summary()).isGreaterThanOrEqualTo(MIN_REASON);
            assertThat(s.pct("hard_ok", "hard_n")).as("hard/soft; " + s.summary()).isGreaterThanOrEqualTo(MIN_HARD);
            assertThat(s.pct("report_kind_ok", "report_files")).as("report kind; " + s.summary()).isGreaterThanOrEqualTo(MIN_KIND);
            assertThat(s.pct("notbounce_ok", "notbounce_files")).as("not-a-bounce; " + s.summary())
                    .isGreaterThanOrEqualTo(MIN_NOT_A_BOUNCE);
        }
    }
}
