package dev.fixpoint.core.risk;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import us.springett.cvss.CvssV2;
import us.springett.cvss.CvssV3;
import us.springett.cvss.CvssV3_1;
import us.springett.cvss.CvssV4;
import us.springett.cvss.MalformedVectorException;

/**
 * CVSS v2, v3.0, v3.1 and v4.0 vectors to base scores, through Steve Springett's cvss-calculator
 * (the library Dependency-Track uses). Results are cached: fleets repeat vectors.
 */
public final class Cvss {

    private static final Map<String, Object> CACHE = new ConcurrentHashMap<>();
    private static final int MAX_CACHE = 100_000;

    private Cvss() {}

    /**
     * Parses a vector.
     *
     * @throws MalformedCvssException naming the vector and what is wrong
     */
    public static CvssScore parse(String vector) throws MalformedCvssException {
        Object cached = CACHE.get(vector);
        if (cached == null) {
            cached = compute(vector);
            if (CACHE.size() < MAX_CACHE) {
                CACHE.put(vector, cached);
            }
        }
        if (cached instanceof String reason) {
            throw new MalformedCvssException(vector, reason);
        }
        return (CvssScore) cached;
    }

    private static Object compute(String vector) {
        String v = vector.strip();
        if (v.length() > 512) {
            return "longer than any CVSS vector";
        }
        try {
            us.springett.cvss.Cvss parsed = us.springett.cvss.Cvss.fromVector(v);
            if (parsed == null) {
                return "not a CVSS v2, v3.x or v4.0 vector";
            }
            double score = parsed.calculateScore().getBaseScore();
            String version;
            if (parsed instanceof CvssV4) {
                version = "4.0";
            } else if (parsed instanceof CvssV3_1) {
                version = "3.1";
            } else if (parsed instanceof CvssV3) {
                version = "3.0";
            } else if (parsed instanceof CvssV2) {
                version = "2.0";
            } else {
                return "unsupported CVSS version";
            }
            if (!(score >= 0 && score <= 10)) {
                return "base score out of range: " + score;
            }
            return new CvssScore(version, vector, score, automatable(v, version));
        } catch (MalformedVectorException | IllegalArgumentException | NullPointerException e) {
            return e.getMessage() == null ? "malformed vector" : e.getMessage();
        }
    }

    private static boolean automatable(String v, String version) {
        String s = "/" + v + "/";
        if (version.equals("2.0")) {
            return s.contains("/AV:N/") && s.contains("/Au:N/");
        }
        return s.contains("/AV:N/") && s.contains("/PR:N/") && (s.contains("/UI:N/"));
    }
}
