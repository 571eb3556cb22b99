package io.mailpipe.request;

import java.util.Arrays;
import java.util.Objects;

/**
 * One file attached to a {@link MailRequest}; immutable (the bytes are copied in and out).
 *
 * @param filename    file name shown to the recipient; never blank, one line
 * @param contentType MIME type, {@link #DEFAULT_CONTENT_TYPE} when the request gives none
 * @param content     the file's bytes, decoded from the request's base64; may be empty
 * @param contentId   for an inline image of the HTML body ({@code <img src="cid:logo">}): its Content-ID without
 *                    angle brackets; null for an ordinary attachment
 */
public record Attachment(String filename, String contentType, byte[] content, String contentId) {

    /** An ordinary attachment. */
    public Attachment(String filename, String contentType, byte[] content) {
        this(filename, contentType, content, null);
    }

    /** The content type of an attachment whose request gives none: opaque bytes. */
    public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    public Attachment {
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(content, "content");
        contentType = contentType == null ? DEFAULT_CONTENT_TYPE : contentType;
        content = content.clone();
    }

    /** A copy of the file's bytes. */
    @Override
    public byte[] content() {
        return content.clone();
    }

    /** Length of the file in bytes, without copying it. */
    public int size() {
        return content.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Attachment that
                && filename.equals(that.filename)
                && contentType.equals(that.contentType)
                && Arrays.equals(content, that.content)
                && Objects.equals(contentId, that.contentId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(filename, contentType, Arrays.hashCode(content), contentId);
    }

    /** Type and size only: file names and bytes may be personal data. */
    @Override
    public String toString() {
        return "Attachment[" + contentType + ", " + content.length + " bytes]";
    }
}
