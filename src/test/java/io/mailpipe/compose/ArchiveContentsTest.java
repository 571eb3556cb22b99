package io.mailpipe.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;

import io.mailpipe.outcome.ReasonCode;

/**
 * Gmail's current list applied inside archives and compressed files (issue 19: a zip holding docs/run.js went out SENT
 * and Gmail refused it at DATA), and what happens with what cannot be checked.
 */
class ArchiveContentsTest {

    static final byte[] TEXT = "console.log('hi')\n".getBytes(StandardCharsets.UTF_8);

    interface Writer {
        void write(OutputStream out) throws Exception;
    }

    static byte[] bytes(Writer w) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.write(out);
        return out.toByteArray();
    }

    static byte[] zip(boolean encrypted, Object... nameThenContent) throws Exception {
        byte[] zip = bytes(out -> {
            try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(out)) {
                for (int i = 0; i < nameThenContent.length; i += 2) {
                    z.putArchiveEntry(new ZipArchiveEntry((String) nameThenContent[i]));
                    z.write((byte[]) nameThenContent[i + 1]);
                    z.closeArchiveEntry();
                }
            }
        });
        if (encrypted) { // the "encrypted" flag in every local and central header, as a password-protected zip has it
            for (int p = 0; p + 8 < zip.length; p++) {
                if (zip[p] == 'P' && zip[p + 1] == 'K' && (zip[p + 2] == 3 && zip[p + 3] == 4 || zip[p + 2] == 1 && zip[p + 3] == 2)) {
                    zip[p + (zip[p + 2] == 3 ? 6 : 8)] |= 1;
                }
            }
        }
        return zip;
    }

    static byte[] tar(Object... nameThenContent) throws Exception {
        return bytes(out -> {
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
                for (int i = 0; i < nameThenContent.length; i += 2) {
                    byte[] content = (byte[]) nameThenContent[i + 1];
                    TarArchiveEntry e = new TarArchiveEntry((String) nameThenContent[i]);
                    e.setSize(content.length);
                    tar.putArchiveEntry(e);
                    tar.write(content);
                    tar.closeArchiveEntry();
                }
            }
        });
    }

    static byte[] gzip(String nameInHeader, byte[] content) throws Exception {
        GzipParameters p = new GzipParameters();
        if (nameInHeader != null) {
            p.setFileName(nameInHeader);
        }
        return bytes(out -> {
            try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out, p)) {
                gz.write(content);
            }
        });
    }

    static byte[] sevenZ(String name, byte[] content) throws Exception {
        SeekableInMemoryByteChannel channel = new SeekableInMemoryByteChannel();
        try (SevenZOutputFile z = new SevenZOutputFile(channel)) {
            SevenZArchiveEntry e = new SevenZArchiveEntry();
            e.setName(name);
            z.putArchiveEntry(e);
            z.write(content);
            z.closeArchiveEntry();
        }
        return Arrays.copyOf(channel.array(), (int) channel.size());
    }

    static CompositionException refused(String filename, byte[] content) {
        try {
            AttachmentPolicy.DEFAULT.check(List.of(new AttachmentSpec(filename, null, content)));
        } catch (CompositionException e) {
            assertThat(e.reason()).isEqualTo(ReasonCode.BLOCKED_ATTACHMENT);
            assertThat(e.field()).isEqualTo("attachments[0].filename");
            return e;
        }
        throw new AssertionError("expected " + filename + " to be refused");
    }

    static void sent(String filename, byte[] content) {
        assertThatCode(() -> AttachmentPolicy.DEFAULT.check(List.of(new AttachmentSpec(filename, null, content))))
                .doesNotThrowAnyException();
    }

    @Test
    void gmailsCurrentListHasItsFiftyFourTypes() {
        assertThat(AttachmentPolicy.GMAIL_BLOCKED).hasSize(54).doesNotHaveDuplicates()
                .contains("js", "mjs", "jar", "jnlp", "msi", "msix", "dll", "iso", "img", "vhd", "apk", "appx", "dmg", "cab",
                        "ps1", "lnk", "nsh", "xll");
    }

    @Test
    void theIssuesZipHoldingAScriptIsRefused() throws Exception {
        assertThat(refused("docs.zip", zip(false, "docs/readme.txt", TEXT, "docs/run.js", TEXT)).getMessage())
                .contains("zip file holding a file with the extension .js");
    }

    @Test
    void tarTgzGzipBzip2XzAnd7zAreLookedInto() throws Exception {
        byte[] tar = tar("a/notes.txt", TEXT, "a/install.ps1", TEXT);
        assertThat(refused("bundle.tar", tar).getMessage()).contains("tar file", ".ps1");
        assertThat(refused("bundle.tgz", gzip(null, tar)).getMessage()).contains("tar file", ".ps1");
        assertThat(refused("run.js.gz", gzip(null, TEXT)).getMessage()).as("compressed form: the name it unpacks to")
                .contains(".js");
        assertThat(refused("data.gz", gzip("setup.msi", TEXT)).getMessage()).as("the name in the gzip header").contains(".msi");
        assertThat(refused("tool.lnk.bz2", bytes(out -> {
            try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(out)) {
                bz.write(TEXT);
            }
        })).getMessage()).contains(".lnk");
        assertThat(refused("tool.tar.xz", bytes(out -> {
            try (XZCompressorOutputStream xz = new XZCompressorOutputStream(out)) {
                xz.write(tar("x/app.jar", TEXT));
            }
        })).getMessage()).contains(".jar");
        assertThat(refused("photos.7z", sevenZ("disk.iso", TEXT)).getMessage()).contains("7z file", ".iso");
    }

    @Test
    void archivesInsideArchivesAndWhateverTheyAreCalled() throws Exception {
        byte[] inner = zip(false, "payload/app.dll", TEXT);
        assertThat(refused("report.pdf", zip(false, "nested.tar", tar("deeper.zip", inner))).getMessage()).contains(".dll");
        sent("archive.zip", zip(false, "a/b.txt", TEXT, "c.pdf", TEXT));
        sent("logs.tgz", gzip(null, tar("logs/app.log", TEXT)));
        sent("plain.txt", TEXT);
    }

    @Test
    void whatCannotBeCheckedIsRefusedOrSaidToGoOutUnchecked() throws Exception {
        // an encrypted entry's name is readable: a blocked one is refused, an archive inside is refused as Gmail does
        assertThat(refused("secret.zip", zip(true, "run.vbs", TEXT)).getMessage()).contains(".vbs");
        assertThat(refused("secret.zip", zip(true, "inner.zip", TEXT)).getMessage()).contains("password-protected archive");
        sent("secret.zip", zip(true, "contract.pdf", TEXT));
        // a format read here that cannot be read: refused, its content cannot be checked
        byte[] tgz = gzip(null, tar("a.txt", TEXT));
        assertThat(refused("cut.tgz", Arrays.copyOf(tgz, tgz.length / 2)).getMessage()).contains("cannot be decompressed");
        byte[] sevenZ = sevenZ("a.txt", TEXT);
        assertThat(refused("cut.7z", Arrays.copyOf(sevenZ, 40)).getMessage()).contains("7z archive but cannot be read");
        // RAR is not read here: it goes out, and the server decides
        sent("old.rar", "Rar!\u001a\u0007\u0001\u0000 not readable here".getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aZipBombIsRefusedOnceItUnpacksBeyondTheBudget() throws Exception {
        byte[] zeros = new byte[ArchiveContents.MAX_UNPACKED_BYTES / 4 + 1];
        byte[] bomb = zip(false, "a.bin", zeros, "b.bin", zeros, "c.bin", zeros, "d.bin", zeros, "e.zip",
                zip(false, "f.bin", zeros));
        assertThat(refused("bomb.zip", bomb).getMessage()).contains("unpacks to more than 64 MiB");
    }
}
