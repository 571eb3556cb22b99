package io.mailpipe.compose;

import java.util.List;
import java.util.Map;

/** A {@link MessageSpec} builder for tests: one recipient, a subject and a text body unless told otherwise. */
final class TestSpec {
    private final String requestId;
    private String from;
    private String replyTo;
    private List<String> to = List.of("Customer <customer@example.com>");
    private List<String> cc = List.of();
    private List<String> bcc = List.of();
    private String subject = "Hello";
    private String text = "Hello there";
    private String html;
    private Map<String, String> headers = Map.of();
    private List<AttachmentSpec> attachments = List.of();
    private String campaign;
    private TemplateRef template;
    private ListUnsubscribe listUnsubscribe;

    private TestSpec(String requestId) {
        this.requestId = requestId;
    }

    static TestSpec spec(String requestId) {
        return new TestSpec(requestId);
    }

    TestSpec from(String value) { from = value; return this; }
    TestSpec replyTo(String value) { replyTo = value; return this; }
    TestSpec to(String... values) { to = List.of(values); return this; }
    TestSpec cc(String... values) { cc = List.of(values); return this; }
    TestSpec bcc(String... values) { bcc = List.of(values); return this; }
    TestSpec subject(String value) { subject = value; return this; }
    TestSpec text(String value) { text = value; return this; }
    TestSpec html(String value) { html = value; return this; }
    TestSpec headers(Map<String, String> value) { headers = value; return this; }
    TestSpec attachments(AttachmentSpec... values) { attachments = List.of(values); return this; }
    TestSpec campaign(String value) { campaign = value; return this; }
    TestSpec listUnsubscribe(ListUnsubscribe value) { listUnsubscribe = value; return this; }

    /** Renders {@code id} instead of subject, text and html. */
    TestSpec template(String id, Map<String, Object> vars) {
        template = new TemplateRef(id, vars);
        subject = null;
        text = null;
        html = null;
        return this;
    }

    MessageSpec build() {
        return new MessageSpec(requestId, from, replyTo, to, cc, bcc, subject, text, html, headers, attachments, campaign,
                template, listUnsubscribe, null);
    }
}
