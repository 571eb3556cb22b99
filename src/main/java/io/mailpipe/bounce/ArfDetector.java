package io.mailpipe.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * Complaint (feedback) reports, RFC 5965 ARF: a message/feedback-report part with
 * {@code Feedback-Type: abuse} and the complained-about message attached. Also the older
 * Hotmail-style "complaint about message from ..." reports without a feedback part.
 * The recipient is the complaining address: Original-Rcpt-To, else the To of the attached message.
 */
final class ArfDetector implements Detector {
    @Override
    public String name() {
        return "ARF";
    }

    @Override
    public boolean guard(MailView mail) {
        return mail.hasFeedbackReport() || mail.subject().startsWith("complaint about message from");
    }

    @Override
    public List<Finding> extract(MailView mail) {
        if (mail.feedbackReport == null && mail.returnedMessage != null && mail.originalHeaders != null
                && Texts.lower(mail.originalHeaders).contains("report-type=feedback-report")) {
            // a feedback report forwarded as an attachment: the attached message is the report
            MailView inner = MailReader.read(mail.returnedMessage, new ArrayList<>());
            if (inner.feedbackReport != null) {
                return extract(inner);
            }
        }
        String feedbackType = "abuse";
        List<String> recipients = new ArrayList<>();
        String reportingMta = null;
        String fields = mail.feedbackReport;
        if (fields == null && mail.headerValues("Content-Type").stream().noneMatch(v -> Texts.lower(v).contains("multipart/report"))) {
            fields = Texts.cap(mail.body(), 64 * 1024); // the report's fields written into the text
        }
        if (fields != null) {
            for (FieldBlocks.Block b : FieldBlocks.parse(fields)) {
                if (b.get("feedback-type") != null) {
                    feedbackType = Texts.lower(b.get("feedback-type")).strip();
                }
                if (b.get("reporting-mta") != null) {
                    reportingMta = FieldBlocks.typedValue(b.get("reporting-mta"));
                }
                for (String r : b.all("original-rcpt-to")) {
                    addAll(recipients, r);
                }
                for (String r : b.all("removal-recipient")) {
                    addAll(recipients, r);
                }
            }
        }
        if (recipients.isEmpty() && mail.originalHeaders != null) {
            for (FieldBlocks.Block b : FieldBlocks.parse(mail.originalHeaders)) {
                for (String r : b.all("to")) {
                    addAll(recipients, r);
                }
                break;
            }
        }
        String diagnostic = mail.texts.isEmpty() ? null : Texts.cap(Texts.collapse(mail.texts.get(0)), 500);
        List<Finding> out = new ArrayList<>();
        if (recipients.isEmpty()) {
            recipients.add(null); // the report does not say who complained
        }
        for (String r : recipients) {
            Finding f = new Finding(r, diagnostic);
            f.kind = Kind.COMPLAINT;
            f.reason = Reason.FEEDBACK;
            f.feedbackType = feedbackType;
            f.reportingMta = reportingMta;
            out.add(f);
        }
        return out;
    }

    private static void addAll(List<String> out, String value) {
        Matcher m = Texts.EMAIL.matcher(value);
        while (m.find()) {
            String a = Texts.cleanAddress(m.group());
            if (a != null && out.stream().noneMatch(a::equalsIgnoreCase)) {
                out.add(a);
            }
        }
    }
}
