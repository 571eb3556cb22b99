package io.mailpipe.request;

import io.mailpipe.outcome.ReasonCode;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * Checks that a request's address is exactly one RFC 5322 mailbox: {@code news@shop.example},
 * {@code Shop <news@shop.example>}, {@code "Doe, Jane" <jane@example.org>}, {@code Магазин <shop@example.ru>}.
 * Non-ASCII local parts and domains (RFC 6531) pass here; whether they can be sent is decided when sending.
 */
final class Mailboxes {

    private Mailboxes() {
    }

    /** HEADER_INJECTION or INVALID_ADDRESS naming {@code field} unless {@code value} is one mailbox. */
    static void requireMailbox(String value, String field) throws InvalidRequestException {
        HeaderRules.requireSingleLine(value, field);
        InternetAddress[] parsed;
        try {
            parsed = InternetAddress.parse(value, true);
            if (parsed.length == 1 && !parsed[0].isGroup()) {
                parsed[0].validate();
            }
        } catch (AddressException e) {
            // The parser's own reason is a fixed phrase ("Local address contains dot-dot"); its
            // toString() would add the address, so only getMessage() is used and no cause is kept.
            throw invalid(field, "is not a valid mailbox (" + e.getMessage() + ")");
        }
        if (parsed.length == 0) {
            throw invalid(field, "is empty; give an address or leave the entry out");
        }
        if (parsed.length > 1) {
            throw invalid(field, "holds " + parsed.length + " addresses; give exactly one per entry"
                    + " (use an array for several recipients)");
        }
        if (parsed[0].isGroup()) {
            throw invalid(field, "is a group (\"name: ...;\"); give a single mailbox");
        }
        String address = parsed[0].getAddress();
        int at = address.lastIndexOf('@');
        if (at <= 0 || address.startsWith("@") || at == address.length() - 1) {
            throw invalid(field, "has no local@domain address");
        }
    }

    private static InvalidRequestException invalid(String field, String problem) {
        return new InvalidRequestException(ReasonCode.INVALID_ADDRESS, field,
                problem + "; write it as local@domain, optionally with a display name: Name <local@domain>");
    }
}
