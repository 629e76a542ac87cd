package dev.fixpoint.core.signal;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A set of EPSS scores with the model version and score date of the file they came from (null when
 * the file did not say).
 */
public record EpssSet(String modelVersion, LocalDate scoreDate, Map<String, EpssScore> scores) {

    public EpssSet {
        scores = java.util.Collections.unmodifiableMap(new HashMap<>(scores));
    }

    public static EpssSet empty() {
        return new EpssSet(null, null, Map.of());
    }

    public Optional<EpssScore> get(String cveId) {
        return Optional.ofNullable(scores.get(cveId));
    }

    public int size() {
        return scores.size();
    }
}
