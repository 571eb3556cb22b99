package io.mailpipe.compose;

import io.mailpipe.outcome.ReasonCode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Which attachments an account refuses to send, by file name extension, also inside zip archives (nested ones
 * too, up to {@value #MAX_DEPTH} levels). The default is the list of executable types Gmail refuses
 * ({@link #GMAIL_BLOCKED}); an account can give its own list ({@code blockedExtensions}, empty: none).
 *
 * <p>A zip archive is recognised by its content (the {@code PK\3\4} signature), whatever its name. The entry names
 * of an encrypted archive are readable and checked too (they come from the central directory). An archive whose
 * directory cannot be read is refused as well (BLOCKED_ATTACHMENT), since what it holds cannot be checked. Trailing dots and spaces of a
 * name ({@code "setup.exe. "}) are ignored, as Windows does.
 */
public final class AttachmentPolicy {

    /** The extensions Gmail refuses to send or receive (without dot, lower case). */
    public static final List<String> GMAIL_BLOCKED = List.of("ade", "adp", "bat", "chm", "cmd", "com", "cpl", "exe",
            "hta", "ins", "isp", "jse", "lib", "mde", "msc", "msp", "mst", "pif", "scr", "sct", "shb", "sys", "vb",
            "vbe", "vbs", "vxd", "wsc", "wsf", "wsh");

    /** The default policy: {@link #GMAIL_BLOCKED}. */
    public static final AttachmentPolicy DEFAULT = new AttachmentPolicy(GMAIL_BLOCKED);

    static final int MAX_DEPTH = 3;
    private static final int MAX_ENTRIES = 10_000;
    private static final int MAX_NESTED_BYTES = 64 * 1024 * 1024;

    private final Set<String> blocked;

    /** @param extensions blocked extensions, with or without leading dot, any case; empty blocks nothing */
    public AttachmentPolicy(Collection<String> extensions) {
        this.blocked = extensions.stream().map(AttachmentPolicy::normalise).filter(e -> !e.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The policy of an account: its own list, or the default when it has none (null). */
    public static AttachmentPolicy of(Collection<String> accountList) {
        return accountList == null ? DEFAULT : new AttachmentPolicy(accountList);
    }

    /** The blocked extensions, lower case without dot. */
    public Set<String> blocked() {
        return blocked;
    }

    /**
     * Refuses the first attachment that has a blocked extension, or is a zip holding an entry with one.
     *
     * @throws CompositionException BLOCKED_ATTACHMENT naming {@code attachments[i].filename} and the extension
     */
    public void check(List<AttachmentSpec> attachments) throws CompositionException {
        if (blocked.isEmpty()) {
            return;
        }
        for (int i = 0; i < attachments.size(); i++) {
            AttachmentSpec a = attachments.get(i);
            String field = "attachments[" + i + "].filename";
            String ext = blockedExtension(a.filename());
            if (ext != null) {
                throw new CompositionException(field, "has the extension ." + ext + ", which this account does not send"
                        + " (blockedExtensions); send a link instead", ReasonCode.BLOCKED_ATTACHMENT);
            }
            if (a.content() != null && isZip(a.content())) {
                String inside = blockedInZip(a.content(), 1, field);
                if (inside != null) {
                    throw new CompositionException(field, "is a zip archive holding a file with the extension ." + inside
                            + ", which this account does not send (blockedExtensions); send a link instead",
                            ReasonCode.BLOCKED_ATTACHMENT);
                }
            }
        }
    }

    /** The blocked extension of a file name, or null. */
    String blockedExtension(String filename) {
        if (filename == null) {
            return null;
        }
        String name = filename.strip();
        while (name.endsWith(".") || name.endsWith(" ")) {
            name = name.substring(0, name.length() - 1);
        }
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1);
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return null;
        }
        String ext = normalise(name.substring(dot + 1));
        return blocked.contains(ext) ? ext : null;
    }

    private String blockedInZip(byte[] archive, int depth, String field) throws CompositionException {
        List<String> names = centralDirectoryNames(archive);
        if (names == null) {
            throw new CompositionException(field, "looks like a zip archive but its directory cannot be read;"
                    + " its content cannot be checked", ReasonCode.BLOCKED_ATTACHMENT);
        }
        if (names.size() > MAX_ENTRIES) {
            throw new CompositionException(field, "is a zip archive with more than " + MAX_ENTRIES
                    + " entries; it cannot be checked", ReasonCode.BLOCKED_ATTACHMENT);
        }
        for (String name : names) {
            String ext = blockedExtension(name);
            if (ext != null) {
                return ext;
            }
        }
        if (depth >= MAX_DEPTH) {
            return null;
        }
        // nested archives: read the entries that start like a zip (best effort: an encrypted entry cannot be read)
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (entry.isDirectory()) {
                    continue;
                }
                byte[] head = zip.readNBytes(4);
                if (isZip(head)) {
                    byte[] rest = zip.readNBytes(MAX_NESTED_BYTES);
                    byte[] nested = new byte[head.length + rest.length];
                    System.arraycopy(head, 0, nested, 0, head.length);
                    System.arraycopy(rest, 0, nested, head.length, rest.length);
                    String inside = blockedInZip(nested, depth + 1, field);
                    if (inside != null) {
                        return inside;
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // an entry that cannot be decompressed (encrypted, unknown method): its name was checked above
        }
        return null;
    }

    /**
     * The entry names in a zip's central directory (found through the end-of-central-directory record), or null
     * when there is none. Read by hand rather than with ZipInputStream, which stops at the first encrypted entry.
     */
    static List<String> centralDirectoryNames(byte[] zip) {
        int eocd = -1;
        for (int p = zip.length - 22; p >= Math.max(0, zip.length - 22 - 65535); p--) {
            if (u32(zip, p) == 0x06054b50L) {
                eocd = p;
                break;
            }
        }
        if (eocd < 0) {
            return null;
        }
        int count = u16(zip, eocd + 10);
        long offset = u32(zip, eocd + 16);
        List<String> names = new java.util.ArrayList<>(Math.min(count, MAX_ENTRIES + 1));
        int p = (int) Math.min(offset, Integer.MAX_VALUE);
        for (int i = 0; i < count && names.size() <= MAX_ENTRIES; i++) {
            if (p < 0 || p + 46 > zip.length || u32(zip, p) != 0x02014b50L) {
                return null;
            }
            boolean utf8 = (u16(zip, p + 8) & 0x800) != 0;
            int nameLength = u16(zip, p + 28);
            int extra = u16(zip, p + 30);
            int comment = u16(zip, p + 32);
            if (p + 46 + nameLength > zip.length) {
                return null;
            }
            names.add(new String(zip, p + 46, nameLength,
                    utf8 ? java.nio.charset.StandardCharsets.UTF_8 : java.nio.charset.StandardCharsets.ISO_8859_1));
            p += 46 + nameLength + extra + comment;
        }
        return names;
    }

    private static int u16(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
    }

    private static long u32(byte[] b, int p) {
        return (u16(b, p) | (long) u16(b, p + 2) << 16) & 0xffffffffL;
    }

    static boolean isZip(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
    }

    private static String normalise(String ext) {
        String e = ext.strip().toLowerCase(Locale.ROOT);
        return e.startsWith(".") ? e.substring(1) : e;
    }
}
