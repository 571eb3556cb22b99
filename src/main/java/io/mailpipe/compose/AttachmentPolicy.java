package io.mailpipe.compose;

import io.mailpipe.outcome.ReasonCode;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which attachments an account refuses to send, by file name extension, also inside archives and compressed files
 * ({@link ArchiveContents}: zip, tar, 7z, ar, cpio, gzip, bzip2, xz; nested ones too, up to three levels), recognised
 * by their content whatever their name. The default is the list of types Gmail refuses ({@link #GMAIL_BLOCKED});
 * an account can give its own list ({@code blockedExtensions}, empty: none). An archive that cannot be checked (damaged,
 * names encrypted, a password-protected archive inside, too large unpacked) is refused as well (BLOCKED_ATTACHMENT);
 * formats not read here (RAR) go out unchecked. Trailing dots and spaces of a name ({@code "setup.exe. "}) are
 * ignored, as Windows does.
 */
public final class AttachmentPolicy {

    /**
     * The extensions Gmail refuses to send or receive (without dot, lower case), also compressed or inside archives:
     * "File types blocked in Gmail", https://support.google.com/mail/answer/6590, checked 2026-12-06 (54 types).
     */
    public static final List<String> GMAIL_BLOCKED = List.of("ade", "adp", "apk", "appx", "appxbundle", "bat", "cab",
            "chm", "cmd", "com", "cpl", "diagcab", "diagcfg", "diagpkg", "dll", "dmg", "ex", "ex_", "exe", "hta", "img",
            "ins", "iso", "isp", "jar", "jnlp", "js", "jse", "lib", "lnk", "mde", "mjs", "msc", "msi", "msix",
            "msixbundle", "msp", "mst", "nsh", "pif", "ps1", "scr", "sct", "shb", "sys", "vb", "vbe", "vbs", "vhd", "vxd",
            "wsc", "wsf", "wsh", "xll");

    /** The default policy: {@link #GMAIL_BLOCKED}. */
    public static final AttachmentPolicy DEFAULT = new AttachmentPolicy(GMAIL_BLOCKED);

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
     * Refuses the first attachment that has a blocked extension, or holds a file with one, or cannot be checked.
     *
     * @throws CompositionException BLOCKED_ATTACHMENT naming {@code attachments[i].filename} and the extension or why
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
            if (a.content() == null) {
                continue;
            }
            ArchiveContents.Finding found = new ArchiveContents(this::blockedExtension).scan(a.content(), a.filename());
            if (found != null && found.blockedExtension() != null) {
                throw new CompositionException(field, "is " + article(found.format()) + " " + found.format() + " file holding"
                        + " a file with the extension ." + found.blockedExtension() + ", which this account does not send"
                        + " (blockedExtensions); send a link instead", ReasonCode.BLOCKED_ATTACHMENT);
            }
            if (found != null) {
                throw new CompositionException(field, found.uncheckable() + "; send it unencrypted and whole, or as a link",
                        ReasonCode.BLOCKED_ATTACHMENT);
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

    private static String article(String format) {
        return "aeiou".indexOf(Character.toLowerCase(format.charAt(0))) >= 0 ? "an" : "a";
    }

    private static String normalise(String ext) {
        String e = ext.strip().toLowerCase(Locale.ROOT);
        return e.startsWith(".") ? e.substring(1) : e;
    }
}
