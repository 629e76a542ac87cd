package dev.fixpoint.core.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One entry of the audit log.
 *
 * @param seq its position, from 1, without gaps
 * @param time when the change happened (kept to the microsecond, as databases store it)
 * @param actor who made it ({@code user:alice}, {@code agent:web01}, {@code system})
 * @param action what was done ({@code login.failed}, {@code token.create}, {@code feed.sync})
 * @param subject what it was done to, or empty
 * @param details further facts, sorted by key
 * @param prevHash the previous record's hash (64 hex digits; {@link AuditChain#GENESIS} for the first)
 * @param hash SHA-256 over the previous hash and this record's canonical encoding, in hex
 */
public record AuditRecord(
        long seq,
        Instant time,
        String actor,
        String action,
        String subject,
        Map<String, String> details,
        String prevHash,
        String hash) {

    public AuditRecord {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        subject = subject == null ? "" : subject;
        details = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(details));
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(hash, "hash");
    }
}
