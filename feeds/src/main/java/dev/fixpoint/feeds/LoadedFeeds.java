package dev.fixpoint.feeds;

import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.signal.CveEnrichment;
import dev.fixpoint.core.signal.EpssSet;
import dev.fixpoint.core.signal.KevCatalog;
import java.util.List;
import java.util.Map;

/**
 * Everything read from a set of feed files.
 *
 * @param advisories OSV and CSAF advisories, in file order
 * @param kev the KEV catalogue (the newest by catalogue version when several were given), or empty
 * @param epss the EPSS scores, merged
 * @param enrichments NVD enrichment by CVE id
 * @param files the files read, by kind
 * @param skipped files that are not a feed Fixpoint reads
 * @param warnings what the user should know (skipped files, superseded catalogues)
 */
public record LoadedFeeds(
        List<Advisory> advisories,
        KevCatalog kev,
        EpssSet epss,
        Map<String, CveEnrichment> enrichments,
        Map<FeedKind, Integer> files,
        List<String> skipped,
        List<String> warnings) {

    public LoadedFeeds {
        advisories = List.copyOf(advisories);
        enrichments = Map.copyOf(enrichments);
        files = Map.copyOf(files);
        skipped = List.copyOf(skipped);
        warnings = List.copyOf(warnings);
    }

    public int fileCount() {
        return files.values().stream().mapToInt(Integer::intValue).sum();
    }
}
