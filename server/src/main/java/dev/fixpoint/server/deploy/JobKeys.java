package dev.fixpoint.server.deploy;

import dev.fixpoint.server.audit.AuditKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Base64;

/**
 * The server's job-signing key: an Ed25519 pair of its own (not the audit key), created on first
 * start in the data directory. Agents pin the public half at enrollment and accept no job signed by
 * anything else.
 */
public final class JobKeys {
    public static final String PRIVATE = "job-signing.key";
    public static final String PUBLIC = "job-signing.pub";

    private final KeyPair pair;

    private JobKeys(KeyPair pair) {
        this.pair = pair;
    }

    public static JobKeys loadOrCreate(Path dir) throws IOException, GeneralSecurityException {
        return new JobKeys(AuditKeys.loadOrCreate(dir, PRIVATE, PUBLIC));
    }

    public KeyPair pair() {
        return pair;
    }

    /** The public key as agents pin it: {@code ed25519 <base64 X.509 SubjectPublicKeyInfo>}. */
    public String publicLine() {
        return "ed25519 " + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }
}
