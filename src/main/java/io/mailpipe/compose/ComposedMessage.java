package io.mailpipe.compose;

import java.util.List;

/**
 * A message ready to send, with the facts the sender and the outcome need.
 *
 * @param message            the MIME message; {@code saveChanges()} already called
 * @param messageId          the Message-ID header value, angle brackets included
 * @param sizeBytes          exact size in bytes of the message as Angus' SMTPTransport writes it into DATA: CRLF
 *                           line ends, without the Bcc header it leaves out. On the wire, dot-stuffing and a final
 *                           CRLF (added when the message does not end with one) may add a few bytes
 * @param envelopeRecipients bare addresses for RCPT TO: to, cc, then bcc, duplicates removed (first kept)
 * @param fromAddress        bare address of the From header, also the envelope sender (MAIL FROM)
 * @param replyTo            bare address of the Reply-To header, or null when there is none
 */
public record ComposedMessage(
        MailpipeMimeMessage message,
        String messageId,
        long sizeBytes,
        List<String> envelopeRecipients,
        String fromAddress,
        String replyTo) {

    public ComposedMessage {
        envelopeRecipients = List.copyOf(envelopeRecipients);
    }

    @Override
    public String toString() {
        return "ComposedMessage[" + messageId + ", " + sizeBytes + " bytes, "
                + envelopeRecipients.size() + " recipients]";
    }
}
