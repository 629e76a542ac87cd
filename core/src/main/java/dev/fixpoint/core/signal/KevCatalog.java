package dev.fixpoint.core.signal;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A CISA KEV catalogue: its version and release time and its entries by CVE id.
 *
 * @param catalogVersion as published ({@code 2025.08.25}), or null
 * @param released as published, or null
 */
public record KevCatalog(String catalogVersion, Instant released, Map<String, KevEntry> entries) {

    public KevCatalog {
        entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    public static KevCatalog empty() {
        return new KevCatalog(null, null, Map.of());
    }

    public Optional<KevEntry> get(String cveId) {
        return Optional.ofNullable(entries.get(cveId));
    }

    public Collection<KevEntry> all() {
        return entries.values();
    }

    public int size() {
        return entries.size();
    }
}
