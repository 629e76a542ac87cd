package dev.fixpoint.core.signal;

import dev.fixpoint.core.advisory.Severity;
import java.util.List;
import java.util.Objects;

/**
 * What NVD (or another CVE database) adds to a CVE: CVSS vectors with who assigned them, and CWE
 * ids. Used to enrich advisories, never to decide whether a package is affected.
 */
public record CveEnrichment(String cveId, List<Severity> cvss, List<String> cwes) {
    public CveEnrichment {
        Objects.requireNonNull(cveId, "cveId");
        cvss = List.copyOf(cvss);
        cwes = List.copyOf(cwes);
    }
}
