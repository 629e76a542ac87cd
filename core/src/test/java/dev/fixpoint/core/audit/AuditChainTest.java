package dev.fixpoint.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    static List<AuditRecord> chain(int n) {
        List<AuditRecord> out = new ArrayList<>();
        AuditRecord prev = null;
        for (int i = 0; i < n; i++) {
            prev = AuditChain.next(
                    prev,
                    Instant.parse("2026-11-28T10:00:00.123456789Z").plusSeconds(i),
                    "user:alice",
                    i % 2 == 0 ? "login" : "token.create",
                    "user:alice",
                    Map.of("ip", "192.0.2." + i, "agent", "curl"));
            out.add(prev);
        }
        return out;
    }

    static AuditRecord with(AuditRecord r, String action) {
        return new AuditRecord(r.seq(), r.time(), r.actor(), action, r.subject(), r.details(), r.prevHash(), r.hash());
    }

    @Test
    void anIntactChainVerifies() {
        List<AuditRecord> log = chain(5);
        assertThat(AuditChain.verify(log)).isEmpty();
        assertThat(log.get(0).prevHash()).isEqualTo(AuditChain.GENESIS);
        assertThat(log.get(1).prevHash()).isEqualTo(log.get(0).hash());
        assertThat(log.get(0).hash()).hasSize(64).isNotEqualTo(log.get(1).hash());
        assertThat(log.get(0).time().getNano() % 1000).isZero(); // kept to the microsecond
    }

    @Test
    void anEditIsFoundAtTheEditedRecord() {
        List<AuditRecord> log = new ArrayList<>(chain(5));
        log.set(2, with(log.get(2), "user.delete"));
        assertThat(AuditChain.verify(log)).hasValueSatisfying(b -> {
            assertThat(b.seq()).isEqualTo(3);
            assertThat(b.reason()).contains("edited");
        });
    }

    @Test
    void aDeletionIsFound() {
        List<AuditRecord> log = new ArrayList<>(chain(5));
        log.remove(2);
        assertThat(AuditChain.verify(log)).hasValueSatisfying(b -> {
            assertThat(b.seq()).isEqualTo(4);
            assertThat(b.reason()).contains("deleted");
        });
    }

    @Test
    void aReorderingIsFound() {
        List<AuditRecord> log = new ArrayList<>(chain(5));
        Collections.swap(log, 1, 3);
        assertThat(AuditChain.verify(log))
                .hasValueSatisfying(b -> assertThat(b.seq()).isEqualTo(4));
    }

    @Test
    void fieldBoundariesCannotBeShifted() {
        // "ab"+"c" and "a"+"bc" must not encode alike.
        AuditRecord a = AuditChain.next(null, Instant.EPOCH, "ab", "c", "", Map.of());
        AuditRecord b = AuditChain.next(null, Instant.EPOCH, "a", "bc", "", Map.of());
        assertThat(a.hash()).isNotEqualTo(b.hash());
    }

    @Test
    void signedCheckpointsCatchARewrittenOrTruncatedLog() throws Exception {
        KeyPair server = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        List<AuditRecord> log = chain(5);
        Checkpoint cp = Checkpoint.sign(log.get(4), Instant.parse("2026-11-28T11:00:00Z"), server.getPrivate());
        assertThat(AuditVerifier.verify(log, List.of(cp), server.getPublic())).isEmpty();
        assertThat(cp.verify(other.getPublic())).isFalse();

        // Rewritten from record 3 on, every hash recomputed: the chain is intact, the checkpoint is not.
        List<AuditRecord> rewritten = new ArrayList<>(log.subList(0, 2));
        AuditRecord prev = rewritten.get(1);
        for (int i = 2; i < 5; i++) {
            prev = AuditChain.next(prev, log.get(i).time(), "user:mallory", "login", "", Map.of());
            rewritten.add(prev);
        }
        assertThat(AuditChain.verify(rewritten)).isEmpty();
        assertThat(AuditVerifier.verify(rewritten, List.of(cp), server.getPublic()))
                .hasValueSatisfying(b -> assertThat(b.reason()).contains("rewritten"));

        assertThat(AuditVerifier.verify(log.subList(0, 3), List.of(cp), server.getPublic()))
                .hasValueSatisfying(b -> assertThat(b.reason()).contains("truncated"));

        Checkpoint forged = new Checkpoint(cp.seq(), cp.hash(), cp.time().plusSeconds(1), cp.signature());
        assertThat(AuditVerifier.verify(log, List.of(forged), server.getPublic()))
                .hasValueSatisfying(b -> assertThat(b.reason()).contains("not signed"));
    }
}
