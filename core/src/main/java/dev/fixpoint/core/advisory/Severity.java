package dev.fixpoint.core.advisory;

import java.util.Objects;

/**
 * A severity as the source publishes it.
 *
 * @param type {@code CVSS_V2}, {@code CVSS_V3}, {@code CVSS_V4} (score is the vector string), or a
 *     vendor rating such as {@code Ubuntu} or {@code Red Hat} (score is the rating word, e.g. {@code
 *     medium}, {@code Important})
 * @param score the vector or rating, as published
 * @param source who assigned it, e.g. {@code nvd@nist.gov}, or null when the advisory's publisher did
 */
public record Severity(String type, String score, String source) {
    public static final String CVSS_V2 = "CVSS_V2";
    public static final String CVSS_V3 = "CVSS_V3";
    public static final String CVSS_V4 = "CVSS_V4";

    public Severity {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(score, "score");
    }

    public Severity(String type, String score) {
        this(type, score, null);
    }

    public boolean isCvss() {
        return type.startsWith("CVSS_");
    }
}
