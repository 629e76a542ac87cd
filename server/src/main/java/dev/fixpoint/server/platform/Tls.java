package dev.fixpoint.server.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The server's TLS identity: a PKCS#12 key store in the data directory, generated on first start as
 * a self-signed ECDSA P-256 certificate (the JDK has no public API to issue a certificate, hence
 * Bouncy Castle's builder). Agents pin its SHA-256 fingerprint.
 */
public final class Tls {
    public static final String KEYSTORE = "server.p12";
    public static final String PASSWORD_FILE = "server.p12.password";
    private static final String ALIAS = "fixpoint";

    /** The key store, its password, the certificate, and whether it was just created. */
    public record Identity(Path keystore, char[] password, X509Certificate certificate, boolean created) {
        public String fingerprint() {
            return Tls.fingerprint(certificate);
        }
    }

    private Tls() {}

    /** Loads the identity from {@code dir}, generating it for {@code hostnames} if absent. */
    public static Identity loadOrCreate(Path dir, List<String> hostnames) throws IOException, GeneralSecurityException {
        Path ks = dir.resolve(KEYSTORE);
        Path pw = dir.resolve(PASSWORD_FILE);
        boolean created = false;
        if (!Files.exists(ks)) {
            Files.createDirectories(dir);
            secureDir(dir);
            byte[] raw = new byte[24];
            new SecureRandom().nextBytes(raw);
            char[] password =
                    Base64.getUrlEncoder().withoutPadding().encodeToString(raw).toCharArray();
            KeyStore store = selfSigned(hostnames, password);
            Path tmpKs = Files.createTempFile(dir, ".server", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmpKs, StandardOpenOption.TRUNCATE_EXISTING)) {
                store.store(out, password);
            }
            writeSecret(pw, new String(password));
            Files.move(tmpKs, ks, StandardCopyOption.ATOMIC_MOVE);
            created = true;
        }
        char[] password = Files.readString(pw, StandardCharsets.UTF_8).strip().toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, password);
        }
        X509Certificate cert = (X509Certificate) store.getCertificate(ALIAS);
        if (cert == null) {
            throw new GeneralSecurityException(ks + ": no certificate under alias \"" + ALIAS + "\"");
        }
        return new Identity(ks, password, cert, created);
    }

    static KeyStore selfSigned(List<String> hostnames, char[] password) throws GeneralSecurityException, IOException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        Instant now = Instant.now();
        String cn = hostnames.isEmpty() ? "localhost" : hostnames.get(0);
        X500Name name = new X500Name("CN=" + cn.replaceAll("[,=+<>#;\"\\\\]", "") + ",O=Fixpoint");
        List<GeneralName> sans = new ArrayList<>();
        for (String h : hostnames) {
            sans.add(
                    h.matches("[0-9.]+|[0-9a-fA-F:]+:[0-9a-fA-F:]*")
                            ? new GeneralName(GeneralName.iPAddress, h)
                            : new GeneralName(GeneralName.dNSName, h));
        }
        try {
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    name,
                    new BigInteger(128, new SecureRandom()),
                    Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(Duration.ofDays(3650))),
                    name,
                    kp.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(ALIAS, kp.getPrivate(), password, new X509Certificate[] {cert});
            return ks;
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign the certificate", e);
        }
    }

    /** SHA-256 of the certificate's DER encoding, upper-case hex pairs joined by colons. */
    public static String fingerprint(X509Certificate cert) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes a file readable by its owner only, created with those permissions (never widened later). */
    public static void writeSecret(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (posix(file)) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static void secureDir(Path dir) throws IOException {
        if (posix(dir)) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix")
                && !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }
}
