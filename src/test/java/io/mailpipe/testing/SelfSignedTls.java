package io.mailpipe.testing;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A TLS server identity made at test time with the JDK's keytool: a fresh self-signed certificate (RSA 2048, valid two
 * days) in a temporary PKCS12 store, and its certificate as PEM for a client to trust. Test-only: nothing is committed.
 *
 * @param context     server context presenting the certificate
 * @param certificate the certificate as a PEM file (what an account's {@code trustedCertificate} names)
 */
public record SelfSignedTls(SSLContext context, Path certificate) {

    /** A certificate for localhost and 127.0.0.1. */
    public static SSLContext serverContext() throws Exception {
        return create("dns:localhost,ip:127.0.0.1").context();
    }

    /** A certificate whose subject alternative names are {@code san} (keytool syntax, e.g. {@code dns:other.example}). */
    public static SelfSignedTls create(String san) throws Exception {
        Path dir = Files.createTempDirectory("mailpipe-tls");
        Path store = dir.resolve("server.p12");
        Path pem = dir.resolve("server.pem");
        String password = "changeit";
        keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + san.replaceAll("^[a-z]+:", "").replaceAll(",.*", ""), "-ext", "SAN=" + san,
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", password);
        keytool(dir, "-exportcert", "-rfc", "-alias", "server", "-keystore", store.toString(), "-storepass", password,
                "-file", pem.toString());
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, password.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, password.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return new SelfSignedTls(context, pem);
    }

    private static void keytool(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Path out = dir.resolve("keytool.out");
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed; see " + out);
        }
    }
}
