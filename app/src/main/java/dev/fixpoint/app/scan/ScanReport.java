package dev.fixpoint.app.scan;

import dev.fixpoint.core.matching.MatchState;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The result of one scan, as every output format sees it.
 *
 * @param generated when the scan ran
 * @param target what was scanned
 * @param feeds what it was scanned against
 * @param rows the findings, most urgent first
 */
public record ScanReport(Instant generated, Target target, Feeds feeds, List<ScanRow> rows) {

    public ScanReport {
        rows = List.copyOf(rows);
    }

    /** Findings per state, every state present. */
    public Map<MatchState, Integer> countByState() {
        Map<MatchState, Integer> out = new EnumMap<>(MatchState.class);
        for (MatchState s : MatchState.values()) {
            out.put(s, 0);
        }
        for (ScanRow r : rows) {
            out.merge(r.finding().state(), 1, Integer::sum);
        }
        return out;
    }

    /**
     * What was scanned.
     *
     * @param input the path or {@code /} (the live system)
     * @param kind {@code root}, {@code dpkg-status}, {@code rpm-list}, {@code apk-db} or {@code sbom}
     * @param ecosystem the operating system's ecosystem, or null (an SBOM of application dependencies)
     * @param packages how many packages were read
     */
    public record Target(String input, String kind, String ecosystem, int packages) {}

    /**
     * What the target was matched against.
     *
     * @param files feed files loaded
     * @param advisories advisories indexed (withdrawn ones excluded)
     * @param kevVersion the KEV catalogue version, or null when none was loaded
     * @param kevEntries KEV entries
     * @param epssModel the EPSS model version, or null
     * @param epssDate the EPSS score date, or null
     * @param epssScores EPSS scores
     * @param warnings files skipped and other things the user should know
     */
    public record Feeds(
            int files,
            int advisories,
            String kevVersion,
            int kevEntries,
            String epssModel,
            LocalDate epssDate,
            int epssScores,
            List<String> warnings) {
        public Feeds {
            warnings = List.copyOf(warnings);
        }
    }
}
