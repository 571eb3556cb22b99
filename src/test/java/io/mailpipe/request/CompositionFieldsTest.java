package io.mailpipe.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mailpipe.outcome.ReasonCode;

/** The request fields of composition: template, listUnsubscribe, attachments[].contentId. */
class CompositionFieldsTest {

    private final RequestReader reader = new RequestReader(1 << 20);

    private MailRequest read(String json) throws InvalidRequestException {
        return reader.read(json.getBytes(StandardCharsets.UTF_8));
    }

    private InvalidRequestException rejected(String json) {
        try {
            read(json);
        } catch (InvalidRequestException e) {
            return e;
        }
        throw new AssertionError("expected a rejection");
    }

    @Test
    void aTemplateReplacesSubjectAndBody() throws Exception {
        MailRequest r = read("""
                {"id":"t-1","to":"a@example.org","template":{"id":"welcome","vars":{"name":"Anna","n":3,"vip":true,
                 "items":[{"title":"x"}],"none":null}}}""");
        assertThat(r.template().id()).isEqualTo("welcome");
        assertThat(r.template().vars()).containsEntry("name", "Anna").containsEntry("n", 3).containsEntry("vip", true)
                .containsEntry("items", List.of(Map.of("title", "x"))).containsEntry("none", null);
        assertThat(r.subject()).isNull();
        assertThat(r.text()).isNull();
        assertThat(r.template().toString()).doesNotContain("Anna");
    }

    @Test
    void aTemplateWithSubjectOrBodyOrWithoutIdIsRefused() {
        InvalidRequestException both = rejected("""
                {"id":"t-2","to":"a@example.org","subject":"s","template":{"id":"welcome"}}""");
        assertThat(both.reasonCode()).isEqualTo(ReasonCode.INVALID_FIELD);
        assertThat(both.field()).isEqualTo("subject");

        InvalidRequestException noId = rejected("""
                {"id":"t-3","to":"a@example.org","template":{"vars":{}}}""");
        assertThat(noId.reasonCode()).isEqualTo(ReasonCode.MISSING_FIELD);
        assertThat(noId.field()).isEqualTo("template.id");

        InvalidRequestException typo = rejected("""
                {"id":"t-4","to":"a@example.org","template":{"id":"w","var":{}}}""");
        assertThat(typo.field()).isEqualTo("template.var");

        assertThat(rejected("""
                {"id":"t-5","to":"a@example.org","template":{"id":"w","vars":[1]}}""").field()).isEqualTo("template.vars");
    }

    @Test
    void listUnsubscribeAndContentIdAreRead() throws Exception {
        MailRequest r = read("""
                {"id":"u-1","to":"a@example.org","subject":"s","html":"<img src=cid:logo>",
                 "listUnsubscribe":{"url":"https://shop.example/u","mailto":"leave@shop.example"},
                 "attachments":[{"filename":"logo.png","contentType":"image/png","content":"iVBORw==","contentId":"<logo>"}]}""");
        assertThat(r.listUnsubscribe()).isEqualTo(new MailRequest.ListUnsubscribe("https://shop.example/u", "leave@shop.example"));
        assertThat(r.attachments().get(0).contentId()).isEqualTo("logo");
    }

    @Test
    void badListUnsubscribeAndContentIdAreRefused() {
        assertThat(rejected("""
                {"id":"u-2","to":"a@example.org","subject":"s","text":"t","listUnsubscribe":{}}""").reasonCode())
                .isEqualTo(ReasonCode.INVALID_FIELD);
        assertThat(rejected("""
                {"id":"u-3","to":"a@example.org","subject":"s","text":"t","listUnsubscribe":{"url":"https://x\\r\\nBcc: y"}}""")
                .reasonCode()).isEqualTo(ReasonCode.HEADER_INJECTION);
        InvalidRequestException cid = rejected("""
                {"id":"u-4","to":"a@example.org","subject":"s","html":"h",
                 "attachments":[{"filename":"a.png","content":"","contentId":"has space"}]}""");
        assertThat(cid.reasonCode()).isEqualTo(ReasonCode.INVALID_ATTACHMENT);
        assertThat(cid.field()).isEqualTo("attachments[0].contentId");
    }
}
