package io.mailpipe.inbox;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One record on {@code mail.bounces.unparsed} (key = {@code reportId}): a message of a bounce mailbox from which no
 * report could be read, with its bytes, so nothing is lost. The message itself is moved to the mailbox's
 * {@code unparsedFolder}. Public contract, see docs/bounces.md and {@code schemas/bounce-unparsed.schema.json}.
 *
 * @param reportId   as in bounce events: {@code mailbox/<Message-ID>} or {@code mailbox/sha256:...}
 * @param mailbox    the configured bounce mailbox
 * @param receivedAt when it arrived in the mailbox
 * @param error      why it is here, e.g. "no delivery report found"
 * @param problems   what the parser could not read (never message content)
 * @param size       size of the raw message in bytes
 * @param truncated  true when {@code raw} holds only the first bytes (messages above the size cap)
 * @param raw        the raw message (RFC 5322 bytes), standard base64
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"reportId", "mailbox", "receivedAt", "error", "problems", "size", "truncated", "raw"})
public record UnparsedMessage(String reportId, String mailbox, Instant receivedAt, String error, List<String> problems,
                              long size, boolean truncated, String raw) {
}
