package dev.fixpoint.core.risk;

/**
 * A parsed CVSS vector and its base score.
 *
 * @param version {@code 2.0}, {@code 3.0}, {@code 3.1} or {@code 4.0}
 * @param vector the vector as published
 * @param baseScore 0.0–10.0
 * @param automatable reachable over the network with no privileges and no user interaction ({@code
 *     AV:N/PR:N/UI:N}; v2: {@code AV:N/Au:N}), SSVC's "automatable" as far as a vector can say
 */
public record CvssScore(String version, String vector, double baseScore, boolean automatable) {

    /** The rating of the base score (v2 has no official one; the v3 bands are used). */
    public SeverityLevel severity() {
        return SeverityLevel.ofScore(baseScore);
    }

    /** Newer CVSS versions are preferred: 4.0, 3.1, 3.0, 2.0. */
    int versionRank() {
        return switch (version) {
            case "4.0" -> 4;
            case "3.1" -> 3;
            case "3.0" -> 2;
            default -> 1;
        };
    }
}
