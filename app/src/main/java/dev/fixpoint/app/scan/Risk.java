package dev.fixpoint.app.scan;

import dev.fixpoint.app.UserInputException;
import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.risk.AssetContext;
import dev.fixpoint.core.risk.Criticality;
import dev.fixpoint.core.risk.Exposure;
import dev.fixpoint.core.risk.Factor;
import dev.fixpoint.core.risk.RiskAssessment;
import dev.fixpoint.core.risk.RiskAssessor;
import dev.fixpoint.core.risk.SeverityLevel;

/** The scan's risk options, and the assessment of each advisory on the scanned asset. */
final class Risk {
    private final AssetContext asset;

    private Risk(AssetContext asset) {
        this.asset = asset;
    }

    static Risk of(String criticality, String exposure) {
        try {
            return new Risk(new AssetContext(
                    criticality == null ? AssetContext.DEFAULT.criticality() : Criticality.parse(criticality),
                    exposure == null ? AssetContext.DEFAULT.exposure() : Exposure.parse(exposure)));
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
    }

    static SeverityLevel threshold(String failOn) {
        try {
            return SeverityLevel.parseThreshold(failOn);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--fail-on: " + e.getMessage());
        }
    }

    static boolean atLeast(RiskView r, SeverityLevel threshold) {
        return SeverityLevel.valueOf(r.severity().toUpperCase(java.util.Locale.ROOT))
                .isAtLeast(threshold);
    }

    RiskView assess(Advisory a, Feeds.Loaded feeds) {
        RiskAssessor assessor =
                new RiskAssessor(feeds.feeds().epss(), feeds.feeds().kev(), cve -> feeds.feeds()
                        .enrichments()
                        .get(cve));
        RiskAssessment r = assessor.assess(a, asset);
        return new RiskView(
                r.severity().label(),
                r.decision().label(),
                r.decision().rank(),
                r.score(),
                r.cvss() == null
                        ? null
                        : new RiskView.Cvss(
                                r.cvss().version(), r.cvss().vector(), r.cvss().baseScore()),
                r.epss(),
                r.kev(),
                r.factors().stream().map(Factor::toString).toList());
    }
}
