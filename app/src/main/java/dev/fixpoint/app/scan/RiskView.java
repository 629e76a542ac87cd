package dev.fixpoint.app.scan;

import dev.fixpoint.core.signal.EpssScore;
import dev.fixpoint.core.signal.KevEntry;
import java.util.List;

/**
 * What a scan prints about the risk of one finding: the parts of a risk assessment the output formats
 * need, flattened so each format reads the same values.
 *
 * @param severity the severity level, lower case ({@code critical} ... {@code none}, {@code unknown})
 * @param decision the SSVC-style decision label ({@code immediate}, {@code out-of-cycle}, ...)
 * @param decisionRank larger is more urgent
 * @param score 0–100
 * @param cvss the CVSS vector that decided the severity, or null
 * @param epss the highest EPSS score among the advisory's CVEs, or null
 * @param kev the CISA KEV entry of one of its CVEs, or null
 * @param factors what produced the decision and score, in words
 */
public record RiskView(
        String severity,
        String decision,
        int decisionRank,
        int score,
        Cvss cvss,
        EpssScore epss,
        KevEntry kev,
        List<String> factors) {

    public RiskView {
        factors = List.copyOf(factors);
    }

    /** A CVSS vector with its version and base score. */
    public record Cvss(String version, String vector, double baseScore) {}
}
