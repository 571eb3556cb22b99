package io.mailpipe.compose;

import java.util.Arrays;
import java.util.Objects;

/**
 * One attachment of a {@link MessageSpec}.
 *
 * <p>The content array is not copied (attachments can be large): callers hand it over and do not
 * change it afterwards. {@link #toString()} shows the size only, never the bytes.
 *
 * @param filename    file name shown to the recipient; may contain non-ASCII characters
 * @param contentType MIME type such as {@code application/pdf}; null means {@code application/octet-stream}
 * @param content     the decoded bytes
 * @param contentId   for an inline image referenced from the HTML as {@code cid:<contentId>}: the Content-ID
 *                    without angle brackets; null for an ordinary attachment
 */
public record AttachmentSpec(String filename, String contentType, byte[] content, String contentId) {

    /** An ordinary attachment (not inline). */
    public AttachmentSpec(String filename, String contentType, byte[] content) {
        this(filename, contentType, content, null);
    }

    /** Whether this is an inline part of the HTML body. */
    public boolean inline() {
        return contentId != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttachmentSpec other
                && Objects.equals(filename, other.filename)
                && Objects.equals(contentType, other.contentType)
                && Arrays.equals(content, other.content)
                && Objects.equals(contentId, other.contentId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(filename, contentType, contentId) * 31 + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return "AttachmentSpec[" + contentType + ", " + (content == null ? 0 : content.length) + " bytes"
                + (contentId == null ? "" : ", inline") + "]";
    }
}
