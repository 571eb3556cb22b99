package io.mailpipe.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;

import io.mailpipe.outcome.ReasonCode;

class AttachmentPolicyTest {

    static byte[] zip(Object... nameThenContent) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < nameThenContent.length; i += 2) {
                zip.putNextEntry(new ZipEntry((String) nameThenContent[i]));
                Object content = nameThenContent[i + 1];
                zip.write(content instanceof byte[] b ? b : ((String) content).getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static CompositionException refused(AttachmentPolicy policy, AttachmentSpec... attachments) {
        try {
            policy.check(List.of(attachments));
        } catch (CompositionException e) {
            return e;
        }
        throw new AssertionError("expected the attachments to be refused");
    }

    @Test
    void everyGmailExtensionIsBlockedByDefaultInAnyCaseAndWithTrailingDots() {
        for (String ext : AttachmentPolicy.GMAIL_BLOCKED) {
            assertThat(AttachmentPolicy.DEFAULT.blockedExtension("file." + ext)).isEqualTo(ext);
        }
        assertThat(AttachmentPolicy.DEFAULT.blockedExtension("SETUP.EXE")).isEqualTo("exe");
        assertThat(AttachmentPolicy.DEFAULT.blockedExtension("setup.exe. ")).isEqualTo("exe");
        assertThat(AttachmentPolicy.DEFAULT.blockedExtension("dir/x.vbs")).isEqualTo("vbs");
        assertThat(AttachmentPolicy.DEFAULT.blockedExtension("report.pdf")).isNull();
        assertThat(AttachmentPolicy.DEFAULT.blockedExtension("exe")).isNull();
    }

    @Test
    void anExeIsRefusedNamingTheAttachment() {
        CompositionException e = refused(AttachmentPolicy.DEFAULT, new AttachmentSpec("a.pdf", null, new byte[1]),
                new AttachmentSpec("Счёт.exe", null, new byte[] {'M', 'Z'}));
        assertThat(e.reason()).isEqualTo(ReasonCode.BLOCKED_ATTACHMENT);
        assertThat(e.field()).isEqualTo("attachments[1].filename");
        assertThat(e.getMessage()).contains(".exe").doesNotContain("Счёт");
    }

    @Test
    void aZipHoldingAnExeIsRefusedWhateverItIsCalled() throws Exception {
        byte[] archive = zip("readme.txt", "hi", "tools/setup.EXE", new byte[] {'M', 'Z'});
        CompositionException e = refused(AttachmentPolicy.DEFAULT, new AttachmentSpec("photos.dat", null, archive));
        assertThat(e.reason()).isEqualTo(ReasonCode.BLOCKED_ATTACHMENT);
        assertThat(e.getMessage()).contains("zip").contains(".exe");
    }

    @Test
    void aZipInsideAZipIsLookedInto() throws Exception {
        byte[] inner = zip("run.bat", "@echo off");
        byte[] outer = zip("docs/a.txt", "x", "inner.zip", inner);
        assertThat(refused(AttachmentPolicy.DEFAULT, new AttachmentSpec("outer.zip", "application/zip", outer)).getMessage())
                .contains(".bat");
    }

    @Test
    void harmlessZipsAndUnreadableOnesAreTold() throws Exception {
        assertThatCode(() -> AttachmentPolicy.DEFAULT.check(List.of(
                new AttachmentSpec("photos.zip", null, zip("a.jpg", "x", "b.txt", "y"))))).doesNotThrowAnyException();
        byte[] truncated = java.util.Arrays.copyOf(zip("a.txt", "some text to compress"), 20);
        assertThat(refused(AttachmentPolicy.DEFAULT, new AttachmentSpec("x.zip", null, truncated)).getMessage())
                .contains("cannot be read");
    }

    @Test
    void theListIsConfigurablePerAccount() throws Exception {
        AttachmentPolicy custom = AttachmentPolicy.of(List.of(".PDF", "docm"));
        assertThat(refused(custom, new AttachmentSpec("invoice.pdf", null, new byte[1])).getMessage()).contains(".pdf");
        assertThatCode(() -> custom.check(List.of(new AttachmentSpec("setup.exe", null, new byte[1]))))
                .doesNotThrowAnyException();
        assertThatCode(() -> AttachmentPolicy.of(List.of()).check(List.of(new AttachmentSpec("setup.exe", null,
                zip("x.exe", "MZ"))))).doesNotThrowAnyException();
        assertThat(AttachmentPolicy.of(null)).isSameAs(AttachmentPolicy.DEFAULT);
    }
}
