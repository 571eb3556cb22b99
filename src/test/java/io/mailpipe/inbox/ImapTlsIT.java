package io.mailpipe.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailpipe.config.BounceMailbox;
import io.mailpipe.testing.SelfSignedTls;
import io.mailpipe.testing.TlsTerminator;

/**
 * The bounce mailboxes' IMAP connections, made with the properties the bounce route uses, against real IMAP servers:
 * GreenMail's IMAPS (its own self-signed certificate, for no host name), GreenMail's plain IMAP (no STARTTLS), and
 * the plain IMAP behind implicit TLS with a localhost certificate made here.
 */
class ImapTlsIT {

    static final String USER = "bounces";
    static final String PASSWORD = "imap-tls-it-pw";

    static GreenMail mail;
    static SelfSignedTls localhost;
    static TlsTerminator imapsLocalhost;

    @BeforeAll
    static void start() throws Exception {
        mail = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAPS)});
        mail.start();
        mail.setUser("bounces@sandbox.test", USER, PASSWORD);
        localhost = SelfSignedTls.create("dns:localhost,ip:127.0.0.1");
        imapsLocalhost = new TlsTerminator(localhost.context(), mail.getImap().getPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (imapsLocalhost != null) {
            imapsLocalhost.close();
        }
        if (mail != null) {
            mail.stop();
        }
    }

    static BounceMailbox mailbox(String protocol, int port, String trustedCertificate, boolean allowPlaintextAuth) {
        return BounceMailbox.resolve(List.of(new BounceMailbox.Settings("m", protocol, "localhost", port, USER, PASSWORD,
                null, null, null, null, Duration.ofSeconds(1), trustedCertificate, allowPlaintextAuth))).get(0);
    }

    /** Connects as the bounce route does: its properties, host, port and login. */
    static void connect(BounceMailbox m) throws MessagingException {
        Store store = Session.getInstance(BouncePipeline.mailProperties(m)).getStore(m.protocol());
        store.connect(m.host(), m.port(), m.username(), m.password());
        try {
            assertThat(store.getFolder("INBOX").exists()).isTrue();
        } finally {
            store.close();
        }
    }

    @Test
    void aSelfSignedImapsServerIsRefusedWithAdvice() {
        assertThatThrownBy(() -> connect(mailbox("imaps", mail.getImaps().getPort(), null, false)))
                .satisfies(e -> assertThat(MailboxPollFailures.describe(e))
                        .contains("certificate is not trusted").contains("trustedCertificate")
                        .doesNotContain(PASSWORD));
    }

    @Test
    void theNamedCertificateIsTrusted() throws Exception {
        assertThatThrownBy(() -> connect(mailbox("imaps", imapsLocalhost.port(), null, false)))
                .satisfies(e -> assertThat(MailboxPollFailures.describe(e)).contains("certificate is not trusted"));
        connect(mailbox("imaps", imapsLocalhost.port(), localhost.certificate().toString(), false));
    }

    @Test
    void aTrustedCertificateThatDoesNotNameTheHostIsRefused() throws Exception {
        SelfSignedTls other = SelfSignedTls.create("dns:other.example");
        try (TlsTerminator imapsOther = new TlsTerminator(other.context(), mail.getImap().getPort())) {
            assertThatThrownBy(() -> connect(mailbox("imaps", imapsOther.port(), other.certificate().toString(), false)))
                    .satisfies(e -> assertThat(MailboxPollFailures.describe(e)).contains("does not name the host"));
        }
    }

    @Test
    void greenMailsOwnCertificateIsRefusedEvenWhenNamed() throws Exception {
        // GreenMail's bundled certificate names no host: trusting it does not turn off host name verification
        Path greenmailCert = Files.createTempFile("greenmail", ".pem");
        Files.writeString(greenmailCert, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(presentedCertificate(mail.getImaps().getPort()))
                + "\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> connect(mailbox("imaps", mail.getImaps().getPort(), greenmailCert.toString(), false)))
                .satisfies(e -> assertThat(MailboxPollFailures.describe(e)).startsWith("TLS failed"));
    }

    /** The certificate a TLS server presents (read without checking it). */
    static byte[] presentedCertificate(int port) throws Exception {
        javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
        trustAll.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) trustAll.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return socket.getSession().getPeerCertificates()[0].getEncoded();
        }
    }

    @Test
    void plainImapRequiresStartTlsUnlessPlaintextLoginIsAllowed() throws Exception {
        assertThatThrownBy(() -> connect(mailbox("imap", mail.getImap().getPort(), null, false)))
                .satisfies(e -> assertThat(MailboxPollFailures.describe(e)).contains("does not offer STARTTLS")
                        .contains("allowPlaintextAuth"));
        connect(mailbox("imap", mail.getImap().getPort(), null, true));
    }
}
