package io.mailpipe.compose;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits a message with more recipients than an account takes per message ({@code maxRecipients}) into several
 * messages. Recipients are taken in order (to, then cc, then bcc), each address once (compared case-insensitively,
 * first kept), and cut into parts of at most {@code maxRecipients}; each part keeps the kind (to, cc, bcc) of its
 * recipients, so a part's headers name only that part's recipients. Parts are numbered from 1 and each gets its
 * own Message-ID ({@link MessageSpec#part()}). The split depends only on the spec and the limit, so a retry of the
 * same request through the same account gives the same parts. Stateless.
 */
public final class RecipientSplitter {

    private RecipientSplitter() {
    }

    private enum Kind { TO, CC, BCC }

    private record Recipient(Kind kind, String address) {
    }

    /**
     * The parts of {@code spec}: the spec itself (unnumbered) when it fits or there is no limit.
     *
     * @param spec          the message
     * @param maxRecipients most recipients per message, or null for no limit
     */
    public static List<MessageSpec> split(MessageSpec spec, Integer maxRecipients) {
        if (maxRecipients == null) {
            return List.of(spec);
        }
        if (maxRecipients < 1) {
            throw new IllegalArgumentException("maxRecipients must be at least 1, was " + maxRecipients);
        }
        List<Recipient> recipients = distinct(spec);
        if (recipients.size() <= maxRecipients) {
            return List.of(spec);
        }
        List<MessageSpec> parts = new ArrayList<>();
        for (int start = 0, number = 1; start < recipients.size(); start += maxRecipients, number++) {
            List<Recipient> chunk = recipients.subList(start, Math.min(start + maxRecipients, recipients.size()));
            parts.add(spec.asPart(number, of(chunk, Kind.TO), of(chunk, Kind.CC), of(chunk, Kind.BCC)));
        }
        return List.copyOf(parts);
    }

    /** Number of distinct recipients (to, cc, bcc) of a spec, as the splitter counts them. */
    public static int distinctRecipients(MessageSpec spec) {
        return distinct(spec).size();
    }

    private static List<Recipient> distinct(MessageSpec spec) {
        Set<String> seen = new HashSet<>();
        List<Recipient> out = new ArrayList<>();
        add(out, seen, Kind.TO, spec.to());
        add(out, seen, Kind.CC, spec.cc());
        add(out, seen, Kind.BCC, spec.bcc());
        return out;
    }

    private static void add(List<Recipient> out, Set<String> seen, Kind kind, List<String> addresses) {
        for (String address : addresses) {
            if (seen.add(bareLowerCase(address))) {
                out.add(new Recipient(kind, address));
            }
        }
    }

    /** The bare address in lower case; the raw text when it does not parse (the composer rejects it later). */
    private static String bareLowerCase(String address) {
        try {
            return new InternetAddress(address.strip(), false).getAddress().toLowerCase(Locale.ROOT);
        } catch (AddressException | RuntimeException e) {
            return address.strip().toLowerCase(Locale.ROOT);
        }
    }

    private static List<String> of(List<Recipient> chunk, Kind kind) {
        return chunk.stream().filter(r -> r.kind() == kind).map(Recipient::address).toList();
    }
}
