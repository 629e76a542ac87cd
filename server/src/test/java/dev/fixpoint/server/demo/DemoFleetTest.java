package dev.fixpoint.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.inventory.PendingUpdate;
import dev.fixpoint.core.matching.AdvisoryIndex;
import dev.fixpoint.feeds.FeedLoader;
import dev.fixpoint.feeds.Progress;
import dev.fixpoint.server.feed.Snapshot;
import dev.fixpoint.server.inventory.InventoryStore;
import dev.fixpoint.server.platform.Database;
import dev.fixpoint.server.platform.TestDatabases;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The simulated demo fleet: real package lists, varied deterministically, loaded with the bundled snapshot's advisories. */
class DemoFleetTest {

    static final Instant T0 = Instant.parse("2026-11-29T09:00:00Z");

    static AdvisoryIndex index;

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadTheSnapshot(@TempDir Path feeds) throws Exception {
        Snapshot.installIfEmpty(feeds).orElseThrow();
        index = AdvisoryIndex.of(
                FeedLoader.load(List.of(feeds), Progress.none()).advisories());
    }

    static Map<String, DemoHost> byName(List<DemoHost> hosts) {
        return hosts.stream().collect(Collectors.toMap(DemoHost::hostname, Function.identity()));
    }

    @Test
    void theFleetIsLabelledSimulatedAndVaried() {
        List<DemoHost> hosts = DemoFleet.hosts();
        assertThat(hosts).hasSizeBetween(6, 10);
        assertThat(hosts)
                .extracting(DemoHost::hostname)
                .doesNotHaveDuplicates()
                .allMatch(n -> n.startsWith("demo-") && n.endsWith(".simulated"));
        for (DemoHost h : hosts) {
            assertThat(h.labels()).containsEntry("simulated", "true").containsKeys("role", "env", "patch");
            assertThat(h.labels().get("env")).isIn("prod", "staging");
            assertThat(h.runningKernel()).isNotBlank();
        }
        assertThat(hosts)
                .extracting(h -> h.inventory().ecosystem().name())
                .contains("Debian:12", "Ubuntu:22.04:LTS", "AlmaLinux:9", "Alpine:v3.18");

        Map<String, DemoHost> by = byName(hosts);
        // Real package counts: Debian 12 minbase has 88 packages, UBI 9.2 180 (x86_64 + noarch), the apk db 15.
        assertThat(by.get("demo-debian12-web-1.simulated").inventory().packages())
                .hasSize(88);
        assertThat(by.get("demo-alma9-api-1.simulated").inventory().packages()).hasSize(180);
        assertThat(by.get("demo-alpine318-proxy-1.simulated").inventory().packages())
                .hasSize(15);
        // Siblings are not identical: one lacks every 7th package, the other runs older versions.
        assertThat(by.get("demo-alma9-api-2.simulated").inventory().packages()).hasSize(180 - 180 / 7);
        assertThat(by.get("demo-debian12-db-1.simulated").inventory().packages())
                .hasSize(88 - 88 / 7);
        DemoHost behind = by.get("demo-debian12-web-2.simulated");
        InstalledPackage libpam = behind.inventory().packages().stream()
                .filter(p -> p.name().equals("libpam0g"))
                .findFirst()
                .orElseThrow();
        assertThat(libpam.version()).isEqualTo("1.5.2-6+deb12u1");
        assertThat(behind.pendingUpdates()).extracting(PendingUpdate::name).contains("libpam0g", "liblzma5");
        assertThat(behind.rebootRequired()).isTrue();
        // Deterministic: the same fleet every time.
        assertThat(DemoFleet.hosts()).isEqualTo(hosts);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theFleetLoadsWithRealFindings(String kind) throws Exception {
        TestDatabases.Fresh fresh = TestDatabases.create(kind, tmp);
        try (Database db = Database.open(fresh.config())) {
            InventoryStore store = new InventoryStore();
            List<DemoFleet.Loaded> loaded = DemoFleet.load(db.jdbi(), store, index, T0);
            assertThat(loaded).hasSize(DemoFleet.hosts().size());

            Map<String, Integer> counts = db.jdbi().withHandle(h -> h
                    .createQuery("SELECT hostname, package_count FROM host")
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2)))
                    .list()
                    .stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
            for (DemoFleet.Loaded l : loaded) {
                assertThat(counts.get(l.host().hostname()))
                        .as(l.host().hostname())
                        .isEqualTo(l.host().inventory().packages().size());
            }

            Map<String, List<InventoryStore.StoredFinding>> findings = loaded.stream()
                    .collect(Collectors.toMap(
                            l -> l.host().hostname(), l -> db.jdbi().withHandle(h -> store.findings(h, l.hostId()))));
            // AlmaLinux advisories against UBI 9.2, Ubuntu's against the 22.04 image.
            assertThat(findings.get("demo-alma9-api-1.simulated")).hasSizeGreaterThan(50);
            assertThat(findings.get("demo-ubuntu2204-app-1.simulated"))
                    .extracting(InventoryStore.StoredFinding::advisoryId)
                    .anyMatch(id -> id.startsWith("USN-") || id.startsWith("UBUNTU-CVE-"));
            // The Debian host that is behind: its real pending security updates are findings.
            assertThat(findings.get("demo-debian12-web-2.simulated"))
                    .filteredOn(f -> f.advisorySource().equals(InventoryStore.PENDING_UPDATE_SOURCE))
                    .extracting(InventoryStore.StoredFinding::pkg)
                    .contains("libpam0g", "liblzma5");
            assertThat(findings.get("demo-debian12-web-1.simulated")).isEmpty();
            // The simulated pending updates of a host that is behind reach the advisories' fixed versions.
            DemoFleet.Loaded alma = loaded.stream()
                    .filter(l -> l.host().hostname().equals("demo-alma9-api-1.simulated"))
                    .findFirst()
                    .orElseThrow();
            assertThat(alma.host().pendingUpdates()).isNotEmpty().allMatch(u -> u.origin()
                    .endsWith("(simulated)"));
            assertThat(alma.pendingFindingsOpened())
                    .isEqualTo(alma.host().pendingUpdates().size());

            // Loaded again (a restart with --demo): nothing changes.
            List<DemoFleet.Loaded> again = DemoFleet.load(db.jdbi(), store, index, T0.plusSeconds(60));
            assertThat(again).allSatisfy(l -> {
                assertThat(l.ingest().changed()).isFalse();
                assertThat(l.pendingFindingsOpened()).isZero();
            });
            assertThat(again)
                    .extracting(DemoFleet.Loaded::hostId)
                    .containsExactlyElementsOf(
                            loaded.stream().map(DemoFleet.Loaded::hostId).toList());
            Set<String> open = db.jdbi()
                    .withHandle(h -> Set.copyOf(h.createQuery("SELECT id FROM finding WHERE resolved_micros IS NULL")
                            .mapTo(String.class)
                            .list()));
            assertThat(open)
                    .hasSize(findings.values().stream().mapToInt(List::size).sum());
        } finally {
            fresh.drop().close();
        }
    }
}
