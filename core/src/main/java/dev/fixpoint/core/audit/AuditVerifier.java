package dev.fixpoint.core.audit;

import java.security.PublicKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Verifies a log against its chain and its signed checkpoints. */
public final class AuditVerifier {

    private AuditVerifier() {}

    /**
     * The first problem, or empty when the chain is intact and every checkpoint is validly signed and
     * matches the record it names.
     */
    public static Optional<AuditChain.Broken> verify(
            List<AuditRecord> records, List<Checkpoint> checkpoints, PublicKey key) {
        Optional<AuditChain.Broken> chain = AuditChain.verify(records);
        if (chain.isPresent()) {
            return chain;
        }
        Map<Long, String> hashes = new HashMap<>();
        for (AuditRecord r : records) {
            hashes.put(r.seq(), r.hash());
        }
        for (Checkpoint c : checkpoints) {
            if (!c.verify(key)) {
                return Optional.of(new AuditChain.Broken(
                        c.seq(), "checkpoint at record " + c.seq() + " is not signed by this server's key"));
            }
            String h = hashes.get(c.seq());
            if (h == null) {
                return Optional.of(new AuditChain.Broken(
                        c.seq(),
                        "a signed checkpoint names record " + c.seq() + ", which the log no longer has (truncated)"));
            }
            if (!h.equals(c.hash())) {
                return Optional.of(new AuditChain.Broken(
                        c.seq(), "record " + c.seq() + " differs from the signed checkpoint (the log was rewritten)"));
            }
        }
        return Optional.empty();
    }
}
