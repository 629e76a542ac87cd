package dev.fixpoint.core.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Objects;

/**
 * A signed statement that the audit log had {@code seq} records ending in {@code hash} at {@code
 * time}. Signed with the server's Ed25519 key (the JDK's own implementation), a checkpoint makes
 * truncating the log or rewriting it whole (recomputing every hash) detectable too: the rewritten chain
 * no longer ends in a signed hash.
 *
 * @param signature base64 Ed25519 signature over {@code "fixpoint-audit-checkpoint\n" + seq + "\n" + hash
 *     + "\n" + time}
 */
public record Checkpoint(long seq, String hash, Instant time, String signature) {

    public Checkpoint {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(signature, "signature");
    }

    /** Signs the state after {@code last}. */
    public static Checkpoint sign(AuditRecord last, Instant time, PrivateKey key) throws GeneralSecurityException {
        Instant t = time.truncatedTo(ChronoUnit.MICROS);
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key);
        s.update(message(last.seq(), last.hash(), t));
        return new Checkpoint(last.seq(), last.hash(), t, Base64.getEncoder().encodeToString(s.sign()));
    }

    /** Whether the signature is the server's. */
    public boolean verify(PublicKey key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(message(seq, hash, time));
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] message(long seq, String hash, Instant time) {
        return ("fixpoint-audit-checkpoint\n" + seq + "\n" + hash + "\n" + time).getBytes(StandardCharsets.UTF_8);
    }
}
