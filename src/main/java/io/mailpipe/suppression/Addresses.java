package io.mailpipe.suppression;

import java.util.Locale;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/** The normal form of an address on the suppression list: the bare address, trimmed, in lower case. */
public final class Addresses {
    private Addresses() {
    }

    /**
     * {@code "Anna <Anna@Example.org>"} becomes {@code anna@example.org}. The local part is lower-cased too: in
     * practice mailboxes do not differ by case, and a suppression must not be dodged by a capital letter.
     * Returns null for a blank input.
     */
    public static String normalise(String mailbox) {
        if (mailbox == null || mailbox.isBlank()) {
            return null;
        }
        String s = mailbox.strip();
        try {
            InternetAddress parsed = new InternetAddress(s, false);
            if (parsed.getAddress() != null && !parsed.getAddress().isBlank()) {
                s = parsed.getAddress();
            }
        } catch (AddressException e) {
            // not one RFC 5322 mailbox: keep the text as it is, minus angle brackets
        }
        if (s.startsWith("<") && s.endsWith(">")) {
            s = s.substring(1, s.length() - 1);
        }
        return s.strip().toLowerCase(Locale.ROOT);
    }
}
