package dev.fixpoint.feeds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The full real data sets of {@code ../shared/data} load without error and with the right counts
 * (skipped visibly where the shared data is absent).
 */
class SharedFeedsTest {

    static long files(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix)).count();
        }
    }

    @Test
    void everyAlmaLinuxAdvisoryLoads() throws IOException {
        for (String release : List.of("almalinux8", "almalinux9", "almalinux10")) {
            Path dir = SharedData.require("osv/almalinux/" + release);
            LoadedFeeds f = FeedLoader.load(List.of(dir), Progress.none());
            assertThat(f.advisories()).as(release).hasSize((int) files(dir, ".json"));
            assertThat(f.advisories()).allSatisfy(a -> assertThat(a.affected()).isNotEmpty());
        }
        assertThat(FeedLoader.load(List.of(SharedData.require("osv/almalinux/almalinux9")), Progress.none())
                        .advisories())
                .hasSize(1783);
    }

    @Test
    void everyGoAndGhsaAdvisoryLoads() throws IOException {
        Path go = SharedData.require("osv/go/osv");
        assertThat(FeedLoader.load(List.of(go), Progress.none()).advisories()).hasSize((int) files(go, ".json"));
        LoadedFeeds ghsa = FeedLoader.load(List.of(SharedData.require("osv/ghsa")), Progress.none());
        assertThat(ghsa.advisories()).hasSizeGreaterThan(350);
    }

    @Test
    void theFullKevCatalogue() throws IOException {
        Path file = SharedData.require("kev/2026-08-07/known_exploited_vulnerabilities.json");
        int count = new ObjectMapper().readTree(file.toFile()).get("count").asInt();
        LoadedFeeds f = FeedLoader.load(List.of(file), Progress.none());
        assertThat(f.kev().size()).isEqualTo(count).isEqualTo(1662);
        assertThat(f.kev().catalogVersion()).isEqualTo("2026.08.07");
    }

    @Test
    void theFullEpssSet() throws IOException {
        Path dir = SharedData.require("epss/emba-2026-08-16");
        long rows = 0;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                try (Stream<String> lines = Files.lines(p)) {
                    rows += lines.filter(l -> l.startsWith("CVE-")).count();
                }
            }
        }
        LoadedFeeds f = FeedLoader.load(List.of(dir), Progress.none());
        assertThat((long) f.epss().size()).isEqualTo(rows).isEqualTo(360_142L);
    }

    @Test
    void everyCsafDocument() throws IOException {
        Path root = SharedData.require("csaf");
        // csaf-walker's rhba-2023_0564.json was edited for a test to have an empty tracking id: it must be
        // rejected by name, and every other document must load.
        Path broken = root.resolve("redhat/csaf-walker-test-data/rhba-2023_0564.json");
        assertThatThrownBy(() -> FeedLoader.load(List.of(broken), Progress.none()))
                .hasMessage(broken + ":1:1: document.tracking.id: missing");
        List<Path> others;
        try (Stream<Path> s = Files.walk(root)) {
            others = s.filter(Files::isRegularFile)
                    .filter(p -> !p.equals(broken))
                    .sorted()
                    .toList();
        }
        LoadedFeeds f = FeedLoader.load(others, Progress.none());
        assertThat(f.files().get(FeedKind.CSAF)).isGreaterThan(20);
        assertThat(f.advisories()).extracting(Advisory::id).contains("RHSA-2023:7435", "SUSE-SU-2015:0011-2");
        assertThat(f.advisories()).allSatisfy(a -> assertThat(a.source()).startsWith("CSAF"));
    }

    @Test
    void nvdFeedsAndTheWholeSharedDataSet() {
        LoadedFeeds nvd = FeedLoader.load(List.of(SharedData.require("nvd")), Progress.none());
        assertThat(nvd.enrichments()).containsKey("CVE-2021-44228");
    }
}
