package io.mailpipe.compose;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link MessageComposer} needs to build one message; the pipeline maps a validated request onto it.
 *
 * <p>Addresses are RFC 5322 strings, possibly with a non-ASCII display name
 * ({@code "Магазин <shop@example.ru>"}), already checked for CR/LF by the request validator.
 * Null lists and maps become empty; {@code headers} keeps its iteration order.
 * {@link #toString()} names the request and counts only: no addresses, no bodies.
 *
 * @param requestId   the request's id; the Message-ID and {@code X-Mailpipe-Id} derive from it
 * @param from        the requested sender, or null to use the account's own address
 * @param replyTo     the requested Reply-To, or null
 * @param to          To recipients
 * @param cc          Cc recipients
 * @param bcc         Bcc recipients (envelope only; never written into DATA)
 * @param subject     subject, any Unicode, or null for none
 * @param text        plain-text body, or null
 * @param html        HTML body, or null (at least one of text and html is required)
 * @param headers     extra headers, in order, names and values already validated
 * @param attachments attachments, in order
 * @param campaign    campaign tag written as {@code X-Mailpipe-Campaign}, or null
 * @param template    a template to render into subject, text and html (which are then null), or null
 * @param listUnsubscribe where to unsubscribe ({@code List-Unsubscribe}), or null to use the campaign's
 *                    configured one, if any; checked by {@link ListUnsubscribe#of}
 * @param part        which part of a request split by {@link RecipientSplitter} this is (1-based), or null when
 *                    the request is not split; each part gets its own Message-ID
 */
public record MessageSpec(
        String requestId,
        String from,
        String replyTo,
        List<String> to,
        List<String> cc,
        List<String> bcc,
        String subject,
        String text,
        String html,
        Map<String, String> headers,
        List<AttachmentSpec> attachments,
        String campaign,
        TemplateRef template,
        ListUnsubscribe listUnsubscribe,
        Integer part) {

    /** A spec without template, unsubscribe link or part number. */
    public MessageSpec(String requestId, String from, String replyTo, List<String> to, List<String> cc, List<String> bcc,
                       String subject, String text, String html, Map<String, String> headers,
                       List<AttachmentSpec> attachments, String campaign) {
        this(requestId, from, replyTo, to, cc, bcc, subject, text, html, headers, attachments, campaign, null, null, null);
    }

    /** The same spec addressed to other recipients, as part {@code number} of a split request. */
    public MessageSpec asPart(int number, List<String> newTo, List<String> newCc, List<String> newBcc) {
        return new MessageSpec(requestId, from, replyTo, newTo, newCc, newBcc, subject, text, html, headers, attachments,
                campaign, template, listUnsubscribe, number);
    }

    public MessageSpec {
        to = to == null ? List.of() : List.copyOf(to);
        cc = cc == null ? List.of() : List.copyOf(cc);
        bcc = bcc == null ? List.of() : List.copyOf(bcc);
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    @Override
    public String toString() {
        return "MessageSpec[" + requestId + ", " + (to.size() + cc.size() + bcc.size()) + " recipients, "
                + attachments.size() + " attachments]";
    }
}
