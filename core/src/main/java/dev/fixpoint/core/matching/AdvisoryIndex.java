package dev.fixpoint.core.matching;

import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.advisory.Affected;
import dev.fixpoint.core.platform.Ecosystem;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Advisories indexed by (ecosystem match key, package name), each affected entry compiled once.
 * Withdrawn advisories are never indexed. An advisory is identified by its source and id together
 * ({@link #identity}): an OSV record and a CSAF document may carry the same id (SUSE and Red Hat
 * publish both) and must not replace each other. Adding an advisory whose identity is already present
 * replaces it, and {@link #put} returns the keys whose verdicts may have changed, so only those need
 * re-evaluating.
 *
 * <p>Reads may run concurrently with each other and with writes (each key's list is replaced
 * atomically); writes must not run concurrently with each other.
 */
public final class AdvisoryIndex {

    private final Map<String, List<CompiledAffected>> byKey = new ConcurrentHashMap<>();
    private final Map<String, Advisory> byId = new ConcurrentHashMap<>();

    public static AdvisoryIndex of(Iterable<Advisory> advisories) {
        AdvisoryIndex index = new AdvisoryIndex();
        for (Advisory a : advisories) {
            index.put(a);
        }
        return index;
    }

    /** What identifies an advisory in the index: its source and its id. */
    public static String identity(Advisory advisory) {
        return advisory.source() + '\u0000' + advisory.id();
    }

    /** The index key of a package name in an ecosystem. */
    public static String key(Ecosystem ecosystem, String name) {
        return ecosystem.matchKey() + '\u0000' + ecosystem.matchName(name);
    }

    /**
     * Adds or replaces an advisory (by {@link #identity}). A withdrawn advisory removes the earlier version, if any.
     *
     * @return the keys whose verdicts may have changed: those of the old and of the new version
     */
    public Set<String> put(Advisory advisory) {
        Set<String> touched = new LinkedHashSet<>();
        String identity = identity(advisory);
        Advisory old = byId.remove(identity);
        if (old != null) {
            for (Affected a : old.affected()) {
                for (String k : keys(a)) {
                    touched.add(k);
                    byKey.computeIfPresent(k, (key, list) -> {
                        List<CompiledAffected> kept = new ArrayList<>(list);
                        kept.removeIf(c -> identity(c.advisory()).equals(identity));
                        return kept.isEmpty() ? null : List.copyOf(kept);
                    });
                }
            }
        }
        if (advisory.isWithdrawn()) {
            return touched;
        }
        byId.put(identity, advisory);
        for (Affected a : advisory.affected()) {
            CompiledAffected compiled = CompiledAffected.compile(advisory, a);
            for (String k : keys(a)) {
                touched.add(k);
                byKey.merge(k, List.of(compiled), (x, y) -> {
                    List<CompiledAffected> merged = new ArrayList<>(x.size() + 1);
                    merged.addAll(x);
                    merged.addAll(y);
                    return List.copyOf(merged);
                });
            }
        }
        return touched;
    }

    /**
     * The keys an entry is found under: its package, and for Debian and Ubuntu also the binary
     * packages the advisory lists as built from that source (Ubuntu's {@code binaries}), so that an
     * installed binary whose source package the inventory does not name (an SBOM without {@code
     * upstream}) still meets it.
     */
    static Set<String> keys(Affected a) {
        Set<String> keys = new LinkedHashSet<>();
        keys.add(key(a.pkg().ecosystem(), a.pkg().name()));
        Ecosystem.Family f = a.pkg().ecosystem().family();
        if (f == Ecosystem.Family.DEBIAN || f == Ecosystem.Family.UBUNTU) {
            for (String b : a.binaries()) {
                keys.add(key(a.pkg().ecosystem(), b));
            }
        }
        return keys;
    }

    /** The compiled entries under one key, in insertion order (empty when none). */
    List<CompiledAffected> entries(String key) {
        return byKey.getOrDefault(key, List.of());
    }

    /** The number of indexed (not withdrawn) advisories. */
    public int advisoryCount() {
        return byId.size();
    }

    /** The number of distinct (ecosystem, package) keys. */
    public int keyCount() {
        return byKey.size();
    }

    public Collection<Advisory> advisories() {
        return byId.values();
    }
}
