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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
        return ingest(h, hostId, inventory, hash(inventory), index, now);
    }

    /**
     * Stores {@code inventory}, whose canonical hash the caller has computed, as the host's current
     * one and updates its findings; also clears a pending request for a full inventory. Reads the
     * host's stored package rows once and, of its findings, only the open ones of the packages that
     * changed; every write is batched (one round trip per kind of statement).
     */
    public Result ingest(Handle h, String hostId, Inventory inventory, String hash, AdvisoryIndex index, Instant now) {
        String stored = h.createQuery("SELECT COALESCE(inventory_hash, '') FROM host WHERE id = :id")
                .bind("id", hostId)
                .mapTo(String.class)
                .findOne()
                .orElseThrow(() -> new IllegalArgumentException("no host " + hostId));
        if (hash.equals(stored)) {
            h.createUpdate("UPDATE host SET last_seen_micros = :t, refresh_requested = 0 WHERE id = :id")
                    .bind("t", Micros.of(now))
                    .bind("id", hostId)
                    .execute();
            return new Result(false, 0, 0, 0, 0);
        }

        Map<PackageKey, StoredRow> old = new HashMap<>();
        for (StoredRow r : storedRows(h, hostId, stored)) {
            old.put(r.key(), r);
        }
        Map<PackageKey, InstalledPackage> current = new LinkedHashMap<>();
        for (InstalledPackage p : inventory.packages()) {
            current.put(key(p), p);
        }

        Map<PackageKey, InstalledPackage> changed = new LinkedHashMap<>();
        for (Map.Entry<PackageKey, InstalledPackage> e : current.entrySet()) {
            StoredRow was = old.get(e.getKey());
            if (was == null || !was.sameAs(e.getValue())) {
                changed.put(e.getKey(), e.getValue());
            }
        }
        List<StoredRow> removed = new ArrayList<>();
        for (Map.Entry<PackageKey, StoredRow> e : old.entrySet()) {
            if (!current.containsKey(e.getKey())) {
                removed.add(e.getValue());
            }
        }

        Map<String, Set<String>> touchedNames = new HashMap<>();
        for (Map.Entry<PackageKey, InstalledPackage> e : changed.entrySet()) {
            if (old.containsKey(e.getKey())) {
                InstalledPackage p = e.getValue();
                touchedNames
                        .computeIfAbsent(p.ecosystem().name(), k -> new HashSet<>())
                        .add(p.name());
            }
        }
        for (StoredRow r : removed) {
            touchedNames.computeIfAbsent(r.ecosystem(), k -> new HashSet<>()).add(r.name());
        }
        Map<PackageKey, List<OpenFinding>> openByPackage = openAdvisoryFindings(h, hostId, touchedNames);
        Writes w = new Writes(h, now);
        Matcher matcher = new Matcher(index);
        // Package rows go to the database in batches (one round trip each on PostgreSQL with
        // reWriteBatchedInserts), not a statement per package.
        PreparedBatch inserts = h.prepareBatch(
                "INSERT INTO host_package (host_id, ecosystem, name, arch, version, source_name, source_version)"
                        + " VALUES (:h, :e, :n, :a, :v, :sn, :sv)");
        PreparedBatch updates = h.prepareBatch("UPDATE host_package SET version = :v, source_name = :sn,"
                + " source_version = :sv WHERE host_id = :h AND ecosystem = :e AND name = :n AND arch = :a");
        for (Map.Entry<PackageKey, InstalledPackage> e : changed.entrySet()) {
            InstalledPackage p = e.getValue();
            judge(w, hostId, p, matcher, openByPackage.getOrDefault(e.getKey(), List.of()));
            (old.containsKey(e.getKey()) ? updates : inserts)
                    .bind("h", hostId)
                    .bind("e", p.ecosystem().name())
                    .bind("n", p.name())
                    .bind("a", arch(p))
                    .bind("v", p.version())
                    .bind("sn", p.sourceName())
                    .bind("sv", p.sourceVersion())
                    .add();
        }
        PreparedBatch deletes = h.prepareBatch(
                "DELETE FROM host_package WHERE host_id = :h AND ecosystem = :e AND name = :n AND arch = :a");
        for (StoredRow r : removed) {
            for (OpenFinding f : openByPackage.getOrDefault(r.key(), List.of())) {
                w.resolve(f.id());
            }
            deletes.bind("h", hostId)
                    .bind("e", r.ecosystem())
                    .bind("n", r.name())
                    .bind("a", r.arch())
                    .add();
        }
        w.execute();
        for (PreparedBatch b : List.of(inserts, updates, deletes)) {
            if (b.size() > 0) {
                b.execute();
            }
        }
        byte[] snapshot = InventorySnapshot.encode(current.values());
        int n = h.createUpdate("UPDATE host_inventory SET inventory_hash = :hash, packages = :p WHERE host_id = :id")
                .bind("hash", hash)
                .bind("p", snapshot)
                .bind("id", hostId)
                .execute();
        if (n == 0) {
            h.createUpdate("INSERT INTO host_inventory (host_id, inventory_hash, packages) VALUES (:id, :hash, :p)")
                    .bind("hash", hash)
                    .bind("p", snapshot)
                    .bind("id", hostId)
                    .execute();
        }
        h.createUpdate("UPDATE host SET inventory_hash = :hash, package_count = :n, ecosystem = :eco,"
                        + " last_seen_micros = :t, refresh_requested = 0 WHERE id = :id")
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
        return new Result(true, changed.size(), removed.size(), w.opened, w.resolved);
    }

    /**
     * The host's stored package rows: decoded from its {@code host_inventory} row when that holds the
     * inventory the host row names and can be read, read row by row from {@code host_package} otherwise
     * (a host stored before that table existed, a row in an older format, a damaged row).
     */
    private static List<StoredRow> storedRows(Handle h, String hostId, String storedHash) {
        if (!storedHash.isEmpty()) {
            Optional<List<StoredRow>> snapshot = h.createQuery(
                            "SELECT packages FROM host_inventory WHERE host_id = :id AND inventory_hash = :hash")
                    .bind("id", hostId)
                    .bind("hash", storedHash)
                    .mapTo(byte[].class)
                    .findOne()
                    .flatMap(InventorySnapshot::decode);
            if (snapshot.isPresent()) {
                return snapshot.get();
            }
        }
        return h.createQuery("SELECT ecosystem, name, arch, version, source_name, source_version FROM host_package"
                        + " WHERE host_id = :id")
                .bind("id", hostId)
                .map((rs, ctx) -> new StoredRow(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6)))
                .list();
    }

    /** A stored package row, compared with a reported package without building one. */
    record StoredRow(
            String ecosystem, String name, String arch, String version, String sourceName, String sourceVersion) {
        PackageKey key() {
            return new PackageKey(ecosystem, name, arch);
        }

        boolean sameAs(InstalledPackage p) {
            return version.equals(p.version())
                    && sourceName.equals(p.sourceName())
                    && sourceVersion.equals(p.sourceVersion());
        }
    }

    /** An open finding from an advisory, as much of it as judging needs. */
    private record OpenFinding(String id, String advisorySource, String advisoryId) {}

    /** Names per IN list: well under SQLite's and PostgreSQL's limits on bound parameters. */
    private static final int IN_CHUNK = 500;

    /**
     * The host's open advisory findings (not pending-update ones) of the packages named (by ecosystem),
     * by package key. The query follows the partial index of open findings (host, ecosystem, package).
     */
    private static Map<PackageKey, List<OpenFinding>> openAdvisoryFindings(
            Handle h, String hostId, Map<String, Set<String>> namesByEcosystem) {
        Map<PackageKey, List<OpenFinding>> out = new HashMap<>();
        for (Map.Entry<String, Set<String>> e : namesByEcosystem.entrySet()) {
            List<String> names = new ArrayList<>(e.getValue());
            for (int i = 0; i < names.size(); i += IN_CHUNK) {
                h.createQuery("SELECT id, package, arch, advisory_source, advisory_id FROM finding WHERE host_id = :h"
                                + " AND ecosystem = :e AND package IN (<names>) AND resolved_micros IS NULL"
                                + " AND advisory_source <> :pm")
                        .bind("h", hostId)
                        .bind("e", e.getKey())
                        .bindList("names", names.subList(i, Math.min(names.size(), i + IN_CHUNK)))
                        .bind("pm", PENDING_UPDATE_SOURCE)
                        .map((rs, ctx) -> {
                            PackageKey key = new PackageKey(e.getKey(), rs.getString(2), rs.getString(3));
                            out.computeIfAbsent(key, k -> new ArrayList<>())
                                    .add(new OpenFinding(rs.getString(1), rs.getString(4), rs.getString(5)));
                            return key;
                        })
                        .list();
            }
        }
        return out;
    }

    /** The finding writes of one ingest or re-evaluation, batched by kind and sent together. */
    private static final class Writes {
        private final long now;
        private final PreparedBatch resolves;
        private final PreparedBatch updates;
        private final PreparedBatch inserts;
        int opened;
        int resolved;

        Writes(Handle h, Instant now) {
            this.now = Micros.of(now);
            this.resolves = h.prepareBatch(
                    "UPDATE finding SET resolved_micros = :t WHERE id = :id AND resolved_micros IS NULL");
            this.updates = h.prepareBatch(
                    "UPDATE finding SET state = :s, installed = :i, fixed = :f, evidence = :ev WHERE id = :id");
            this.inserts = h.prepareBatch(
                    "INSERT INTO finding (id, host_id, ecosystem, package, arch, advisory_source, advisory_id,"
                            + " state, installed, fixed, evidence, first_seen_micros)"
                            + " VALUES (:id, :h, :e, :p, :a, :src, :adv, :s, :i, :f, :ev, :t)");
        }

        void resolve(String id) {
            resolves.bind("t", now).bind("id", id).add();
        }

        void update(String id, InstalledPackage p, Verdict v) {
            updates.bind("s", v.result().state().name())
                    .bind("i", p.version())
                    .bind("f", v.result().fixedVersion())
                    .bind("ev", evidence(v.result()))
                    .bind("id", id)
                    .add();
        }

        void insert(String hostId, InstalledPackage p, Verdict v) {
            inserts.bind("id", UUID.randomUUID().toString())
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
                    .bind("t", now)
                    .add();
            opened++;
        }

        /** Sends what is batched: resolutions first, so a finding closed and reopened cannot collide. */
        void execute() {
            if (resolves.size() > 0) {
                for (int n : resolves.execute()) {
                    resolved += Math.max(0, n);
                }
            }
            if (updates.size() > 0) {
                updates.execute();
            }
            if (inserts.size() > 0) {
                inserts.execute();
            }
        }

        /** Sends once enough is batched (a re-evaluation over many hosts). */
        void executeIfLarge() {
            if (resolves.size() + updates.size() + inserts.size() >= 1000) {
                execute();
            }
        }
    }

    /**
     * Judges one package again and brings its open advisory findings in line: opens findings for
     * advisories that now affect it, updates those that still do, resolves the rest.
     */
    private static void judge(Writes w, String hostId, InstalledPackage p, Matcher matcher, List<OpenFinding> open) {
        Map<String, Verdict> affecting = new HashMap<>();
        for (Verdict v : matcher.evaluate(p)) {
            if (v.result().state() != MatchState.NOT_AFFECTED) {
                affecting.put(v.advisory().source() + '\u0000' + v.advisory().id(), v);
            }
        }
        for (OpenFinding f : open) {
            Verdict v = affecting.remove(f.advisorySource() + '\u0000' + f.advisoryId());
            if (v == null) {
                w.resolve(f.id());
            } else {
                w.update(f.id(), p, v);
            }
        }
        for (Verdict v : affecting.values()) {
            w.insert(hostId, p, v);
        }
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
        Map<String, List<InstalledPackage>> byHost = new LinkedHashMap<>();
        int[] candidates = new int[1];
        h.createQuery("SELECT * FROM host_package WHERE lower(name) IN (<names>) OR lower(source_name) IN (<names>)")
                .bindList(
                        "names",
                        names.stream()
                                .map(n -> n.toLowerCase(java.util.Locale.ROOT))
                                .toList())
                .map((rs, ctx) -> Map.entry(rs.getString("host_id"), installed(rs)))
                .forEach(e -> {
                    byHost.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
                    candidates[0]++;
                });
        Matcher matcher = new Matcher(index);
        Writes w = new Writes(h, now);
        for (Map.Entry<String, List<InstalledPackage>> e : byHost.entrySet()) {
            Map<String, Set<String>> hostNames = new HashMap<>();
            for (InstalledPackage p : e.getValue()) {
                hostNames
                        .computeIfAbsent(p.ecosystem().name(), k -> new HashSet<>())
                        .add(p.name());
            }
            Map<PackageKey, List<OpenFinding>> open = openAdvisoryFindings(h, e.getKey(), hostNames);
            for (InstalledPackage p : e.getValue()) {
                judge(w, e.getKey(), p, matcher, open.getOrDefault(key(p), List.of()));
            }
            w.executeIfLarge();
        }
        w.execute();
        return new int[] {candidates[0], w.opened, w.resolved};
    }

    /** A {@code host_package} row as the package it records ({@code ''} arch: none). */
    private static InstalledPackage installed(java.sql.ResultSet rs) throws java.sql.SQLException {
        String arch = rs.getString("arch");
        return new InstalledPackage(
                dev.fixpoint.core.platform.Ecosystem.of(rs.getString("ecosystem")),
                rs.getString("name"),
                rs.getString("version"),
                arch.isEmpty() ? null : arch,
                rs.getString("source_name"),
                rs.getString("source_version"));
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
                .map((rs, ctx) -> installed(rs))
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

    private static PackageKey key(InstalledPackage p) {
        return new PackageKey(p.ecosystem().name(), p.name(), arch(p));
    }

    /** What identifies a package on a host ({@code host_package}'s key); arch {@code ''} when none. */
    private record PackageKey(String ecosystem, String name, String arch) {}

    private static String arch(InstalledPackage p) {
        return p.arch() == null ? "" : p.arch();
    }

    /** The canonical inventory hash (docs/agent-protocol.md). */
    public static String hash(Inventory inventory) {
        return dev.fixpoint.core.inventory.InventoryHash.of(inventory);
    }
}
