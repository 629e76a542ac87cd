package dev.fixpoint.server.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.matching.AdvisoryIndex;
import dev.fixpoint.core.matching.Evidence;
import dev.fixpoint.core.matching.MatchResult;
import dev.fixpoint.core.matching.MatchState;
import dev.fixpoint.core.matching.Matcher;
import dev.fixpoint.core.matching.Verdict;
import dev.fixpoint.server.platform.Micros;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Stores a host's inventory and keeps its findings current. On each report only what changed is
 * judged again: packages added or upgraded get verdicts from the {@link Matcher}, their open findings
 * that no longer apply are resolved, and findings of removed packages are resolved; unchanged
 * packages keep their findings untouched. An unchanged inventory (same hash) only marks the host
 * seen. Findings have first-seen and resolved-at times, so time to remediate can be computed.
 */
public final class InventoryStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What an ingest did.
     *
     * @param changed whether the inventory differed from the stored one
     * @param packagesJudged packages judged again (added or changed)
     * @param packagesRemoved packages no longer installed
     * @param findingsOpened findings opened
     * @param findingsResolved findings resolved
     */
    public record Result(
            boolean changed, int packagesJudged, int packagesRemoved, int findingsOpened, int findingsResolved) {}

    /** A stored finding. */
    public record StoredFinding(
            String id,
            String hostId,
            String ecosystem,
            String pkg,
            String arch,
            String advisorySource,
            String advisoryId,
            MatchState state,
            String installed,
            String fixed,
            Instant firstSeen,
            Instant resolved) {
        public boolean isOpen() {
            return resolved == null;
        }
    }

    /** Creates a host, or returns the id of the one with this hostname. */
    public String host(Handle h, String hostname, Instant now) {
        return h.createQuery("SELECT id FROM host WHERE hostname = :n")
                .bind("n", hostname)
                .mapTo(String.class)
                .findOne()
                .orElseGet(() -> {
                    String id = UUID.randomUUID().toString();
                    h.createUpdate("INSERT INTO host (id, hostname, created_micros, last_seen_micros)"
                                    + " VALUES (:id, :n, :t, :t)")
                            .bind("id", id)
                            .bind("n", hostname)
                            .bind("t", Micros.of(now))
                            .execute();
                    return id;
                });
    }

    /** Stores {@code inventory} as the host's current one and updates its findings. */
    public Result ingest(Handle h, String hostId, Inventory inventory, AdvisoryIndex index, Instant now) {
        String hash = hash(inventory);
        String stored = h.createQuery("SELECT COALESCE(inventory_hash, '') FROM host WHERE id = :id")
                .bind("id", hostId)
                .mapTo(String.class)
                .findOne()
                .orElseThrow(() -> new IllegalArgumentException("no host " + hostId));
        if (hash.equals(stored)) {
            h.createUpdate("UPDATE host SET last_seen_micros = :t WHERE id = :id")
                    .bind("t", Micros.of(now))
                    .bind("id", hostId)
                    .execute();
            return new Result(false, 0, 0, 0, 0);
        }

        Map<String, InstalledPackage> old = new HashMap<>();
        h.createQuery("SELECT * FROM host_package WHERE host_id = :id")
                .bind("id", hostId)
                .map((rs, ctx) -> {
                    String arch = rs.getString("arch");
                    return new InstalledPackage(
                            dev.fixpoint.core.platform.Ecosystem.of(rs.getString("ecosystem")),
                            rs.getString("name"),
                            rs.getString("version"),
                            arch.isEmpty() ? null : arch,
                            rs.getString("source_name"),
                            rs.getString("source_version"));
                })
                .forEach(p -> old.put(key(p), p));
        Map<String, InstalledPackage> current = new LinkedHashMap<>();
        for (InstalledPackage p : inventory.packages()) {
            current.put(key(p), p);
        }

        List<InstalledPackage> changed = new ArrayList<>();
        for (Map.Entry<String, InstalledPackage> e : current.entrySet()) {
            if (!e.getValue().equals(old.get(e.getKey()))) {
                changed.add(e.getValue());
            }
        }
        List<InstalledPackage> removed = new ArrayList<>();
        for (Map.Entry<String, InstalledPackage> e : old.entrySet()) {
            if (!current.containsKey(e.getKey())) {
                removed.add(e.getValue());
            }
        }

        Map<String, List<StoredFinding>> openByPackage = new HashMap<>();
        for (StoredFinding f : findings(h, hostId)) {
            if (f.isOpen()) {
                openByPackage
                        .computeIfAbsent(
                                f.ecosystem() + '\u0000' + f.pkg() + '\u0000' + f.arch(), k -> new ArrayList<>())
                        .add(f);
            }
        }
        int opened = 0;
        int resolved = 0;
        Matcher matcher = new Matcher(index);
        // Package rows go to the database in two batches (one round trip each on PostgreSQL with
        // reWriteBatchedInserts), not a statement per package.
        PreparedBatch inserts = h.prepareBatch(
                "INSERT INTO host_package (host_id, ecosystem, name, arch, version, source_name, source_version)"
                        + " VALUES (:h, :e, :n, :a, :v, :sn, :sv)");
        PreparedBatch updates = h.prepareBatch("UPDATE host_package SET version = :v, source_name = :sn,"
                + " source_version = :sv WHERE host_id = :h AND ecosystem = :e AND name = :n AND arch = :a");
        for (InstalledPackage p : changed) {
            int[] counts = judge(h, hostId, p, matcher, openByPackage.getOrDefault(key(p), List.of()), now);
            opened += counts[0];
            resolved += counts[1];
            (old.containsKey(key(p)) ? updates : inserts)
                    .bind("h", hostId)
                    .bind("e", p.ecosystem().name())
                    .bind("n", p.name())
                    .bind("a", arch(p))
                    .bind("v", p.version())
                    .bind("sn", p.sourceName())
                    .bind("sv", p.sourceVersion())
                    .add();
        }
        if (inserts.size() > 0) {
            inserts.execute();
        }
        if (updates.size() > 0) {
            updates.execute();
        }
        for (InstalledPackage p : removed) {
            for (StoredFinding f : openByPackage.getOrDefault(key(p), List.of())) {
                resolved += resolve(h, f.id(), now);
            }
            h.createUpdate("DELETE FROM host_package WHERE host_id = :h AND ecosystem = :e AND name = :n AND arch = :a")
                    .bind("h", hostId)
                    .bind("e", p.ecosystem().name())
                    .bind("n", p.name())
                    .bind("a", arch(p))
                    .execute();
        }
        h.createUpdate("UPDATE host SET inventory_hash = :hash, package_count = :n, ecosystem = :eco,"
                        + " last_seen_micros = :t WHERE id = :id")
                .bind("hash", hash)
                .bind("n", current.size())
                .bind(
                        "eco",
                        inventory.ecosystem() == null
                                ? null
                                : inventory.ecosystem().name())
                .bind("t", Micros.of(now))
                .bind("id", hostId)
                .execute();
        return new Result(true, changed.size(), removed.size(), opened, resolved);
    }

    /**
     * Judges one package again and brings its open findings in line: opens findings for advisories
     * that now affect it, updates those that still do, resolves the rest. Returns {opened, resolved}.
     */
    private static int[] judge(
            Handle h, String hostId, InstalledPackage p, Matcher matcher, List<StoredFinding> open, Instant now) {
        Map<String, Verdict> affecting = new HashMap<>();
        for (Verdict v : matcher.evaluate(p)) {
            if (v.result().state() != MatchState.NOT_AFFECTED) {
                affecting.put(v.advisory().source() + '\u0000' + v.advisory().id(), v);
            }
        }
        int opened = 0;
        int resolved = 0;
        for (StoredFinding f : open) {
            if (f.advisorySource().equals(PENDING_UPDATE_SOURCE)) {
                continue; // kept by recordPendingUpdates, not by advisories
            }
            Verdict v = affecting.remove(f.advisorySource() + '\u0000' + f.advisoryId());
            if (v == null) {
                resolved += resolve(h, f.id(), now);
            } else {
                update(h, f.id(), p, v);
            }
        }
        for (Verdict v : affecting.values()) {
            insert(h, hostId, p, v, now);
            opened++;
        }
        return new int[] {opened, resolved};
    }

    /**
     * After advisories changed: judges again only the installed packages under the keys that {@link
     * AdvisoryIndex#put} returned (by binary or source name), on every host that has them.
     *
     * @return {packages judged, findings opened, findings resolved}
     */
    public int[] reevaluate(Handle h, java.util.Set<String> touchedKeys, AdvisoryIndex index, Instant now) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (String k : touchedKeys) {
            int sep = k.indexOf('\u0000');
            names.add(sep < 0 ? k : k.substring(sep + 1));
        }
        if (names.isEmpty()) {
            return new int[] {0, 0, 0};
        }
        List<String> hostOf = new ArrayList<>();
        List<InstalledPackage> candidates = new ArrayList<>();
        h.createQuery("SELECT * FROM host_package WHERE lower(name) IN (<names>) OR lower(source_name) IN (<names>)")
                .bindList(
                        "names",
                        names.stream()
                                .map(n -> n.toLowerCase(java.util.Locale.ROOT))
                                .toList())
                .map((rs, ctx) -> {
                    String arch = rs.getString("arch");
                    hostOf.add(rs.getString("host_id"));
                    return new InstalledPackage(
                            dev.fixpoint.core.platform.Ecosystem.of(rs.getString("ecosystem")),
                            rs.getString("name"),
                            rs.getString("version"),
                            arch.isEmpty() ? null : arch,
                            rs.getString("source_name"),
                            rs.getString("source_version"));
                })
                .forEach(candidates::add);
        Matcher matcher = new Matcher(index);
        Map<String, Map<String, List<StoredFinding>>> openByHost = new HashMap<>();
        int opened = 0;
        int resolved = 0;
        for (int i = 0; i < candidates.size(); i++) {
            String hostId = hostOf.get(i);
            Map<String, List<StoredFinding>> open = openByHost.computeIfAbsent(hostId, id -> {
                Map<String, List<StoredFinding>> m = new HashMap<>();
                for (StoredFinding f : findings(h, id)) {
                    if (f.isOpen()) {
                        m.computeIfAbsent(
                                        f.ecosystem() + '\u0000' + f.pkg() + '\u0000' + f.arch(),
                                        x -> new ArrayList<>())
                                .add(f);
                    }
                }
                return m;
            });
            InstalledPackage p = candidates.get(i);
            int[] c = judge(h, hostId, p, matcher, open.getOrDefault(key(p), List.of()), now);
            opened += c[0];
            resolved += c[1];
        }
        return new int[] {candidates.size(), opened, resolved};
    }

    /** The finding source of missing security updates (not an advisory feed). */
    public static final String PENDING_UPDATE_SOURCE = "package manager";

    /**
     * Stores the updates the host's package manager reports as pending, and keeps a finding open for
     * each pending <em>security</em> update — a missing security patch in its own right, even when no
     * advisory data covers the package. Each is linked, in its evidence, to the advisories (and their
     * CVEs) that the update fixes according to the loaded feeds: those affecting the installed version
     * whose fixed version the update reaches. Findings of updates no longer pending are resolved.
     *
     * @return {opened, resolved}
     */
    public int[] recordPendingUpdates(
            Handle h,
            String hostId,
            dev.fixpoint.core.platform.Ecosystem ecosystem,
            List<dev.fixpoint.core.inventory.PendingUpdate> updates,
            AdvisoryIndex index,
            Instant now) {
        h.createUpdate("DELETE FROM pending_update WHERE host_id = :h")
                .bind("h", hostId)
                .execute();
        for (dev.fixpoint.core.inventory.PendingUpdate u : updates) {
            h.createUpdate("INSERT INTO pending_update (host_id, name, arch, installed, available, origin, security)"
                            + " VALUES (:h, :n, :a, :i, :v, :o, :s)")
                    .bind("h", hostId)
                    .bind("n", u.name())
                    .bind("a", u.arch() == null ? "" : u.arch())
                    .bind("i", u.installed())
                    .bind("v", u.available())
                    .bind("o", u.origin())
                    .bind("s", u.security() == null ? null : u.security() ? 1 : 0)
                    .execute();
        }
        Map<String, StoredFinding> open = new HashMap<>();
        for (StoredFinding f : findings(h, hostId)) {
            if (f.isOpen() && f.advisorySource().equals(PENDING_UPDATE_SOURCE)) {
                open.put(f.pkg() + '\u0000' + f.arch() + '\u0000' + f.advisoryId(), f);
            }
        }
        Map<String, InstalledPackage> installed = new HashMap<>();
        h.createQuery("SELECT * FROM host_package WHERE host_id = :h")
                .bind("h", hostId)
                .map((rs, ctx) -> {
                    String arch = rs.getString("arch");
                    return new InstalledPackage(
                            dev.fixpoint.core.platform.Ecosystem.of(rs.getString("ecosystem")),
                            rs.getString("name"),
                            rs.getString("version"),
                            arch.isEmpty() ? null : arch,
                            rs.getString("source_name"),
                            rs.getString("source_version"));
                })
                .forEach(p -> installed.put(p.name() + '\u0000' + arch(p), p));
        Matcher matcher = new Matcher(index);
        int opened = 0;
        for (dev.fixpoint.core.inventory.PendingUpdate u : updates) {
            if (!Boolean.TRUE.equals(u.security())) {
                continue;
            }
            String arch = u.arch() == null ? "" : u.arch();
            String id = "security update to " + u.available();
            if (open.remove(u.name() + '\u0000' + arch + '\u0000' + id) != null) {
                continue; // still pending: the finding stays open as it was
            }
            InstalledPackage p = installed.get(u.name() + '\u0000' + arch);
            if (p == null) {
                p = new InstalledPackage(ecosystem, u.name(), u.installed() == null ? "" : u.installed(), u.arch());
            }
            List<String> advisories = new ArrayList<>();
            java.util.Set<String> cves = new java.util.TreeSet<>();
            for (Verdict v : p.version().isEmpty() ? List.<Verdict>of() : matcher.evaluate(p)) {
                if (v.result().state() == MatchState.AFFECTED && fixedBy(v, u.available(), p)) {
                    advisories.add(v.advisory().source() + " " + v.advisory().id());
                    cves.addAll(v.advisory().cveIds());
                }
            }
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("origin", u.origin());
            evidence.put("installed", u.installed());
            evidence.put("available", u.available());
            evidence.put("advisories", advisories);
            evidence.put("cves", cves);
            String json;
            try {
                json = JSON.writeValueAsString(evidence);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            h.createUpdate("INSERT INTO finding (id, host_id, ecosystem, package, arch, advisory_source, advisory_id,"
                            + " state, installed, fixed, evidence, first_seen_micros)"
                            + " VALUES (:id, :h, :e, :p, :a, :src, :adv, :s, :i, :f, :ev, :t)")
                    .bind("id", UUID.randomUUID().toString())
                    .bind("h", hostId)
                    .bind("e", ecosystem.name())
                    .bind("p", u.name())
                    .bind("a", arch)
                    .bind("src", PENDING_UPDATE_SOURCE)
                    .bind("adv", id)
                    .bind("s", MatchState.AFFECTED.name())
                    .bind("i", u.installed() == null ? "" : u.installed())
                    .bind("f", u.available())
                    .bind("ev", json)
                    .bind("t", Micros.of(now))
                    .execute();
            opened++;
        }
        int resolved = 0;
        for (StoredFinding gone : open.values()) {
            resolved += resolve(h, gone.id(), now);
        }
        return new int[] {opened, resolved};
    }

    /**
     * Whether installing {@code available} fixes the verdict: the advisory's fixed version is at or
     * below it. For Debian and Ubuntu the advisory names the source version while the update names the
     * binary's; a binNMU suffix ({@code +bN}) is dropped before comparing.
     */
    private static boolean fixedBy(Verdict v, String available, InstalledPackage p) {
        String scheme = v.result().evidence().scheme();
        String fixed = v.result().fixedVersion();
        if (scheme == null || fixed == null) {
            return false;
        }
        String candidate = available;
        var family = p.ecosystem().family();
        if (family == dev.fixpoint.core.platform.Ecosystem.Family.DEBIAN
                || family == dev.fixpoint.core.platform.Ecosystem.Family.UBUNTU) {
            candidate = candidate.replaceFirst("\\+b\\d+$", "");
        }
        try {
            return dev.fixpoint.core.version.VersionSchemes.byName(scheme)
                            .orElseThrow()
                            .compare(fixed, candidate)
                    <= 0;
        } catch (dev.fixpoint.core.version.InvalidVersionException e) {
            return false;
        }
    }

    /** The host's findings, open and resolved, oldest first. */
    public List<StoredFinding> findings(Handle h, String hostId) {
        return h.createQuery(
                        "SELECT * FROM finding WHERE host_id = :h ORDER BY first_seen_micros, package, advisory_id")
                .bind("h", hostId)
                .map((rs, ctx) -> {
                    long r = rs.getLong("resolved_micros");
                    boolean open = rs.wasNull();
                    return new StoredFinding(
                            rs.getString("id"),
                            rs.getString("host_id"),
                            rs.getString("ecosystem"),
                            rs.getString("package"),
                            rs.getString("arch"),
                            rs.getString("advisory_source"),
                            rs.getString("advisory_id"),
                            MatchState.valueOf(rs.getString("state")),
                            rs.getString("installed"),
                            rs.getString("fixed"),
                            Micros.instant(rs.getLong("first_seen_micros")),
                            open ? null : Micros.instant(r));
                })
                .list();
    }

    private static int resolve(Handle h, String id, Instant now) {
        return h.createUpdate("UPDATE finding SET resolved_micros = :t WHERE id = :id AND resolved_micros IS NULL")
                .bind("t", Micros.of(now))
                .bind("id", id)
                .execute();
    }

    private static void update(Handle h, String id, InstalledPackage p, Verdict v) {
        h.createUpdate("UPDATE finding SET state = :s, installed = :i, fixed = :f, evidence = :ev WHERE id = :id")
                .bind("s", v.result().state().name())
                .bind("i", p.version())
                .bind("f", v.result().fixedVersion())
                .bind("ev", evidence(v.result()))
                .bind("id", id)
                .execute();
    }

    private static void insert(Handle h, String hostId, InstalledPackage p, Verdict v, Instant now) {
        h.createUpdate("INSERT INTO finding (id, host_id, ecosystem, package, arch, advisory_source, advisory_id,"
                        + " state, installed, fixed, evidence, first_seen_micros)"
                        + " VALUES (:id, :h, :e, :p, :a, :src, :adv, :s, :i, :f, :ev, :t)")
                .bind("id", UUID.randomUUID().toString())
                .bind("h", hostId)
                .bind("e", p.ecosystem().name())
                .bind("p", p.name())
                .bind("a", arch(p))
                .bind("src", v.advisory().source())
                .bind("adv", v.advisory().id())
                .bind("s", v.result().state().name())
                .bind("i", p.version())
                .bind("f", v.result().fixedVersion())
                .bind("ev", evidence(v.result()))
                .bind("t", Micros.of(now))
                .execute();
    }

    private static String evidence(MatchResult r) {
        Evidence e = r.evidence();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scheme", e.scheme());
        m.put("matchedBy", e.matchedBy());
        m.put("installedVersion", e.installedVersion());
        m.put("fixedVersion", e.fixedVersion());
        m.put("range", e.range());
        m.put("decisionPath", e.decisionPath());
        if (r instanceof MatchResult.Unknown u) {
            m.put("reason", u.reason());
        }
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String key(InstalledPackage p) {
        return p.ecosystem().name() + '\u0000' + p.name() + '\u0000' + arch(p);
    }

    private static String arch(InstalledPackage p) {
        return p.arch() == null ? "" : p.arch();
    }

    /** The canonical inventory hash (docs/agent-protocol.md). */
    public static String hash(Inventory inventory) {
        return dev.fixpoint.core.inventory.InventoryHash.of(inventory);
    }
}
