package io.mailpipe.compose;

import io.mailpipe.account.Dkim;
import io.mailpipe.outcome.ReasonCode;
import jakarta.mail.MessagingException;
import org.simplejavamail.utils.mail.dkim.Canonicalization;
import org.simplejavamail.utils.mail.dkim.DkimMessage;
import org.simplejavamail.utils.mail.dkim.DkimSigner;
import org.simplejavamail.utils.mail.dkim.SigningAlgorithm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Adds a {@code DKIM-Signature} (RFC 6376, rsa-sha256, relaxed/relaxed) to a composed message, with the signer of
 * {@code org.simplejavamail:utils-mail-dkim}. That library signs a copy of the message ({@link DkimMessage}); the
 * signature header it writes is taken over onto mailpipe's own message, whose bytes are the same, so that the fixed
 * Message-ID and the envelope stay as composed. Signed besides the library's defaults (From, To, Cc, Subject, Date,
 * Message-ID, MIME and List-* headers): Reply-To, List-Unsubscribe-Post and mailpipe's X-Mailpipe-* headers.
 */
final class DkimSigning {

    static final String HEADER = "DKIM-Signature";
    private static final List<String> EXTRA_SIGNED = List.of("Reply-To", "List-Unsubscribe-Post",
            MessageComposer.HEADER_REQUEST_ID, MessageComposer.HEADER_CAMPAIGN);

    private DkimSigning() {
    }

    /** Signs {@code message} (after {@code saveChanges()}) and adds the header to it. */
    static void sign(MailpipeMimeMessage message, Dkim dkim) throws CompositionException {
        String header;
        try {
            DkimSigner signer = new DkimSigner(dkim.domain(), dkim.selector(), dkim.privateKey());
            signer.setCheckDomainKey(false);
            signer.setSigningAlgorithm(SigningAlgorithm.SHA256_WITH_RSA);
            signer.setHeaderCanonicalization(Canonicalization.RELAXED);
            signer.setBodyCanonicalization(Canonicalization.RELAXED);
            signer.setLengthParam(false);
            EXTRA_SIGNED.forEach(signer::addHeaderToSign);
            DkimMessage signed = new DkimMessage(message, signer);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            signed.writeTo(out, new String[] {"Bcc", "Content-Length"});
            header = signatureValue(out.toByteArray());
        } catch (MessagingException | IOException | RuntimeException e) {
            // the library's messages describe keys and headers, never the private key; the cause is kept out anyway
            throw new CompositionException("dkim", "the message could not be signed (" + e.getClass().getSimpleName()
                    + ")", ReasonCode.INTERNAL_ERROR);
        }
        if (header == null) {
            throw new CompositionException("dkim", "the signer wrote no " + HEADER + " header", ReasonCode.INTERNAL_ERROR);
        }
        try {
            message.addHeader(HEADER, header);
        } catch (MessagingException e) {
            throw new CompositionException("dkim", "the signature header could not be added", ReasonCode.INTERNAL_ERROR, e);
        }
    }

    /** The unfolded-as-written value (folding kept) of the DKIM-Signature header in the header block of {@code raw}. */
    static String signatureValue(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String headers = end < 0 ? text : text.substring(0, end + 2);
        String prefix = HEADER.toLowerCase(java.util.Locale.ROOT) + ":";
        StringBuilder value = null;
        for (String line : headers.split("\r\n")) {
            if (value != null) {
                if (line.startsWith(" ") || line.startsWith("\t")) {
                    value.append("\r\n").append(line);
                    continue;
                }
                break;
            }
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith(prefix)) {
                value = new StringBuilder(line.substring(prefix.length()).stripLeading());
            }
        }
        return value == null ? null : value.toString();
    }
}
