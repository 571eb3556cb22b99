package io.mailpipe.compose;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import org.apache.commons.compress.PasswordRequiredException;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.ArchiveStreamFactory;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.CompressorInputStream;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * Looks into an attachment for file names with a blocked extension, with Apache Commons Compress: archives (zip and
 * what is built on it, tar, 7z, ar, cpio) by their entry names, and compressed files (gzip, bzip2, xz, Unix compress)
 * by the name they unpack to ({@code run.js.gz}, the name in the gzip header), then into what they hold, down to
 * {@value #MAX_DEPTH} levels. Formats are recognised by their content (signature), whatever the attachment's name.
 *
 * <p>What cannot be checked, and what happens then ({@link Finding}):
 * <ul>
 *   <li>an archive or compressed file in a format read here that cannot be read (damaged, truncated, a 7z archive
 *   whose names are encrypted, a method Commons Compress does not support for the directory): refused;</li>
 *   <li>an encrypted entry (zip or 7z with a password): its name is checked; if it is itself an archive, it is refused,
 *   as Gmail refuses password-protected archives whose content is an archive;</li>
 *   <li>more than {@value #MAX_ENTRIES} entries or more than {@value #MAX_UNPACKED_BYTES} bytes unpacked: refused;</li>
 *   <li>formats not read here (RAR, whose reader is not open source; zstd, brotli and other codecs that need native
 *   libraries), and archives nested deeper than {@value #MAX_DEPTH} levels: not looked into; the server decides.</li>
 * </ul>
 */
final class ArchiveContents {

    static final int MAX_DEPTH = 3;
    static final int MAX_ENTRIES = 10_000;
    static final int MAX_UNPACKED_BYTES = 64 * 1024 * 1024;

    /** Compressors read here: pure Java, no native library. */
    private static final Set<String> COMPRESSORS = Set.of(CompressorStreamFactory.GZIP, CompressorStreamFactory.BZIP2,
            CompressorStreamFactory.XZ, CompressorStreamFactory.Z);
    /** Archivers read here; zip covers jar, docx, odt and the like. */
    private static final Set<String> ARCHIVERS = Set.of(ArchiveStreamFactory.ZIP, ArchiveStreamFactory.TAR,
            ArchiveStreamFactory.SEVEN_Z, ArchiveStreamFactory.AR, ArchiveStreamFactory.CPIO);
    /** File name endings of archives: an encrypted entry with one of them is a password-protected archive inside. */
    private static final Set<String> ARCHIVE_EXTENSIONS = Set.of("zip", "7z", "rar", "tar", "tgz", "gz", "bz2", "xz",
            "tbz2", "txz", "cab", "arj", "lzh", "ace", "cpio", "jar", "iso", "img");

    /** What the look found: a blocked extension, or why the content could not be checked. */
    record Finding(String format, String blockedExtension, String uncheckable) {
        static Finding blocked(String format, String extension) {
            return new Finding(format, extension, null);
        }

        static Finding uncheckable(String format, String why) {
            return new Finding(format, null, why);
        }
    }

    private final Function<String, String> blockedExtensionOf;
    private int entries;
    private long unpacked;

    /** @param blockedExtensionOf the blocked extension of a file name, or null */
    ArchiveContents(Function<String, String> blockedExtensionOf) {
        this.blockedExtensionOf = blockedExtensionOf;
    }

    /**
     * The first blocked name inside {@code content}, or why it cannot be checked; null when nothing is found.
     *
     * @param name the attachment's file name (a compressed file unpacks to it without its {@code .gz}, {@code .bz2},
     *             ... ending, unless its gzip header names another)
     */
    Finding scan(byte[] content, String name) {
        return scan(content, name, 1);
    }

    private Finding scan(byte[] content, String name, int depth) {
        String compressor = detectCompressor(content);
        if (compressor != null) {
            return decompressed(content, name, compressor, depth);
        }
        String archiver = detectArchiver(content);
        if (archiver == null) {
            return null;
        }
        try {
            return switch (archiver) {
                case ArchiveStreamFactory.ZIP -> zip(content, depth);
                case ArchiveStreamFactory.SEVEN_Z -> sevenZ(content, depth);
                default -> streamed(content, archiver, depth);
            };
        } catch (PasswordRequiredException e) {
            return Finding.uncheckable(archiver, "is an encrypted " + archiver + " archive whose file names are hidden");
        } catch (IOException | RuntimeException e) {
            return Finding.uncheckable(archiver, "looks like a " + archiver + " archive but cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private Finding decompressed(byte[] content, String name, String compressor, int depth) {
        byte[] inner;
        String innerName = unpackedName(name);
        try (CompressorInputStream in = new CompressorStreamFactory().createCompressorInputStream(compressor,
                new ByteArrayInputStream(content))) {
            if (in instanceof GzipCompressorInputStream gzip && gzip.getMetaData() != null
                    && gzip.getMetaData().getFileName() != null) {
                innerName = gzip.getMetaData().getFileName();
            }
            inner = read(in);
        } catch (IOException | RuntimeException e) {
            return Finding.uncheckable(compressor, "looks like " + compressor + "-compressed data but cannot be"
                    + " decompressed (" + e.getClass().getSimpleName() + ")");
        }
        if (inner == null) {
            return tooLarge(compressor);
        }
        if (innerName != null) {
            String ext = blockedExtensionOf.apply(innerName);
            if (ext != null) {
                return Finding.blocked(compressor, ext);
            }
        }
        return depth >= MAX_DEPTH ? null : scan(inner, innerName, depth + 1);
    }

    /** What a compressed file's name is without its compression ending: run.js.gz is run.js, logs.tgz is logs.tar. */
    static String unpackedName(String name) {
        if (name == null) {
            return null;
        }
        String n = name.strip();
        String lower = n.toLowerCase(Locale.ROOT);
        for (String[] ending : new String[][] {{".tgz", ".tar"}, {".taz", ".tar"}, {".tbz2", ".tar"}, {".tbz", ".tar"},
                {".txz", ".tar"}, {".gz", ""}, {".bz2", ""}, {".xz", ""}, {".z", ""}}) {
            if (lower.endsWith(ending[0])) {
                return n.substring(0, n.length() - ending[0].length()) + ending[1];
            }
        }
        return null;
    }

    private Finding zip(byte[] content, int depth) throws IOException {
        try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(content)).get()) {
            Enumeration<ZipArchiveEntry> all = zip.getEntries();
            while (all.hasMoreElements()) {
                ZipArchiveEntry entry = all.nextElement();
                boolean encrypted = entry.getGeneralPurposeBit().usesEncryption();
                Finding f = entry(ArchiveStreamFactory.ZIP, entry.getName(), entry.isDirectory(), encrypted);
                if (f != null) {
                    return f;
                }
                if (!entry.isDirectory() && !encrypted && depth < MAX_DEPTH && zip.canReadEntryData(entry)) {
                    f = nested(ArchiveStreamFactory.ZIP, entry.getName(), zip.getInputStream(entry), depth);
                    if (f != null) {
                        return f;
                    }
                }
            }
        }
        return null;
    }

    private Finding sevenZ(byte[] content, int depth) throws IOException {
        try (SevenZFile sevenZ = SevenZFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(content)).get()) {
            for (SevenZArchiveEntry entry = sevenZ.getNextEntry(); entry != null; entry = sevenZ.getNextEntry()) {
                Finding f = entry(ArchiveStreamFactory.SEVEN_Z, entry.getName(), entry.isDirectory(), false);
                if (f != null) {
                    return f;
                }
                if (entry.isDirectory() || !entry.hasStream() || depth >= MAX_DEPTH) {
                    continue;
                }
                try {
                    f = nested(ArchiveStreamFactory.SEVEN_Z, entry.getName(), sevenZ.getInputStream(entry), depth);
                } catch (PasswordRequiredException e) {
                    // the content is encrypted, the names are not: a password-protected archive inside is refused
                    f = entry(ArchiveStreamFactory.SEVEN_Z, entry.getName(), false, true);
                }
                if (f != null) {
                    return f;
                }
            }
        }
        return null;
    }

    private Finding streamed(byte[] content, String archiver, int depth) throws IOException {
        try (ArchiveInputStream<? extends ArchiveEntry> in = new ArchiveStreamFactory().createArchiveInputStream(archiver,
                new ByteArrayInputStream(content))) {
            for (ArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                Finding f = entry(archiver, entry.getName(), entry.isDirectory(), false);
                if (f != null) {
                    return f;
                }
                if (!entry.isDirectory() && depth < MAX_DEPTH && in.canReadEntryData(entry)) {
                    f = nested(archiver, entry.getName(), in, depth);
                    if (f != null) {
                        return f;
                    }
                }
            }
        }
        return null;
    }

    /** One entry's name: blocked, or an encrypted archive (refused), or fine (null). Counts the entries. */
    private Finding entry(String format, String name, boolean directory, boolean encrypted) {
        if (++entries > MAX_ENTRIES) {
            return Finding.uncheckable(format, "is an archive with more than " + MAX_ENTRIES + " entries; it cannot be checked");
        }
        if (directory || name == null) {
            return null;
        }
        String ext = blockedExtensionOf.apply(name);
        if (ext != null) {
            return Finding.blocked(format, ext);
        }
        if (encrypted && ARCHIVE_EXTENSIONS.contains(extension(name))) {
            return Finding.uncheckable(format, "is a " + format + " archive holding a password-protected archive, whose"
                    + " content cannot be checked (Gmail refuses such archives too)");
        }
        return null;
    }

    /** The content of one entry, looked into when it is an archive or compressed itself. */
    private Finding nested(String format, String name, InputStream entryContent, int depth) throws IOException {
        byte[] bytes = read(entryContent);
        if (bytes == null) {
            return tooLarge(format);
        }
        return scan(bytes, name, depth + 1);
    }

    /** Everything the stream holds, or null when that would pass the unpacked-bytes budget. */
    private byte[] read(InputStream in) throws IOException {
        long left = MAX_UNPACKED_BYTES - unpacked;
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, left + 1));
        unpacked += bytes.length;
        return bytes.length > left ? null : bytes;
    }

    private static Finding tooLarge(String format) {
        return Finding.uncheckable(format, "unpacks to more than " + MAX_UNPACKED_BYTES / (1024 * 1024)
                + " MiB; its content cannot be checked");
    }

    private static String detectCompressor(byte[] content) {
        return detect(content, in -> CompressorStreamFactory.detect(in), COMPRESSORS);
    }

    private static String detectArchiver(byte[] content) {
        return detect(content, in -> ArchiveStreamFactory.detect(in), ARCHIVERS);
    }

    /** The format Commons Compress finds by signature, when it is one read here; else null. */
    private static String detect(byte[] content, Detector detector, Set<String> readHere) {
        try {
            String found = detector.detect(new BufferedInputStream(new ByteArrayInputStream(content)));
            return readHere.contains(found) ? found : null;
        } catch (IOException | RuntimeException e) {
            return null; // not a format Commons Compress knows
        }
    }

    /** Commons Compress' signature detection (compressors or archivers). */
    private interface Detector {
        String detect(InputStream in) throws IOException;
    }

    private static String extension(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1);
    }
}
