package io.mailpipe.bounce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Java scorer counts as score.py does, on hand-made expectations (no corpus needed). */
class CorpusScoreRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> lines(String... jsonLines) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : jsonLines) {
            out.add(JSON.readTree(l.replace('\'', '"')));
        }
        return out;
    }

    private static CorpusScore.Answer bounce(String rcpt, String status, String reason, boolean hard) {
        return new CorpusScore.Answer("bounce", rcpt, status, reason, hard);
    }

    @Test
    void countsRecipientsStatusReasonAndHardLikeScorePy() throws Exception {
        List<JsonNode> expected = lines(
                "{'file':'eml/bsd/a.eml','group':'bsd','is_bounce':true,'expected_source':'test','bounces':["
                        + "{'recipient':'x@example.com','status':'5.1.1','reason':'userunknown','hard':true},"
                        + "{'recipient':'y@example.com','status':'5.0.922','status_synthetic':true,'reason':'mailboxfull','hard':false}]}",
                "{'file':'eml/bsd/b.eml','group':'bsd','is_bounce':true,'expected_source':'oracle-only','bounces':["
                        + "{'recipient':'z@example.com','status':'5.1.1','reason':'userunknown','hard':true}]}");
        CorpusScore s = CorpusScore.score(expected, Map.of(
                "eml/bsd/a.eml", List.of(bounce("<X@Example.com>", "5.1.1", "userunknown", true),
                        bounce("y@example.com", "5.2.2", "filtered", false))), false);

        assertThat(s.count("files")).isEqualTo(2);
        assertThat(s.count("files_answered")).isEqualTo(1);
        assertThat(s.count("rcpts")).isEqualTo(2); // oracle-only expectations are not judged
        assertThat(s.count("rcpt_found")).isEqualTo(2);
        assertThat(s.count("status_ok")).isEqualTo(2); // synthetic: class only
        assertThat(s.count("reason_ok")).isEqualTo(1);
        assertThat(s.count("hard_ok")).isEqualTo(2);
        assertThat(s.summary()).isEqualTo(
                "summary: answered=50.0 recipients=100.0 status=100.0 reason=50.0 hard=100.0 kind=0.0");
    }

    @Test
    void oneRecipientEachSideIsJudgedButNotFound() throws Exception {
        List<JsonNode> expected = lines(
                "{'file':'eml/bsd/a.eml','group':'bsd','is_bounce':true,'expected_source':'test','bounces':["
                        + "{'recipient':'x@example.com','status':'5.1.1','reason':'userunknown','hard':true}]}");
        CorpusScore s = CorpusScore.score(expected, Map.of(
                "eml/bsd/a.eml", List.of(bounce("other@example.com", "5.1.1", "userunknown", true))), false);
        assertThat(s.count("rcpt_found")).isZero();
        assertThat(s.count("status_ok")).isEqualTo(1);
        assertThat(s.count("reason_ok")).isEqualTo(1);
    }

    @Test
    void twinCorrectionTakesTheMissingRecipientFromTheTwin() throws Exception {
        List<JsonNode> expected = lines(
                "{'file':'eml/bsd/a.eml','group':'bsd','is_bounce':true,'expected_source':'test','bounces':["
                        + "{'recipient':'x@example.com','status':'5.1.1','reason':'userunknown','hard':true}]}",
                "{'file':'eml/mac/a.eml','group':'mac','is_bounce':true,'expected_source':'test-of-bsd-twin','bounces':["
                        + "{'recipient':null,'status':'5.1.1','reason':'userunknown','hard':true}]}");
        Map<String, List<CorpusScore.Answer>> answers = Map.of(
                "eml/bsd/a.eml", List.of(bounce("x@example.com", "5.1.1", "userunknown", true)),
                "eml/mac/a.eml", List.of(bounce("x@example.com", "5.1.1", "userunknown", true)));
        assertThat(CorpusScore.score(expected, answers, false).count("rcpt_found")).isEqualTo(1);
        assertThat(CorpusScore.score(expected, answers, true).count("rcpt_found")).isEqualTo(2);
    }

    @Test
    void reportKindsAndNotBounces() throws Exception {
        List<JsonNode> expected = lines(
                "{'file':'eml/bsd/arf.eml','group':'bsd','is_bounce':false,'expected_source':'test','bounces':["
                        + "{'recipient':'x@example.com','reason':'feedback'}]}",
                "{'file':'eml/not/n.eml','group':'not','is_bounce':false,'expected_source':'not-a-bounce','bounces':[]}");
        CorpusScore s = CorpusScore.score(expected, Map.of(
                "eml/bsd/arf.eml", List.of(new CorpusScore.Answer("complaint", "x@example.com", null, "feedback", false)),
                "eml/not/n.eml", List.of(CorpusScore.Answer.none())), false);
        assertThat(s.count("report_kind_ok")).isEqualTo(1);
        assertThat(s.count("notbounce_ok")).isEqualTo(1);
    }
}
