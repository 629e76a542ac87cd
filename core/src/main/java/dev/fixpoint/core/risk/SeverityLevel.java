package dev.fixpoint.core.risk;

import java.util.Locale;

/** Qualitative severity, as CVSS v3/v4 and vendors rate it. {@link #UNKNOWN} ranks below everything. */
public enum SeverityLevel {
    UNKNOWN,
    NONE,
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    /** The CVSS v3/v4 rating of a base score. */
    public static SeverityLevel ofScore(double score) {
        if (score >= 9.0) {
            return CRITICAL;
        }
        if (score >= 7.0) {
            return HIGH;
        }
        if (score >= 4.0) {
            return MEDIUM;
        }
        return score > 0 ? LOW : NONE;
    }

    /**
     * A vendor's rating: Red Hat and SUSE (Critical, Important, Moderate, Low), Ubuntu and Debian
     * (critical, high, medium, low, negligible, unimportant), GitHub (CRITICAL, HIGH, MODERATE, LOW).
     * Unrecognised words are {@link #UNKNOWN}.
     */
    public static SeverityLevel ofVendor(String rating) {
        return switch (rating.strip().toLowerCase(Locale.ROOT)) {
            case "critical", "urgent" -> CRITICAL;
            case "important", "high" -> HIGH;
            case "moderate", "medium" -> MEDIUM;
            case "low", "negligible", "unimportant" -> LOW;
            case "none" -> NONE;
            default -> UNKNOWN;
        };
    }

    /**
     * Parses a {@code --fail-on} threshold: {@code low}, {@code medium}, {@code high} or {@code
     * critical}, in any case.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static SeverityLevel parseThreshold(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "low" -> LOW;
            case "medium" -> MEDIUM;
            case "high" -> HIGH;
            case "critical" -> CRITICAL;
            default ->
                throw new IllegalArgumentException(
                        "unknown severity \"" + text + "\": use low, medium, high or critical");
        };
    }

    public boolean isAtLeast(SeverityLevel other) {
        return compareTo(other) >= 0;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
