package io.mailpipe.bounce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;

/**
 * Amazon SES notifications delivered by e-mail (SNS): a JSON document, possibly wrapped in an SNS
 * envelope whose "Message" is the JSON as a string. notificationType Bounce, Complaint or Delivery.
 *
 * <pre>
 * {"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bouncedRecipients":[
 *   {"emailAddress":"nobody@example.com","action":"failed","status":"5.1.1",
 *    "diagnosticCode":"smtp; 550 5.1.1 user unknown"}], ...}, "mail":{"messageId":"..."}}
 * </pre>
 */
final class AmazonSesDetector implements Detector {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "AmazonSES";
    }

    @Override
    public boolean guard(MailView mail) {
        return mail.from().contains("amazonaws.com") || mail.subject().equals("aws notification message")
                || mail.hasHeader("x-amz-sns-message-id");
    }

    @Override
    public List<Finding> extract(MailView mail) {
        JsonNode doc = parse(mail.body());
        if (doc == null) {
            return List.of();
        }
        if (doc.path("Message").isTextual()) {
            JsonNode inner = parse(doc.path("Message").asText());
            if (inner != null) {
                doc = inner;
            }
        }
        String type = doc.path("notificationType").asText(doc.path("eventType").asText(""));
        List<Finding> out = new ArrayList<>();
        switch (type) {
            case "Bounce" -> {
                JsonNode b = doc.path("bounce");
                boolean transientBounce = "Transient".equals(b.path("bounceType").asText());
                for (JsonNode r : b.path("bouncedRecipients")) {
                    Finding f = new Finding(r.path("emailAddress").asText(null),
                            Texts.diagnostic(FieldBlocks.typedValue(r.path("diagnosticCode").asText(null))));
                    f.action = r.path("action").asText(transientBounce ? "delayed" : "failed");
                    f.status = Texts.normaliseStatus(r.path("status").asText(null));
                    f.reportingMta = FieldBlocks.typedValue(b.path("reportingMTA").asText(null));
                    f.diagnosticType = "smtp";
                    if ("Suppressed".equals(b.path("bounceSubType").asText())) {
                        f.reason = Reason.SUPPRESSED;
                    }
                    SesBounceType sesType = SesBounceType.ofJsonName(b.path("bounceType").asText());
                    SesSubType sesSub = SesSubType.ofJsonName(b.path("bounceSubType").asText());
                    if (sesType != null && sesSub != null) {
                        f.ses = new SesClassification(sesType, sesSub); // SES said so itself
                    }
                    out.add(TextScan.finish(f));
                }
            }
            case "Complaint" -> {
                JsonNode c = doc.path("complaint");
                for (JsonNode r : c.path("complainedRecipients")) {
                    Finding f = new Finding(r.path("emailAddress").asText(null), null);
                    f.kind = Kind.COMPLAINT;
                    f.reason = Reason.FEEDBACK;
                    f.feedbackType = c.path("complaintFeedbackType").asText("abuse");
                    out.add(f);
                }
            }
            case "Delivery" -> {
                JsonNode d = doc.path("delivery");
                for (JsonNode r : d.path("recipients")) {
                    Finding f = new Finding(r.asText(null), d.path("smtpResponse").asText(null));
                    f.kind = Kind.DELIVERED;
                    f.reason = Reason.DELIVERED;
                    f.action = "delivered";
                    f.status = Texts.findStatus(f.diagnostic);
                    f.replyCode = Texts.findReply(f.diagnostic);
                    out.add(f);
                }
            }
            default -> {
                return List.of();
            }
        }
        return out;
    }

    /** The JSON object in the text; SNS mails wrap long lines with a leading space. */
    private static JsonNode parse(String text) {
        int start = text.indexOf('{');
        int end = text.lastIndexOf('}');
        if (start < 0 || end <= start) {
            return null;
        }
        String json = text.substring(start, end + 1);
        for (String candidate : new String[]{json, json.replaceAll("\r?\n ", ""), json.replaceAll("\r?\n", "")}) {
            try {
                JsonNode n = JSON.readTree(candidate);
                if (n != null && n.isObject()) {
                    return n;
                }
            } catch (java.io.IOException | RuntimeException e) {
                // try the next unwrapping
            }
        }
        return null;
    }
}
