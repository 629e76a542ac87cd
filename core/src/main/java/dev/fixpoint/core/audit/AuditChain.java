package dev.fixpoint.core.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Builds and checks the hash chain. Each record's hash is SHA-256 over the previous record's hash and
 * the record's canonical encoding: the sequence number, the time in microseconds since the epoch, the
 * actor, action and subject, and the details sorted by key — every string as its UTF-8 length (4
 * bytes, big-endian) then its bytes, so no two different records encode alike. Editing, deleting,
 * inserting or reordering records breaks the chain at the first record affected.
 */
public final class AuditChain {

    /** The previous hash of the first record. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {}

    /** The record that follows {@code previous} (null for the first). */
    public static AuditRecord next(
            AuditRecord previous,
            Instant time,
            String actor,
            String action,
            String subject,
            Map<String, String> details) {
        long seq = previous == null ? 1 : previous.seq() + 1;
        String prev = previous == null ? GENESIS : previous.hash();
        Instant t = time.truncatedTo(ChronoUnit.MICROS);
        AuditRecord unsigned = new AuditRecord(seq, t, actor, action, subject, details, prev, GENESIS);
        return new AuditRecord(seq, t, actor, action, subject, details, prev, hash(unsigned));
    }

    /** The hash a record should have, from its content and its previous hash. */
    public static String hash(AuditRecord r) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(HexFormat.of().parseHex(r.prevHash()));
            sha.update(canonical(r));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        } catch (IllegalArgumentException e) {
            return "invalid previous hash";
        }
    }

    static byte[] canonical(AuditRecord r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        writeLong(out, r.seq());
        Instant t = r.time();
        writeLong(out, t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000);
        writeString(out, r.actor());
        writeString(out, r.action());
        writeString(out, r.subject());
        writeLong(out, r.details().size());
        for (Map.Entry<String, String> e : r.details().entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
        return out.toByteArray();
    }

    /**
     * Checks records in sequence order. Returns the first broken one with the reason, or empty when the
     * chain is intact.
     */
    public static Optional<Broken> verify(Iterable<AuditRecord> records) {
        long expectedSeq = 1;
        String prev = GENESIS;
        for (AuditRecord r : records) {
            if (r.seq() != expectedSeq) {
                return Optional.of(new Broken(
                        r.seq(),
                        "expected record " + expectedSeq + " here, found " + r.seq()
                                + (r.seq() > expectedSeq
                                        ? " (records deleted)"
                                        : " (records out of order or repeated)")));
            }
            if (!r.prevHash().equals(prev)) {
                return Optional.of(new Broken(r.seq(), "its previous hash does not match record " + (r.seq() - 1)));
            }
            if (!hash(r).equals(r.hash())) {
                return Optional.of(new Broken(r.seq(), "its content does not match its hash (edited)"));
            }
            prev = r.hash();
            expectedSeq++;
        }
        return Optional.empty();
    }

    /** The first record that fails verification, and why. */
    public record Broken(long seq, String reason) {}

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeInt(out, b.length);
        out.write(b, 0, b.length);
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    private static void writeLong(ByteArrayOutputStream out, long v) {
        writeInt(out, (int) (v >>> 32));
        writeInt(out, (int) v);
    }
}
