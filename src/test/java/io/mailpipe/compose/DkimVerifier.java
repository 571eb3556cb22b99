package io.mailpipe.compose;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small DKIM verifier written from RFC 6376 (sections 3.4, 3.5, 3.7, 5.4 and 6.1.3) for tests, with nothing but
 * java.security: it shares no code with the signer mailpipe uses (utils-mail-dkim). Supports what mailpipe signs
 * with: {@code a=rsa-sha256}, {@code c=relaxed/relaxed}; the public key is given instead of looked up in DNS.
 */
final class DkimVerifier {

    /** What a valid signature says. */
    record Verified(String domain, String selector, List<String> signedHeaders) {
    }

    private DkimVerifier() {
    }

    /**
     * Verifies the (first) DKIM-Signature of a message as it arrived.
     *
     * @throws AssertionError saying which check failed
     */
    static Verified verify(byte[] raw, PublicKey key) {
        String text = new String(raw, StandardCharsets.ISO_8859_1); // byte-preserving
        text = text.replaceAll("(?<!\r)\n", "\r\n");
        int split = text.indexOf("\r\n\r\n");
        if (split < 0) {
            throw new AssertionError("no header/body separator");
        }
        List<String> fields = fields(text.substring(0, split + 2));
        String body = text.substring(split + 4);

        String signature = null;
        for (String f : fields) {
            if (name(f).equalsIgnoreCase("DKIM-Signature")) {
                signature = f;
                break;
            }
        }
        if (signature == null) {
            throw new AssertionError("no DKIM-Signature header");
        }
        Map<String, String> tags = tags(signature.substring(signature.indexOf(':') + 1));
        require("1".equals(tags.get("v")), "v=1");
        require("rsa-sha256".equals(tags.get("a")), "a=rsa-sha256, was " + tags.get("a"));
        require("relaxed/relaxed".equals(tags.get("c")), "c=relaxed/relaxed, was " + tags.get("c"));
        require(tags.get("l") == null, "no l= tag");

        byte[] bodyHash = sha256(relaxedBody(body).getBytes(StandardCharsets.ISO_8859_1));
        String bh = Base64.getEncoder().encodeToString(bodyHash);
        require(bh.equals(tags.get("bh")), "body hash bh= matches the body (computed " + bh + ", signed " + tags.get("bh") + ")");

        List<String> signed = new ArrayList<>();
        StringBuilder data = new StringBuilder();
        List<String> unused = new ArrayList<>(fields);
        for (String h : tags.get("h").split(":")) {
            String wanted = h.strip();
            signed.add(wanted);
            for (int i = unused.size() - 1; i >= 0; i--) { // the last instance not yet used (section 5.4.2)
                if (name(unused.get(i)).equalsIgnoreCase(wanted)) {
                    data.append(relaxedHeader(unused.remove(i))).append("\r\n");
                    break;
                }
            }
        }
        String withoutB = signature.replaceAll("((?:^|;)\\s*b\\s*=)[^;]*", "$1");
        data.append(relaxedHeader(withoutB)); // no CRLF after the signature header (section 3.7)

        byte[] b = Base64.getDecoder().decode(tags.get("b"));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update(data.toString().getBytes(StandardCharsets.ISO_8859_1));
            require(rsa.verify(b), "the RSA signature b= verifies over the signed headers");
        } catch (GeneralSecurityException e) {
            throw new AssertionError("signature check failed: " + e, e);
        }
        return new Verified(tags.get("d"), tags.get("s"), signed);
    }

    /** Header fields with their continuation lines, as written (CRLF inside folded fields kept). */
    private static List<String> fields(String block) {
        List<String> fields = new ArrayList<>();
        for (String line : block.split("\r\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && !fields.isEmpty()) {
                fields.set(fields.size() - 1, fields.get(fields.size() - 1) + "\r\n" + line);
            } else {
                fields.add(line);
            }
        }
        return fields;
    }

    private static String name(String field) {
        int colon = field.indexOf(':');
        return colon < 0 ? field : field.substring(0, colon).strip();
    }

    /** Section 3.4.2: lower-case name, unfold, WSP runs to one SP, no WSP around the colon or at the end. */
    static String relaxedHeader(String field) {
        int colon = field.indexOf(':');
        String name = field.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = field.substring(colon + 1).replace("\r\n", "");
        value = value.replaceAll("[ \t]+", " ").strip();
        return name + ":" + value;
    }

    /** Section 3.4.4: WSP runs to one SP, no WSP at line ends, no empty lines at the end; CRLF after a non-empty body. */
    static String relaxedBody(String body) {
        String[] lines = body.split("\r\n", -1);
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line.replaceAll("[ \t]+", " ").replaceAll(" $", "")).append("\r\n");
        }
        String result = out.toString();
        while (result.endsWith("\r\n\r\n")) {
            result = result.substring(0, result.length() - 2);
        }
        return result.equals("\r\n") ? "" : result;
    }

    private static Map<String, String> tags(String value) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : value.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            tags.put(part.substring(0, eq).strip(), part.substring(eq + 1).replaceAll("[ \t\r\n]", ""));
        }
        return tags;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("DKIM: expected " + what);
        }
    }
}
