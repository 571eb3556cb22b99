package io.mailpipe.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.mailpipe.config.BounceMailbox;
import io.mailpipe.config.MailpipeConfig;

/** The Jakarta Mail properties of a bounce mailbox's IMAP connection. */
class MailboxPropertiesTest {

    private static BounceMailbox mailbox(String entry) {
        return MailpipeConfig.parse("accounts: [{name: a, host: h, from: a@x.example}]\nbounces: [" + entry + "]",
                Map.<String, String>of()::get, "test.yaml").bounces().get(0);
    }

    @Test
    void plainImapRequiresStartTlsUnlessPlaintextLoginIsAllowed() {
        Properties strict = BouncePipeline.mailProperties(mailbox("{name: b, protocol: imap, host: h, username: u, password: p}"));
        assertThat(strict.getProperty("mail.imap.starttls.enable")).isEqualTo("true");
        assertThat(strict.getProperty("mail.imap.starttls.required")).isEqualTo("true");
        assertThat(strict.getProperty("mail.imap.ssl.checkserveridentity")).isEqualTo("true");
        assertThat(strict.get("mail.imap.ssl.socketFactory")).isInstanceOf(javax.net.ssl.SSLSocketFactory.class);
        Properties relaxed = BouncePipeline.mailProperties(mailbox(
                "{name: b, protocol: imap, allowPlaintextAuth: true, host: h, username: u, password: p}"));
        assertThat(relaxed.getProperty("mail.imap.starttls.required")).isNull();
    }

    @Test
    void imapsVerifiesCertificatesAndHostNamesWithoutFallback() {
        Properties p = BouncePipeline.mailProperties(mailbox("{name: b, host: h, username: u, password: p}"));
        assertThat(p.getProperty("mail.imaps.ssl.checkserveridentity")).isEqualTo("true");
        assertThat(p.getProperty("mail.imaps.socketFactory.fallback")).isEqualTo("false");
        assertThat(p.get("mail.imaps.ssl.socketFactory")).isInstanceOf(javax.net.ssl.SSLSocketFactory.class);
        assertThat(p.getProperty("mail.imaps.ssl.trust")).isNull();
    }
}
