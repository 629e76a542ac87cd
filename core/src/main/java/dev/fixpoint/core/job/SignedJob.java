package dev.fixpoint.core.job;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Objects;

/**
 * A job with the server's Ed25519 signature over its {@linkplain JobEncoding#canonical canonical
 * encoding} (the JDK's own implementation, as for audit checkpoints).
 *
 * @param signature the 64-byte signature, base64 (standard alphabet, padded)
 */
public record SignedJob(Job job, String signature) {

    /** The length of an Ed25519 signature in bytes. */
    public static final int SIGNATURE_BYTES = 64;

    public SignedJob {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(signature, "signature");
    }

    public static SignedJob sign(Job job, PrivateKey key) throws GeneralSecurityException {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key);
        s.update(JobEncoding.canonical(job));
        return new SignedJob(job, Base64.getEncoder().encodeToString(s.sign()));
    }

    /**
     * Whether {@code signature} is {@code key}'s signature of this job. False for anything else: a
     * signature that is not base64, not 64 bytes, made by another key or over other bytes, or a key
     * that is not an Ed25519 key.
     */
    public boolean verify(PublicKey key) {
        try {
            byte[] sig = Base64.getDecoder().decode(signature);
            if (sig.length != SIGNATURE_BYTES) {
                return false;
            }
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(JobEncoding.canonical(job));
            return s.verify(sig);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
