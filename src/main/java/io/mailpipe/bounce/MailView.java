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
