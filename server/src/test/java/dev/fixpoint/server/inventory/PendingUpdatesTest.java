package dev.fixpoint.server.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.advisory.Affected;
import dev.fixpoint.core.advisory.Event;
import dev.fixpoint.core.advisory.PackageRef;
import dev.fixpoint.core.advisory.Range;
import dev.fixpoint.core.inventory.DpkgStatusParser;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.inventory.PendingUpdate;
import dev.fixpoint.core.inventory.PendingUpdatesParser;
import dev.fixpoint.core.matching.AdvisoryIndex;
import dev.fixpoint.core.platform.Ecosystem;
import dev.fixpoint.server.platform.Database;
import dev.fixpoint.server.platform.TestDatabases;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real Debian 12 system's pending updates (as apt-get -s upgrade printed them on the build machine):
 * each pending security update is a finding, linked to the advisories it fixes where feeds have them.
 */
class PendingUpdatesTest {

    static final Ecosystem DEBIAN = Ecosystem.of("Debian:12");

    @TempDir
    Path tmp;

    static InputStreamReader resource(String name) {
        return new InputStreamReader(
                Objects.requireNonNull(PendingUpdatesTest.class.getResourceAsStream("/inventories/" + name)),
                StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void pendingSecurityUpdatesAreFindingsLinkedToTheirAdvisories(String kind) throws Exception {
        TestDatabases.Fresh fresh = TestDatabases.create(kind, tmp);
        try (Database db = Database.open(fresh.config())) {
            Inventory inv;
            try (var r = resource("debian-12-minbase.status")) {
                inv = DpkgStatusParser.parseStatus(r, DEBIAN, "status");
            }
            List<PendingUpdate> updates;
            try (var r = resource("debian-12-apt-get-s-upgrade.txt")) {
                updates = PendingUpdatesParser.apt(r, "apt-get -s upgrade");
            }
            long security = updates.stream()
                    .filter(u -> Boolean.TRUE.equals(u.security()))
                    .count();
            // A (test) advisory for the pam source package, fixed in the version the update installs.
            Advisory pam = new Advisory(
                    "FIXPOINT-TEST-PAM",
                    "test",
                    null,
                    List.of("CVE-2099-0003"),
                    List.of(),
                    null,
                    null,
                    List.of(),
                    null,
                    null,
                    null,
                    List.of(new Affected(
                            new PackageRef(DEBIAN, "pam"),
                            List.of(new Range(
                                    Range.Type.ECOSYSTEM,
                                    List.of(Event.introduced("0"), Event.fixed("1.5.2-6+deb12u3")))))),
                    List.of(),
                    List.of());
            AdvisoryIndex index = AdvisoryIndex.of(List.of(pam));
            InventoryStore store = new InventoryStore();
            Instant t0 = Instant.parse("2026-11-29T00:00:00Z");
            String host = db.jdbi().inTransaction(h -> store.host(h, "deb12", t0));
            db.jdbi().useTransaction(h -> store.ingest(h, host, inv, AdvisoryIndex.of(List.of()), t0));

            int[] first = db.jdbi().inTransaction(h -> store.recordPendingUpdates(h, host, DEBIAN, updates, index, t0));
            assertThat(first[0]).isEqualTo((int) security).isPositive();
            List<InventoryStore.StoredFinding> findings = db.jdbi().withHandle(h -> store.findings(h, host));
            InventoryStore.StoredFinding libpam = findings.stream()
                    .filter(f -> f.pkg().equals("libpam0g"))
                    .findFirst()
                    .orElseThrow();
            assertThat(libpam.advisorySource()).isEqualTo(InventoryStore.PENDING_UPDATE_SOURCE);
            assertThat(libpam.fixed()).isEqualTo("1.5.2-6+deb12u3");
            String evidence = db.jdbi().withHandle(h -> h.createQuery("SELECT evidence FROM finding WHERE id = :id")
                    .bind("id", libpam.id())
                    .mapTo(String.class)
                    .one());
            JsonNode ev = new ObjectMapper().readTree(evidence);
            assertThat(ev.get("origin").asText()).isEqualTo("Debian-Security:12/oldstable-security");
            assertThat(ev.get("advisories").get(0).asText()).isEqualTo("test FIXPOINT-TEST-PAM");
            assertThat(ev.get("cves").get(0).asText()).isEqualTo("CVE-2099-0003");

            // Reported again: nothing new. Then installed: the findings resolve.
            int[] again = db.jdbi().inTransaction(h -> store.recordPendingUpdates(h, host, DEBIAN, updates, index, t0));
            assertThat(again).containsExactly(0, 0);
            Instant t1 = t0.plusSeconds(3600);
            int[] done =
                    db.jdbi().inTransaction(h -> store.recordPendingUpdates(h, host, DEBIAN, List.of(), index, t1));
            assertThat(done[1]).isEqualTo((int) security);
            int pending = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM pending_update")
                    .mapTo(Integer.class)
                    .one());
            assertThat(pending).isZero();
        } finally {
            fresh.drop().close();
        }
    }
}
