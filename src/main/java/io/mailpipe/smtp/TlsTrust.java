package io.mailpipe.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import io.mailpipe.account.Account;

/**
 * Which TLS servers an account trusts: the one place every SMTP and IMAP client of mailpipe gets its TLS socket
 * factory from.
 * <ul>
 *   <li>Without {@code trustedCertificate}: the JVM's default trust (its {@code cacerts}, or whatever
 *       {@code javax.net.ssl.trustStore} names). A self-signed server is refused.</li>
 *   <li>With {@code trustedCertificate: /path/cert.pem}: the certificates in that PEM file, and only they, are
 *       trusted for this account (the server's own self-signed certificate, or the private CA that issued it). The
 *       JVM's CAs are not trusted in addition: an account that names its server's certificate is pinned to it.</li>
 * </ul>
 * Host names are verified twice: sockets the factory creates for a named host check it during the handshake
 * (endpoint identification {@code HTTPS}, RFC 2818 rules), and the mail clients check it again
 * ({@code mail.<protocol>.ssl.checkserveridentity=true}, set by every caller). A client that creates unconnected
 * sockets ({@code createSocket()}) must verify the host itself.
 */
public final class TlsTrust {

    /** Factories per trusted-certificate file, read once (a changed file needs a restart, like every setting). */
    private static final Map<Path, SSLSocketFactory> PINNED = new ConcurrentHashMap<>();

    private TlsTrust() {
    }

    /** The socket factory for TLS connections of this account (SMTP, IMAP): default trust, or its named certificate. */
    public static SSLSocketFactory socketFactory(Account account) {
        return socketFactory(account.trustedCertificate());
    }

    /**
     * The socket factory trusting the certificates of this PEM file only, or the JVM's default trust for null.
     *
     * @throws IllegalArgumentException when the file cannot be read or holds no certificate (the message says which)
     */
    public static SSLSocketFactory socketFactory(String trustedCertificate) {
        if (trustedCertificate == null || trustedCertificate.isBlank()) {
            try {
                return new HostVerifying(SSLContext.getDefault().getSocketFactory());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JVM has no default TLS context: " + e.getMessage(), e);
            }
        }
        Path file = Path.of(trustedCertificate.strip()).toAbsolutePath().normalize();
        return PINNED.computeIfAbsent(file, TlsTrust::pinnedFactory);
    }

    /**
     * The X.509 certificates of a PEM file ({@code -----BEGIN CERTIFICATE-----} blocks; DER works too).
     *
     * @throws IllegalArgumentException when it cannot be read or holds no certificate
     */
    public static List<X509Certificate> certificates(Path file) {
        Collection<? extends Certificate> read;
        try (InputStream in = Files.newInputStream(file)) {
            read = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " holds no readable certificate (expected PEM: -----BEGIN CERTIFICATE-----)");
        }
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate c : read) {
            if (c instanceof X509Certificate x) {
                out.add(x);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)");
        }
        return List.copyOf(out);
    }

    private static SSLSocketFactory pinnedFactory(Path file) {
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int i = 0;
            for (X509Certificate c : certificates(file)) {
                anchors.setCertificateEntry("trusted-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return new HostVerifying(context.getSocketFactory());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot build a TLS context trusting " + file + ": " + e.getMessage(), e);
        }
    }

    /** A socket factory whose sockets for a named host verify that the certificate names it, in the handshake. */
    private static final class HostVerifying extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        HostVerifying(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        private static java.net.Socket verifying(java.net.Socket socket) {
            if (socket instanceof javax.net.ssl.SSLSocket ssl) {
                javax.net.ssl.SSLParameters p = ssl.getSSLParameters();
                if (p.getEndpointIdentificationAlgorithm() == null || p.getEndpointIdentificationAlgorithm().isEmpty()) {
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    ssl.setSSLParameters(p);
                }
            }
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public java.net.Socket createSocket() throws IOException {
            return delegate.createSocket();
        }

        @Override
        public java.net.Socket createSocket(java.net.Socket s, String host, int port, boolean autoClose) throws IOException {
            return verifying(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws IOException {
            return verifying(delegate.createSocket(host, port));
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress localHost, int localPort) throws IOException {
            return verifying(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) throws IOException {
            return delegate.createSocket(host, port);
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress localAddress, int localPort)
                throws IOException {
            return delegate.createSocket(address, port, localAddress, localPort);
        }
    }

    /**
     * What to tell an operator about a TLS failure: the certificate is not trusted, or names another host, with what to
     * do; null when the failure is none of these.
     */
    public static String advice(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth++ < 20; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof java.security.cert.CertPathValidatorException || m.contains("PKIX path validation failed")) {
                return "the server's certificate chain is not valid (" + m.replaceAll("\\s+", " ") + "); the server needs a"
                        + " valid, unexpired certificate with a current signature algorithm";
            }
            if (t instanceof java.security.cert.CertPathBuilderException || m.contains("unable to find valid certification path")) {
                return "the server's certificate is not trusted (self-signed, or issued by a CA this JVM does not know);"
                        + " give the server a certificate from a public CA, or name its certificate or CA (PEM) in the"
                        + " account's trustedCertificate";
            }
            if (m.startsWith("Can't verify identity of server") || m.startsWith("Server is not trusted")
                    || m.contains("No subject alternative") || m.contains("No name matching")
                    || m.contains("doesn't match any of the subject alternative")) {
                return "the server's certificate does not name the host connected to (host name verification);"
                        + " connect to a host name the certificate names";
            }
            if (t instanceof jakarta.mail.MessagingException me && me.getNextException() != null && me.getCause() == null) {
                String next = advice(me.getNextException());
                if (next != null) {
                    return next;
                }
            }
        }
        return null;
    }
}
