package io.mailpipe.request;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One mail to send, as read from a {@code mail.requests} record by {@link RequestReader}, which has
 * checked every field against the contract ({@code schemas/mail-request.schema.json}). Immutable.
 * Addresses are kept as written in the request (display names included); they are known to parse as
 * exactly one mailbox each.
 *
 * @param id          the producer's id of the request; echoed in every outcome. Never blank, at most 200
 *                    characters, no control characters
 * @param from        the sender address, or null to send as the account's own address
 * @param replyTo     the Reply-To address, or null for none
 * @param to          recipients; never empty once read
 * @param cc          copy recipients; empty when the request has none
 * @param bcc         blind copy recipients; empty when the request has none
 * @param subject     the subject line; may be empty, one line; null only with a template
 * @param text        the plain-text body, or null (absent or blank)
 * @param html        the HTML body, or null (absent or blank); at least one of text and html is set
 * @param headers     custom headers, in request order; empty when the request has none. No name is
 *                    one of {@link HeaderRules#RESERVED_HEADERS} or starts with {@link HeaderRules#RESERVED_PREFIX}
 * @param attachments attached files, in request order; empty when the request has none
 * @param account     name of the one account to send through, or null to let mailpipe choose
 * @param pool        name of the account pool to choose from, or null for every account (not with account)
 * @param campaign    the producer's campaign label for grouping outcomes, or null
 * @param notAfter    the instant after which the mail must not be sent any more, or null for no limit
 * @param template    a template to render instead of subject, text and html (which are then null), or null
 * @param listUnsubscribe the request's own unsubscribe link and address, or null
 */
public record MailRequest(
        String id,
        String from,
        String replyTo,
        List<String> to,
        List<String> cc,
        List<String> bcc,
        String subject,
        String text,
        String html,
        Map<String, String> headers,
        List<Attachment> attachments,
        String account,
        String pool,
        String campaign,
        Instant notAfter,
        Template template,
        ListUnsubscribe listUnsubscribe) {

    /**
     * A campaign template and its variables.
     *
     * @param id   the template's id
     * @param vars the variables: String, Number, Boolean, null, List and Map values as in the request's JSON
     */
    public record Template(String id, Map<String, Object> vars) {
        public Template {
            Objects.requireNonNull(id, "id");
            vars = vars == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(vars));
        }

        @Override
        public String toString() {
            return "Template[" + id + ", vars=" + vars.keySet() + "]";
        }
    }

    /**
     * Where to unsubscribe (RFC 2369 / RFC 8058).
     *
     * @param url    HTTPS one-click URL, or null
     * @param mailto unsubscribe address or mailto URI, or null
     */
    public record ListUnsubscribe(String url, String mailto) {
    }

    /** A request without template and unsubscribe link. */
    public MailRequest(String id, String from, String replyTo, List<String> to, List<String> cc, List<String> bcc,
                       String subject, String text, String html, Map<String, String> headers, List<Attachment> attachments,
                       String account, String campaign, Instant notAfter) {
        this(id, from, replyTo, to, cc, bcc, subject, text, html, headers, attachments, account, null, campaign, notAfter,
                null, null);
    }

    public MailRequest {
        Objects.requireNonNull(id, "id");
        if (template == null) {
            Objects.requireNonNull(subject, "subject");
        }
        to = to == null ? List.of() : List.copyOf(to);
        cc = cc == null ? List.of() : List.copyOf(cc);
        bcc = bcc == null ? List.of() : List.copyOf(bcc);
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** Id and counts only: addresses, subject and bodies are personal data and must not reach logs. */
    @Override
    public String toString() {
        return "MailRequest[id=" + id + ", to=" + to.size() + ", cc=" + cc.size() + ", bcc=" + bcc.size()
                + ", headers=" + headers.size() + ", attachments=" + attachments.size() + "]";
    }
}
