package dev.fixpoint.server.audit;

import dev.fixpoint.server.platform.Tls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The server's Ed25519 keys: the one for audit checkpoints, and (through {@link #loadOrCreate(Path,
 * String, String)}) the one for job signatures: generated on first
 * start into the data directory, private key readable by its owner only. The public key is written
 * beside it and into every audit export, so an auditor can verify without the server.
 */
public final class AuditKeys {
    public static final String PRIVATE = "audit-signing.key";
    public static final String PUBLIC = "audit-signing.pub";

    private AuditKeys() {}

    public static KeyPair loadOrCreate(Path dir) throws IOException, GeneralSecurityException {
        return loadOrCreate(dir, PRIVATE, PUBLIC);
    }

    /**
     * An Ed25519 key pair kept as {@code dir/privateName} (owner-only) and {@code dir/publicName},
     * created on first use. Each purpose has its own pair (audit checkpoints, job signatures), so a
     * key is never asked to vouch for two kinds of message.
     */
    public static KeyPair loadOrCreate(Path dir, String privateName, String publicName)
            throws IOException, GeneralSecurityException {
        Path priv = dir.resolve(privateName);
        Path pub = dir.resolve(publicName);
        if (!Files.exists(priv)) {
            Files.createDirectories(dir);
            KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Tls.writeSecret(
                    priv, Base64.getEncoder().encodeToString(kp.getPrivate().getEncoded()) + "\n");
            Files.writeString(
                    pub, Base64.getEncoder().encodeToString(kp.getPublic().getEncoded()) + "\n");
            return kp;
        }
        KeyFactory kf = KeyFactory.getInstance("Ed25519");
        PrivateKey pk = kf.generatePrivate(new PKCS8EncodedKeySpec(
                Base64.getDecoder().decode(Files.readString(priv).strip())));
        return new KeyPair(publicKey(Files.readString(pub)), pk);
    }

    /** Reads a base64 X.509 Ed25519 public key, as written to {@link #PUBLIC} and exports. */
    public static PublicKey publicKey(String base64) throws GeneralSecurityException {
        try {
            return KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64.strip())));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("not a base64 Ed25519 public key: " + e.getMessage(), e);
        }
    }
}
