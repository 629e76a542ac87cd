package dev.fixpoint.core.signal;

import java.util.Objects;

/**
 * FIRST EPSS: the probability (0–1) that a CVE is exploited in the next 30 days, and its percentile
 * (0–1) among all scored CVEs, or {@code NaN} when the source gives none (EPSS files before
 * 2021-09 had no percentile column).
 */
public record EpssScore(String cveId, double probability, double percentile) {
    public EpssScore {
        Objects.requireNonNull(cveId, "cveId");
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("EPSS probability of " + cveId + " out of [0,1]: " + probability);
        }
        if (!Double.isNaN(percentile) && !(percentile >= 0 && percentile <= 1)) {
            throw new IllegalArgumentException("EPSS percentile of " + cveId + " out of [0,1]: " + percentile);
        }
    }
}
