package dev.fixpoint.core.signal;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * One entry of CISA's Known Exploited Vulnerabilities catalogue.
 *
 * @param knownRansomwareUse true when CISA marks the CVE as "Known" to be used in ransomware campaigns
 */
public record KevEntry(
        String cveId,
        String vendorProject,
        String product,
        String vulnerabilityName,
        LocalDate dateAdded,
        String shortDescription,
        String requiredAction,
        LocalDate dueDate,
        boolean knownRansomwareUse,
        String notes,
        List<String> cwes) {

    public KevEntry {
        Objects.requireNonNull(cveId, "cveId");
        cwes = List.copyOf(cwes);
    }
}
