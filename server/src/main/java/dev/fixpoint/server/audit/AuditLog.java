package dev.fixpoint.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fixpoint.core.audit.AuditChain;
import dev.fixpoint.core.audit.AuditRecord;
import dev.fixpoint.core.audit.AuditVerifier;
import dev.fixpoint.core.audit.Checkpoint;
import dev.fixpoint.server.platform.Micros;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The audit log in the database. {@link #append} takes the caller's {@link Handle}, so the record is
 * written in the same transaction as the change it records: both commit or neither does. Appends are
 * serialised by the database (PostgreSQL: a transaction-scoped advisory lock; SQLite: its single
 * writer, taken at the start of the transaction), so the chain never forks.
 */
public final class AuditLog {

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final long LOCK_KEY = 0x6669787061756469L; // "fixpaudi"

    private final Jdbi jdbi;
    private final boolean sqlite;
    private final Clock clock;

    public AuditLog(Jdbi jdbi, boolean sqlite, Clock clock) {
        this.jdbi = jdbi;
        this.sqlite = sqlite;
        this.clock = clock;
    }

    /** Appends a record within the caller's transaction. */
    public AuditRecord append(Handle h, String actor, String action, String subject, Map<String, String> details) {
        if (!sqlite) {
            h.execute("SELECT pg_advisory_xact_lock(?)", LOCK_KEY);
        }
        AuditRecord last = h.createQuery("SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1")
                .map((rs, ctx) -> read(rs))
                .findOne()
                .orElse(null);
        AuditRecord next = AuditChain.next(last, clock.instant(), actor, action, subject, details);
        h.createUpdate("INSERT INTO audit_log (seq, time_micros, actor, action, subject, details, prev_hash, hash)"
                        + " VALUES (:seq, :time, :actor, :action, :subject, :details, :prev, :hash)")
                .bind("seq", next.seq())
                .bind("time", Micros.of(next.time()))
                .bind("actor", next.actor())
                .bind("action", next.action())
                .bind("subject", next.subject())
                .bind("details", json(next.details()))
                .bind("prev", next.prevHash())
                .bind("hash", next.hash())
                .execute();
        return next;
    }

    /** Appends a record in a transaction of its own. */
    public AuditRecord append(String actor, String action, String subject, Map<String, String> details) {
        return jdbi.inTransaction(h -> append(h, actor, action, subject, details));
    }

    /** Signs the current end of the log and stores the checkpoint; empty when the log is empty. */
    public Optional<Checkpoint> checkpoint(PrivateKey key) {
        return jdbi.inTransaction(h -> {
            Optional<AuditRecord> last = h.createQuery("SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1")
                    .map((rs, ctx) -> read(rs))
                    .findOne();
            if (last.isEmpty()) {
                return Optional.empty();
            }
            Optional<Checkpoint> existing = h.createQuery("SELECT * FROM audit_checkpoint WHERE seq = :s")
                    .bind("s", last.get().seq())
                    .map((rs, ctx) -> new Checkpoint(
                            rs.getLong("seq"),
                            rs.getString("hash"),
                            Micros.instant(rs.getLong("time_micros")),
                            rs.getString("signature")))
                    .findOne();
            if (existing.isPresent()) {
                return existing; // nothing appended since the last checkpoint
            }
            Checkpoint c;
            try {
                c = Checkpoint.sign(last.get(), clock.instant(), key);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign an audit checkpoint", e);
            }
            h.createUpdate("INSERT INTO audit_checkpoint (seq, hash, time_micros, signature)"
                            + " VALUES (:seq, :hash, :time, :sig)")
                    .bind("seq", c.seq())
                    .bind("hash", c.hash())
                    .bind("time", Micros.of(c.time()))
                    .bind("sig", c.signature())
                    .execute();
            return Optional.of(c);
        });
    }

    public List<AuditRecord> records() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM audit_log ORDER BY seq")
                .map((rs, ctx) -> read(rs))
                .list());
    }

    public List<Checkpoint> checkpoints() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM audit_checkpoint ORDER BY seq")
                .map((rs, ctx) -> new Checkpoint(
                        rs.getLong("seq"),
                        rs.getString("hash"),
                        Micros.instant(rs.getLong("time_micros")),
                        rs.getString("signature")))
                .list());
    }

    /** The first broken record and why, or empty when the stored log is intact. */
    public Optional<AuditChain.Broken> verify(PublicKey key) {
        return AuditVerifier.verify(records(), checkpoints(), key);
    }

    private static AuditRecord read(java.sql.ResultSet rs) throws java.sql.SQLException {
        Map<String, String> details;
        try {
            details = JSON.readValue(rs.getString("details"), new TypeReference<TreeMap<String, String>>() {});
        } catch (JsonProcessingException e) {
            // Unreadable details were tampered with: keep the text so verification reports the record.
            details = Map.of("unreadable", rs.getString("details"));
        }
        return new AuditRecord(
                rs.getLong("seq"),
                Micros.instant(rs.getLong("time_micros")),
                rs.getString("actor"),
                rs.getString("action"),
                rs.getString("subject"),
                details,
                rs.getString("prev_hash"),
                rs.getString("hash"));
    }

    private static String json(Map<String, String> details) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(details));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
