package dev.fixpoint.core.risk;

import dev.fixpoint.core.signal.EpssScore;
import dev.fixpoint.core.signal.KevEntry;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The risk of one advisory on one asset.
 *
 * @param decision the SSVC deployer decision
 * @param score 0–100, for ordering within a decision
 * @param severity the severity shown to people (the vendor's rating where it gives one, else CVSS)
 * @param cvss the CVSS vector used, or null when none is known
 * @param epss the highest EPSS score among the advisory's CVEs, or null
 * @param kev the KEV entry of one of its CVEs, or null
 * @param factors how the decision and score came about
 */
public record RiskAssessment(
        Decision decision,
        int score,
        SeverityLevel severity,
        CvssScore cvss,
        EpssScore epss,
        KevEntry kev,
        List<Factor> factors) {

    public RiskAssessment {
        factors = List.copyOf(factors);
    }

    /** Most urgent first: decision, then score. */
    public static final Comparator<RiskAssessment> MOST_URGENT_FIRST = Comparator.comparing(RiskAssessment::decision)
            .reversed()
            .thenComparing(Comparator.comparingInt(RiskAssessment::score).reversed());

    /** One line per factor. */
    public String explain() {
        return decision.label() + " (score " + score + "): "
                + factors.stream().map(Factor::toString).collect(Collectors.joining("; "));
    }
}
