package dev.fixpoint.core.risk;

import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.advisory.Severity;
import dev.fixpoint.core.signal.CveEnrichment;
import dev.fixpoint.core.signal.EpssScore;
import dev.fixpoint.core.signal.EpssSet;
import dev.fixpoint.core.signal.KevCatalog;
import dev.fixpoint.core.signal.KevEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Turns an advisory, the exploitation signals and the asset's context into an SSVC deployer decision
 * and a 0–100 score (the rules and a worked example are in {@code docs/risk.md}). Stateless and
 * thread-safe.
 */
public final class RiskAssessor {

    /** EPSS probability from which exploitation counts as "public PoC" (SSVC exploitation: poc). */
    public static final double EPSS_POC = 0.10;

    private final EpssSet epss;
    private final KevCatalog kev;
    private final Function<String, CveEnrichment> nvd;

    public RiskAssessor(EpssSet epss, KevCatalog kev, Function<String, CveEnrichment> nvd) {
        this.epss = epss;
        this.kev = kev;
        this.nvd = nvd;
    }

    enum Exploitation {
        NONE,
        POC,
        ACTIVE
    }

    enum Impact {
        LOW,
        MEDIUM,
        HIGH,
        VERY_HIGH
    }

    public RiskAssessment assess(Advisory advisory, AssetContext asset) {
        List<Factor> factors = new ArrayList<>();
        List<String> cves = advisory.cveIds();

        // Severity and CVSS: the advisory's own vectors first, then NVD's for its CVEs.
        CvssScore cvss = null;
        String cvssFrom = null;
        SeverityLevel vendor = SeverityLevel.UNKNOWN;
        String vendorWord = null;
        for (Severity s : advisory.severities()) {
            if (s.isCvss()) {
                CvssScore c = score(s.score(), factors);
                if (c != null && better(c, cvss)) {
                    cvss = c;
                    cvssFrom = advisory.id();
                }
            } else if (vendor == SeverityLevel.UNKNOWN) {
                SeverityLevel v = SeverityLevel.ofVendor(s.score());
                if (v != SeverityLevel.UNKNOWN) {
                    vendor = v;
                    vendorWord = s.score();
                }
            }
        }
        if (cvss == null) {
            for (String cve : cves) {
                CveEnrichment e = nvd.apply(cve);
                if (e == null) {
                    continue;
                }
                CvssScore best = null;
                for (Severity s : e.cvss()) {
                    CvssScore c = score(s.score(), factors);
                    if (c != null && better(c, best)) {
                        best = c;
                    }
                }
                if (best != null && (cvss == null || best.baseScore() > cvss.baseScore())) {
                    cvss = best;
                    cvssFrom = "NVD " + cve;
                }
            }
        }
        SeverityLevel severity;
        if (vendor != SeverityLevel.UNKNOWN) {
            severity = vendor;
            factors.add(new Factor("severity", vendor.label(), "the publisher rates it \"" + vendorWord + "\""));
        } else if (cvss != null) {
            severity = cvss.severity();
            factors.add(new Factor("severity", severity.label(), "CVSS " + cvss.version() + " base score"));
        } else {
            severity = SeverityLevel.UNKNOWN;
            factors.add(new Factor("severity", "unknown", "no CVSS vector or vendor rating in the advisory or NVD"));
        }
        if (cvss != null) {
            factors.add(new Factor(
                    "cvss",
                    format(cvss.baseScore()),
                    "CVSS " + cvss.version() + " " + cvss.vector() + " from " + cvssFrom));
        }

        // Exploitation: KEV is active exploitation; a high EPSS probability stands for a public PoC.
        KevEntry kevEntry = null;
        EpssScore bestEpss = null;
        for (String cve : cves) {
            if (kevEntry == null) {
                kevEntry = kev.get(cve).orElse(null);
            }
            EpssScore s = epss.get(cve).orElse(null);
            if (s != null && (bestEpss == null || s.probability() > bestEpss.probability())) {
                bestEpss = s;
            }
        }
        Exploitation exploitation;
        if (kevEntry != null) {
            exploitation = Exploitation.ACTIVE;
            factors.add(new Factor(
                    "kev",
                    kevEntry.cveId(),
                    "in CISA KEV since " + kevEntry.dateAdded() + ", due " + kevEntry.dueDate()
                            + (kevEntry.knownRansomwareUse() ? ", used by ransomware" : "")));
        } else if (bestEpss != null && bestEpss.probability() >= EPSS_POC) {
            exploitation = Exploitation.POC;
        } else {
            exploitation = Exploitation.NONE;
        }
        if (bestEpss != null) {
            factors.add(new Factor(
                    "epss",
                    format(bestEpss.probability()),
                    bestEpss.cveId() + ": " + percent(bestEpss.probability()) + " chance of exploitation in 30 days"
                            + (Double.isNaN(bestEpss.percentile())
                                    ? ""
                                    : ", percentile " + percent(bestEpss.percentile()))));
        } else if (!cves.isEmpty()) {
            factors.add(new Factor("epss", "unknown", "no EPSS score for " + String.join(", ", cves)));
        }
        factors.add(new Factor(
                "exploitation",
                label(exploitation),
                switch (exploitation) {
                    case ACTIVE -> "known exploited (CISA KEV)";
                    case POC -> "EPSS at or above " + percent(EPSS_POC);
                    case NONE -> "not in KEV, EPSS below " + percent(EPSS_POC);
                }));

        boolean automatable = cvss != null && cvss.automatable();
        factors.add(new Factor(
                "automatable",
                automatable ? "yes" : "no",
                cvss == null
                        ? "no CVSS vector to tell"
                        : automatable
                                ? "network, no privileges, no user interaction"
                                : "the vector needs access, privileges or a user"));
        factors.add(new Factor("exposure", label(asset.exposure()), "the asset's exposure"));
        factors.add(new Factor("criticality", label(asset.criticality()), "the asset's criticality"));

        Impact impact = impact(asset.criticality(), severity);
        factors.add(new Factor(
                "impact",
                label(impact),
                "from criticality " + label(asset.criticality()) + " and severity " + severity.label()));

        Decision decision = decide(exploitation, automatable, asset.exposure(), impact);
        int score = score(cvss, severity, bestEpss, kevEntry != null, asset);
        factors.add(new Factor("score", Integer.toString(score), "45% severity, 25% EPSS, 15% KEV, 15% asset"));
        return new RiskAssessment(decision, score, severity, cvss, bestEpss, kevEntry, factors);
    }

    static Impact impact(Criticality c, SeverityLevel s) {
        boolean severe = s.isAtLeast(SeverityLevel.HIGH);
        return switch (c) {
            case CRITICAL -> severe ? Impact.VERY_HIGH : Impact.HIGH;
            case HIGH -> severe ? Impact.HIGH : Impact.MEDIUM;
            case MEDIUM ->
                severe
                        ? Impact.MEDIUM
                        : s == SeverityLevel.MEDIUM || s == SeverityLevel.UNKNOWN ? Impact.LOW : Impact.LOW;
            case LOW -> Impact.LOW;
        };
    }

    /** The deployer decision table of docs/risk.md. */
    static Decision decide(Exploitation e, boolean automatable, Exposure exposure, Impact impact) {
        boolean reachable = automatable || exposure == Exposure.OPEN;
        return switch (e) {
            case ACTIVE ->
                impact.compareTo(Impact.HIGH) >= 0 || (reachable && impact.compareTo(Impact.MEDIUM) >= 0)
                        ? Decision.IMMEDIATE
                        : Decision.OUT_OF_CYCLE;
            case POC ->
                impact == Impact.VERY_HIGH
                        ? Decision.IMMEDIATE
                        : impact.compareTo(Impact.HIGH) >= 0 || (reachable && impact.compareTo(Impact.MEDIUM) >= 0)
                                ? Decision.OUT_OF_CYCLE
                                : Decision.SCHEDULED;
            case NONE ->
                impact == Impact.VERY_HIGH && automatable && exposure == Exposure.OPEN
                        ? Decision.OUT_OF_CYCLE
                        : impact.compareTo(Impact.MEDIUM) >= 0
                                        || (reachable && impact == Impact.LOW && exposure == Exposure.OPEN)
                                ? Decision.SCHEDULED
                                : Decision.DEFER;
        };
    }

    static int score(CvssScore cvss, SeverityLevel severity, EpssScore epss, boolean kev, AssetContext asset) {
        double s = cvss != null
                ? cvss.baseScore() * 10
                : switch (severity) {
                    case CRITICAL -> 95;
                    case HIGH -> 80;
                    case MEDIUM -> 55;
                    case LOW -> 25;
                    case NONE -> 0;
                    case UNKNOWN -> 40;
                };
        double e = epss == null ? 0 : (Double.isNaN(epss.percentile()) ? epss.probability() : epss.percentile()) * 100;
        double k = kev ? 100 : 0;
        double c =
                switch (asset.criticality()) {
                    case LOW -> 25;
                    case MEDIUM -> 50;
                    case HIGH -> 75;
                    case CRITICAL -> 100;
                };
        double x =
                switch (asset.exposure()) {
                    case SMALL -> 25;
                    case CONTROLLED -> 50;
                    case OPEN -> 100;
                };
        double total = 0.45 * s + 0.25 * e + 0.15 * k + 0.15 * (c + x) / 2;
        if (kev) {
            total = Math.max(total, 70);
        }
        return (int) Math.round(Math.min(100, Math.max(0, total)));
    }

    private static CvssScore score(String vector, List<Factor> factors) {
        try {
            return Cvss.parse(vector);
        } catch (MalformedCvssException e) {
            factors.add(new Factor("cvss-ignored", vector, e.getMessage()));
            return null;
        }
    }

    private static boolean better(CvssScore c, CvssScore current) {
        return current == null
                || c.versionRank() > current.versionRank()
                || (c.versionRank() == current.versionRank() && c.baseScore() > current.baseScore());
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String format(double d) {
        return String.format(Locale.ROOT, "%.4g", d).replaceAll("\\.?0+$", "");
    }

    private static String percent(double d) {
        return String.format(Locale.ROOT, "%.1f%%", d * 100);
    }
}
