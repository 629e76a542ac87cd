package dev.fixpoint.server.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.inventory.RpmQueryParser;
import dev.fixpoint.core.matching.AdvisoryIndex;
import dev.fixpoint.core.matching.MatchState;
import dev.fixpoint.core.platform.Ecosystem;
import dev.fixpoint.feeds.FeedLoader;
import dev.fixpoint.feeds.Progress;
import dev.fixpoint.server.platform.Database;
import dev.fixpoint.server.platform.TestDatabases;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real UBI 9 inventory against real AlmaLinux 9 advisories, reported again and again as it changes:
 * findings open, stay, resolve and reopen, on SQLite and on PostgreSQL.
 */
class InventoryStoreTest {

    static final Ecosystem ALMA = Ecosystem.of("AlmaLinux:9");
    static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");

    @TempDir
    Path tmp;

    static Inventory ubi9() throws Exception {
        try (var in = new InputStreamReader(
                Objects.requireNonNull(
                        InventoryStoreTest.class.getResourceAsStream("/inventories/ubi9-9.2.rpm-list.tsv")),
                StandardCharsets.UTF_8)) {
            return RpmQueryParser.parse(in, ALMA, "ubi9");
        }
    }

    static AdvisoryIndex advisories() throws URISyntaxException {
        Path dir = Path.of(Objects.requireNonNull(InventoryStoreTest.class.getResource("/advisories"))
                .toURI());
        return AdvisoryIndex.of(FeedLoader.load(List.of(dir), Progress.none()).advisories());
    }

    static Inventory with(Inventory inv, String name, String version) {
        List<InstalledPackage> out = new ArrayList<>();
        for (InstalledPackage p : inv.packages()) {
            out.add(p.name().equals(name) ? new InstalledPackage(p.ecosystem(), p.name(), version, p.arch()) : p);
        }
        return new Inventory(inv.ecosystem(), out, inv.origin());
    }

    static Inventory without(Inventory inv, String prefix) {
        return new Inventory(
                inv.ecosystem(),
                inv.packages().stream()
                        .filter(p -> !p.name().startsWith(prefix))
                        .toList(),
                inv.origin());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void findingsOpenStayResolveAndReopenAsTheHostChanges(String kind) throws Exception {
        TestDatabases.Fresh fresh = TestDatabases.create(kind, tmp);
        try (Database db = Database.open(fresh.config())) {
            InventoryStore store = new InventoryStore();
            AdvisoryIndex index = advisories();
            Inventory inv = ubi9();

            String host = db.jdbi().inTransaction(h -> store.host(h, "web01", T0));
            InventoryStore.Result first = db.jdbi().inTransaction(h -> store.ingest(h, host, inv, index, T0));
            assertThat(first.packagesJudged()).isEqualTo(180);
            assertThat(first.findingsOpened()).isEqualTo(4); // libnghttp2, glibc, glibc-common, glibc-minimal-langpack
            List<InventoryStore.StoredFinding> open = db.jdbi().withHandle(h -> store.findings(h, host));
            assertThat(open).allMatch(InventoryStore.StoredFinding::isOpen);
            assertThat(open)
                    .filteredOn(f -> f.pkg().equals("libnghttp2"))
                    .singleElement()
                    .satisfies(f -> {
                        assertThat(f.advisoryId()).isEqualTo("ALSA-2023:6746");
                        assertThat(f.state()).isEqualTo(MatchState.AFFECTED);
                        assertThat(f.fixed()).isEqualTo("1.43.0-5.el9_3.1");
                        assertThat(f.firstSeen()).isEqualTo(T0);
                    });

            // The same inventory again: nothing judged, nothing changes.
            InventoryStore.Result same =
                    db.jdbi().inTransaction(h -> store.ingest(h, host, inv, index, T0.plusSeconds(300)));
            assertThat(same.changed()).isFalse();

            // libnghttp2 upgraded to the fix: only it is judged, its finding resolves; glibc's stay open.
            Instant t2 = T0.plus(Duration.ofDays(3));
            Inventory patched = with(inv, "libnghttp2", "1.43.0-5.el9_3.1");
            InventoryStore.Result up = db.jdbi().inTransaction(h -> store.ingest(h, host, patched, index, t2));
            assertThat(up.packagesJudged()).isEqualTo(1);
            assertThat(up.findingsResolved()).isEqualTo(1);
            List<InventoryStore.StoredFinding> after = db.jdbi().withHandle(h -> store.findings(h, host));
            InventoryStore.StoredFinding fixed = after.stream()
                    .filter(f -> f.pkg().equals("libnghttp2"))
                    .findFirst()
                    .orElseThrow();
            assertThat(fixed.resolved()).isEqualTo(t2);
            assertThat(Duration.between(fixed.firstSeen(), fixed.resolved())).isEqualTo(Duration.ofDays(3));
            assertThat(after.stream().filter(f -> f.pkg().startsWith("glibc")))
                    .allMatch(f -> f.isOpen() && f.firstSeen().equals(T0));

            // Downgraded again: a new finding opens; the resolved one stays in history.
            Instant t3 = t2.plus(Duration.ofDays(1));
            InventoryStore.Result down = db.jdbi().inTransaction(h -> store.ingest(h, host, inv, index, t3));
            assertThat(down.findingsOpened()).isEqualTo(1);
            List<InventoryStore.StoredFinding> history = db.jdbi().withHandle(h -> store.findings(h, host));
            assertThat(history)
                    .filteredOn(f -> f.pkg().equals("libnghttp2"))
                    .extracting(InventoryStore.StoredFinding::firstSeen, InventoryStore.StoredFinding::resolved)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(T0, t2), org.assertj.core.groups.Tuple.tuple(t3, null));

            // glibc removed altogether: its findings resolve.
            Instant t4 = t3.plus(Duration.ofDays(1));
            InventoryStore.Result gone =
                    db.jdbi().inTransaction(h -> store.ingest(h, host, without(inv, "glibc"), index, t4));
            assertThat(gone.packagesRemoved()).isEqualTo(3);
            assertThat(gone.findingsResolved()).isEqualTo(3);
            int count = db.jdbi().withHandle(h -> h.createQuery("SELECT package_count FROM host WHERE id = :id")
                    .bind("id", host)
                    .mapTo(Integer.class)
                    .one());
            assertThat(count).isEqualTo(177);

            // A new advisory for curl: only the hosts' curl packages are judged again.
            Instant t5 = t4.plus(Duration.ofDays(1));
            dev.fixpoint.core.advisory.Advisory curl = new dev.fixpoint.core.advisory.Advisory(
                    "TEST-CURL-1",
                    "test",
                    null,
                    List.of("CVE-2099-0002"),
                    List.of(),
                    null,
                    null,
                    List.of(),
                    null,
                    null,
                    null,
                    List.of(new dev.fixpoint.core.advisory.Affected(
                            new dev.fixpoint.core.advisory.PackageRef(ALMA, "curl-minimal"),
                            List.of(new dev.fixpoint.core.advisory.Range(
                                    dev.fixpoint.core.advisory.Range.Type.ECOSYSTEM,
                                    List.of(
                                            dev.fixpoint.core.advisory.Event.introduced("0"),
                                            dev.fixpoint.core.advisory.Event.fixed("7.76.1-99.el9")))))),
                    List.of(),
                    List.of());
            java.util.Set<String> touched = index.put(curl);
            int[] re = db.jdbi().inTransaction(h -> store.reevaluate(h, touched, index, t5));
            assertThat(re[0]).isEqualTo(1); // curl-minimal on web01
            assertThat(re[1]).isEqualTo(1);
            List<InventoryStore.StoredFinding> withCurl = db.jdbi().withHandle(h -> store.findings(h, host));
            assertThat(withCurl)
                    .filteredOn(f -> f.advisoryId().equals("TEST-CURL-1"))
                    .singleElement()
                    .satisfies(f -> assertThat(f.firstSeen()).isEqualTo(t5));
        } finally {
            fresh.drop().close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theStoredSnapshotAndThePackageRowsGiveTheSameAnswer(String kind) throws Exception {
        TestDatabases.Fresh fresh = TestDatabases.create(kind, tmp);
        try (Database db = Database.open(fresh.config())) {
            InventoryStore store = new InventoryStore();
            AdvisoryIndex index = advisories();
            Inventory inv = ubi9();
            String viaSnapshot = db.jdbi().inTransaction(h -> store.host(h, "snap", T0));
            String viaRows = db.jdbi().inTransaction(h -> store.host(h, "rows", T0));
            String damaged = db.jdbi().inTransaction(h -> store.host(h, "damaged", T0));
            List<String> hosts = List.of(viaSnapshot, viaRows, damaged);
            for (String host : hosts) {
                db.jdbi().useTransaction(h -> store.ingest(h, host, inv, index, T0));
            }
            // "damaged" keeps its row, with the right hash, but the bytes are not a snapshot any more.
            db.jdbi().useHandle(h -> h.createUpdate("UPDATE host_inventory SET packages = :p WHERE host_id = :h")
                    .bind("p", "not a snapshot".getBytes(StandardCharsets.UTF_8))
                    .bind("h", damaged)
                    .execute());
            // "rows" is a host stored before host_inventory existed (no row), and then one whose row is stale
            // (it names another inventory): both are diffed against host_package instead.
            db.jdbi().useHandle(h -> h.createUpdate("DELETE FROM host_inventory WHERE host_id = :h")
                    .bind("h", viaRows)
                    .execute());
            Inventory patched = with(inv, "libnghttp2", "1.43.0-5.el9_3.1");
            Instant t1 = T0.plusSeconds(60);
            for (String host : hosts) {
                InventoryStore.Result r = db.jdbi().inTransaction(h -> store.ingest(h, host, patched, index, t1));
                assertThat(r.packagesJudged()).as(host).isEqualTo(1);
                assertThat(r.findingsResolved()).as(host).isEqualTo(1);
            }
            db.jdbi().useHandle(h -> h.createUpdate(
                            "UPDATE host_inventory SET inventory_hash = 'stale' WHERE host_id = :h")
                    .bind("h", viaRows)
                    .execute());
            Inventory removed = without(patched, "glibc");
            for (String host : hosts) {
                InventoryStore.Result r =
                        db.jdbi().inTransaction(h -> store.ingest(h, host, removed, index, t1.plusSeconds(60)));
                assertThat(r.packagesRemoved()).as(host).isEqualTo(3);
                assertThat(r.findingsResolved()).as(host).isEqualTo(3);
            }
            List<String> expected = db.jdbi().withHandle(h -> store.findings(h, viaSnapshot)).stream()
                    .map(f -> f.pkg() + " " + f.advisoryId() + " " + f.isOpen())
                    .sorted()
                    .toList();
            assertThat(expected).hasSize(4); // libnghttp2 patched, glibc removed: all four resolved
            for (String host : List.of(viaRows, damaged)) {
                assertThat(db.jdbi().withHandle(h -> store.findings(h, host)).stream()
                                .map(f -> f.pkg() + " " + f.advisoryId() + " " + f.isOpen())
                                .sorted()
                                .toList())
                        .as(host)
                        .isEqualTo(expected);
            }
        } finally {
            fresh.drop().close();
        }
    }

    @org.junit.jupiter.api.Test
    void theSnapshotEncodingKeepsAnyTextAndRefusesDamage() {
        Ecosystem debian = Ecosystem.of("Debian:12");
        List<InstalledPackage> odd = List.of(
                new InstalledPackage(ALMA, "tab\tname", "1:2.0-1\n", "x86_64", "src\u0000name", "ü-1"),
                new InstalledPackage(ALMA, "plain", "1.0", null),
                new InstalledPackage(ALMA, "x".repeat(300), "9", "noarch", "", ""),
                new InstalledPackage(debian, "libssl3", "3.0.11-1~deb12u2", "amd64", "openssl", "3.0.11-1~deb12u2"),
                new InstalledPackage(ALMA, "same-source", "1.0-1.el9", "x86_64", "same-source", "1.0-1.el9"),
                new InstalledPackage(debian, "ü", "", "amd64", "ü", "1"));
        byte[] encoded = InventorySnapshot.encode(odd);
        List<InventoryStore.StoredRow> back = InventorySnapshot.decode(encoded).orElseThrow();
        assertThat(back).hasSize(odd.size());
        for (int i = 0; i < odd.size(); i++) {
            InstalledPackage p = odd.get(i);
            assertThat(back.get(i))
                    .isEqualTo(new InventoryStore.StoredRow(
                            p.ecosystem().name(),
                            p.name(),
                            p.arch() == null ? "" : p.arch(),
                            p.version(),
                            p.sourceName(),
                            p.sourceVersion()));
            assertThat(back.get(i).sameAs(p)).isTrue();
        }
        assertThat(InventorySnapshot.decode(InventorySnapshot.encode(List.of())).orElseThrow())
                .isEmpty();

        // Damage of every kind reads as "no snapshot" (the caller then reads host_package), never as rows.
        for (int cut = 0; cut < encoded.length; cut++) {
            assertThat(InventorySnapshot.decode(java.util.Arrays.copyOf(encoded, cut)))
                    .as("cut at %d", cut)
                    .isEmpty();
        }
        byte[] liar = encoded.clone();
        liar[4] = 0x7f; // claims 2 GB of plain encoding
        assertThat(InventorySnapshot.decode(liar)).isEmpty();
        byte[] shortLiar = encoded.clone();
        shortLiar[7]--; // one byte less than there is
        assertThat(InventorySnapshot.decode(shortLiar)).isEmpty();
        byte[] flipped = encoded.clone();
        flipped[encoded.length / 2] ^= 0x55;
        assertThat(InventorySnapshot.decode(flipped)).isEmpty();
        // V6's first format began with its plain length; it is not misread as this one.
        byte[] formatOne =
                java.nio.ByteBuffer.allocate(12).putInt(4).putInt(0).putInt(0).array();
        assertThat(InventorySnapshot.decode(formatOne)).isEmpty();
        assertThat(InventorySnapshot.decode(new byte[0])).isEmpty();
    }
}
