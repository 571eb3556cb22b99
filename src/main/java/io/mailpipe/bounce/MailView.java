package io.mailpipe.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Stage 2 result: one message, tidied for the detectors. Header values are unfolded and
 * RFC 2047-decoded; every text part is decoded to a Java string whatever its charset; the parts of
 * a multipart/report are kept apart (delivery-status, feedback-report, returned headers).
 */
final class MailView {
    /** One header field, value unfolded and decoded. */
    record Field(String name, String value) {
    }

    /** Top-level media type, lower case, without parameters ("multipart/report"). */
    final String contentType;
    final List<Field> headers;
    /** Decoded text parts, in order (text/plain; text/html with tags removed when no plain text). */
    final List<String> texts;
    /** Raw text of every message/delivery-status part. */
    final List<String> deliveryStatus;
    /** Raw text of the message/feedback-report part, or null. */
    final String feedbackReport;
    /** Header section of the returned original message, if it is a MIME part; else null. */
    final String originalHeaders;
    /**
     * Raw content of the returned message/rfc822 part (capped), or null. Some gateways return the
     * real report itself as the "original message" (see {@link BounceParser}).
     */
    final byte[] returnedMessage;

    MailView(String contentType, List<Field> headers, List<String> texts, List<String> deliveryStatus,
             String feedbackReport, String originalHeaders, byte[] returnedMessage) {
        this.contentType = contentType;
        this.headers = List.copyOf(headers);
        this.texts = List.copyOf(texts);
        this.deliveryStatus = List.copyOf(deliveryStatus);
        this.feedbackReport = feedbackReport;
        this.originalHeaders = originalHeaders;
        this.returnedMessage = returnedMessage;
    }

    /** First value of the header, or null. */
    String header(String name) {
        for (Field f : headers) {
            if (f.name().equalsIgnoreCase(name)) {
                return f.value();
            }
        }
        return null;
    }

    List<String> headerValues(String name) {
        List<String> out = new ArrayList<>();
        for (Field f : headers) {
            if (f.name().equalsIgnoreCase(name)) {
                out.add(f.value());
            }
        }
        return out;
    }

    /** Lower-case subject, "" when absent. */
    String subject() {
        return Texts.lower(header("Subject"));
    }

    /** Lower-case From header, "" when absent. */
    String from() {
        return Texts.lower(header("From"));
    }

    boolean hasHeader(String name) {
        return header(name) != null;
    }

    /** All text parts joined, the first one first. */
    String body() {
        return String.join("\n", texts);
    }

    /** RFC 5965: "Feedback-Type:" at the start of a line, a field every feedback report carries. */
    private static final java.util.regex.Pattern FEEDBACK_TYPE_FIELD = java.util.regex.Pattern.compile(
            "(?im)^feedback-type:[ \\t]*[a-z]");
    /** RFC 5965's other required fields of the report: User-Agent and Version. */
    private static final java.util.regex.Pattern USER_AGENT_FIELD = java.util.regex.Pattern.compile("(?im)^user-agent:");
    private static final java.util.regex.Pattern VERSION_FIELD = java.util.regex.Pattern.compile("(?im)^version:");
    private static final String FEEDBACK_REPORT_TYPE = "report-type=feedback-report";
    private static final java.util.regex.Pattern FEEDBACK_REPORT_TYPE_PARAMETER = java.util.regex.Pattern.compile(
            "(?i)report-type=\"?feedback-report");

    /**
     * True when the message is (or carries) an RFC 5965 feedback report: a message/feedback-report part, a
     * multipart/report of report-type feedback-report (also as the attached message of a forwarded report), or the
     * report's fields written into the text (Feedback-Type with User-Agent and Version). This structure, not the
     * subject, makes a complaint.
     */
    boolean hasFeedbackReport() {
        if (feedbackReport != null || headerContains("Content-Type", FEEDBACK_REPORT_TYPE)) {
            return true;
        }
        if (!deliveryStatus.isEmpty()) {
            return false; // a delivery report that returns a feedback report is a delivery report
        }
        if (originalHeaders != null && FEEDBACK_REPORT_TYPE_PARAMETER.matcher(originalHeaders).find()) {
            return true;
        }
        for (String text : texts) {
            CharSequence head = text.length() > 64 * 1024 ? text.subSequence(0, 64 * 1024) : text;
            if (FEEDBACK_TYPE_FIELD.matcher(head).find()) {
                return USER_AGENT_FIELD.matcher(head).find() && VERSION_FIELD.matcher(head).find();
            }
        }
        return false;
    }

    /** True when any header or the subject contains the (lower-case) needle. */
    boolean headerContains(String name, String needle) {
        for (String v : headerValues(name)) {
            if (v.toLowerCase(Locale.ROOT).contains(needle)) {
                return true;
            }
        }
        return false;
    }
}
