package dev.fixpoint.core.advisory;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A security advisory in Fixpoint's canonical, OSV-shaped model. Every feed reader (OSV, CSAF,
 * distribution trackers) maps its documents onto this record; matching and risk read only this.
 *
 * @param id the advisory's own id ({@code DSA-5678-1}, {@code ALSA-2024:1234}, {@code GHSA-...},
 *     {@code CVE-2024-1234})
 * @param source where it came from, for evidence: the feed kind and publisher, e.g. {@code OSV},
 *     {@code CSAF Red Hat}
 * @param origin the file, archive entry or URL it was read from, or null
 * @param aliases other ids of the same vulnerability (CVE ids first where the source gives them)
 * @param related ids of related but not identical records
 * @param summary one line, may be null
 * @param details longer text, may be null
 * @param severities as published (CVSS vectors and vendor ratings)
 * @param published may be null
 * @param modified may be null
 * @param withdrawn non-null when the publisher withdrew the advisory; withdrawn advisories never match
 * @param affected the packages and versions it concerns
 * @param references links
 * @param cwes CWE ids ({@code CWE-79}) where the source gives them
 */
public record Advisory(
        String id,
        String source,
        String origin,
        List<String> aliases,
        List<String> related,
        String summary,
        String details,
        List<Severity> severities,
        Instant published,
        Instant modified,
        Instant withdrawn,
        List<Affected> affected,
        List<Reference> references,
        List<String> cwes) {

    public Advisory {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        aliases = List.copyOf(aliases);
        related = List.copyOf(related);
        severities = List.copyOf(severities);
        affected = List.copyOf(affected);
        references = List.copyOf(references);
        cwes = List.copyOf(cwes);
    }

    public boolean isWithdrawn() {
        return withdrawn != null;
    }

    /** The CVE ids this advisory is about: its own id if it is one, then CVE aliases, in order. */
    public List<String> cveIds() {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        if (isCveId(id)) {
            out.add(id);
        }
        for (String a : aliases) {
            if (isCveId(a)) {
                out.add(a);
            }
        }
        // Distribution advisories often list the CVEs they fix only as "related" (Ubuntu USNs).
        if (out.isEmpty()) {
            for (String r : related) {
                if (isCveId(r)) {
                    out.add(r);
                }
            }
        }
        return List.copyOf(out);
    }

    static boolean isCveId(String s) {
        return s.startsWith("CVE-") && s.length() > 9;
    }
}
