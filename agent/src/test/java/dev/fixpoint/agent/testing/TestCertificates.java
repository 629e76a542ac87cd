package dev.fixpoint.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Self-signed server certificates made by the real {@code keytool}, as {@code fixpoint server} would have. */
public final class TestCertificates {
    private TestCertificates() {}

    public static final char[] PASSWORD = "changeit".toCharArray();

    /** A key pair and self-signed certificate in a PKCS#12 key store. */
    public record Cert(KeyStore keyStore, X509Certificate certificate) {
        /** SHA-256 of the DER certificate, lower-case hex without colons. */
        public String sha256() {
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A trust store holding only this certificate, for trust-on-first-use tests. */
        public KeyStore trustStore() throws GeneralSecurityException, IOException {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("server", certificate);
            return ts;
        }
    }

    /**
     * Runs {@code keytool -genkeypair} into {@code dir}.
     *
     * @param cn the subject's common name
     * @param san a {@code SAN=} extension value such as {@code dns:localhost,ip:127.0.0.1}, or null
     */
    public static Cert generate(Path dir, String cn, String san) throws Exception {
        Path file = Files.createTempFile(dir, "server", ".p12");
        Files.delete(file);
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + cn,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                file.toString(),
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD)));
        if (san != null) {
            cmd.addAll(List.of("-ext", "SAN=" + san));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD);
        }
        return new Cert(ks, (X509Certificate) ks.getCertificate("server"));
    }
}
