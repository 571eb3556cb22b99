package io.mailpipe.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The records are immutable, compare by value, and print no personal data. */
class MailRequestTest {

    private static final byte[] SECRET_BYTES = "secret file".getBytes(StandardCharsets.US_ASCII);

    @Test
    void attachmentsCompareByContentAndDefaultTheirType() {
        Attachment one = new Attachment("a.txt", null, SECRET_BYTES);
        Attachment same = new Attachment("a.txt", "application/octet-stream", SECRET_BYTES.clone());

        assertThat(one).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(one.contentType()).isEqualTo(Attachment.DEFAULT_CONTENT_TYPE);
        assertThat(one).isNotEqualTo(new Attachment("a.txt", null, new byte[] {1}));
    }

    @Test
    void attachmentBytesCannotBeChangedFromOutside() {
        byte[] bytes = SECRET_BYTES.clone();
        Attachment attachment = new Attachment("a.txt", null, bytes);

        bytes[0] = 'X';
        attachment.content()[1] = 'X';

        assertThat(attachment.content()).isEqualTo(SECRET_BYTES);
        assertThat(attachment.size()).isEqualTo(SECRET_BYTES.length);
    }

    @Test
    void attachmentPrintsTypeAndSizeOnly() {
        assertThat(new Attachment("salary-jane-doe.pdf", "application/pdf", SECRET_BYTES))
                .hasToString("Attachment[application/pdf, 11 bytes]");
    }

    @Test
    void requestPrintsIdAndCountsOnly() {
        MailRequest request = request(new ArrayList<>(List.of("jane@example.org", "bob@example.org")),
                new LinkedHashMap<>(Map.of("X-Ref", "1")));

        assertThat(request).hasToString("MailRequest[id=r-1, to=2, cc=0, bcc=1, headers=1, attachments=1]");
    }

    @Test
    void requestIsImmutableAndNeverHoldsNullCollections() {
        List<String> to = new ArrayList<>(List.of("jane@example.org"));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-B", "2");
        headers.put("X-A", "1");
        MailRequest request = request(to, headers);

        to.add("bob@example.org");
        headers.put("X-C", "3");

        assertThat(request.to()).containsExactly("jane@example.org");
        assertThat(request.headers()).containsOnlyKeys("X-B", "X-A");
        assertThat(request.headers().keySet()).containsExactly("X-B", "X-A");
        assertThatThrownBy(() -> request.headers().put("X-D", "4")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(new MailRequest("r-2", null, null, null, null, null, "", "text", null, null, null, null, null, null))
                .satisfies(empty -> {
                    assertThat(empty.to()).isEmpty();
                    assertThat(empty.cc()).isEmpty();
                    assertThat(empty.headers()).isEmpty();
                    assertThat(empty.attachments()).isEmpty();
                });
    }

    @Test
    void requestsWithEqualAttachmentsAreEqual() {
        assertThat(request(List.of("jane@example.org"), Map.of()))
                .isEqualTo(request(List.of("jane@example.org"), Map.of()))
                .hasSameHashCodeAs(request(List.of("jane@example.org"), Map.of()));
    }

    private static MailRequest request(List<String> to, Map<String, String> headers) {
        return new MailRequest("r-1", "Shop <news@shop.example>", null, to, List.of(), List.of("audit@shop.example"),
                "Secret subject", "secret body", null, headers,
                List.of(new Attachment("a.txt", null, SECRET_BYTES.clone())), null, "spring",
                Instant.parse("2030-01-01T00:00:00Z"));
    }
}
