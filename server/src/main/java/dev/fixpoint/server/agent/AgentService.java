package dev.fixpoint.server.agent;

import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.inventory.InventoryHash;
import dev.fixpoint.core.inventory.PendingUpdate;
import dev.fixpoint.core.platform.Ecosystem;
import dev.fixpoint.server.agent.AgentMessages.CheckinRequest;
import dev.fixpoint.server.agent.AgentMessages.CheckinResponse;
import dev.fixpoint.server.agent.AgentMessages.EnrollRequest;
import dev.fixpoint.server.agent.AgentMessages.EnrollResponse;
import dev.fixpoint.server.agent.AgentMessages.InventoryRequest;
import dev.fixpoint.server.agent.AgentMessages.InventoryResponse;
import dev.fixpoint.server.agent.AgentMessages.Package;
import dev.fixpoint.server.agent.AgentMessages.Pending;
import dev.fixpoint.server.audit.AuditLog;
import dev.fixpoint.server.auth.AuthService;
import dev.fixpoint.server.auth.Principal;
import dev.fixpoint.server.auth.Secrets;
import dev.fixpoint.server.deploy.JobService;
import dev.fixpoint.server.feed.FeedService;
import dev.fixpoint.server.inventory.InventoryStore;
import dev.fixpoint.server.platform.ApiException;
import dev.fixpoint.server.platform.Metrics;
import dev.fixpoint.server.platform.Micros;
import dev.fixpoint.server.platform.Strings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * The server side of the agent protocol: enrollment tokens, enrollment, check-ins and inventories.
 * Check-ins are the hot path: one credential lookup (cached), one host update, and the pending
 * updates rewritten only when they changed.
 */
public final class AgentService {
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");
    private static final Pattern TOKEN_TEXT = Pattern.compile("[\\x20-\\x7e]{0,200}");
    public static final int MAX_PACKAGES = 100_000;
    public static final int MAX_PENDING = 20_000;

    public record EnrollmentToken(
            String id,
            String prefix,
            String groupId,
            String description,
            String createdBy,
            Instant created,
            Instant expires,
            Instant revoked,
            int uses) {}

    public record CreatedEnrollmentToken(EnrollmentToken token, String secret) {}

    private final Jdbi jdbi;
    private final AuditLog audit;
    private final AuthService auth;
    private final InventoryStore inventory;
    private final FeedService feeds;
    private final Metrics metrics;
    private final Clock clock;
    private final Duration checkin;
    private final JobService jobs;
    private final LastSeen lastSeen;

    public AgentService(
            Jdbi jdbi,
            AuditLog audit,
            AuthService auth,
            InventoryStore inventory,
            FeedService feeds,
            Metrics metrics,
            Clock clock,
            Duration checkin,
            JobService jobs,
            LastSeen lastSeen) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.auth = auth;
        this.inventory = inventory;
        this.feeds = feeds;
        this.metrics = metrics;
        this.clock = clock;
        this.checkin = checkin;
        this.jobs = jobs;
        this.lastSeen = lastSeen;
    }

    // ---- enrollment tokens (admin)

    public CreatedEnrollmentToken createEnrollmentToken(
            Principal actor, String groupId, String description, Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(Duration.ofDays(365)) > 0) {
            throw ApiException.invalid("expiresInHours: 1..8760");
        }
        String desc = description == null ? "" : description.strip();
        if (!TOKEN_TEXT.matcher(desc).matches()) {
            throw ApiException.invalid("description: at most 200 printable ASCII characters");
        }
        String secret = Secrets.generate(Secrets.ENROLLMENT_TOKEN);
        Instant now = clock.instant();
        EnrollmentToken t = new EnrollmentToken(
                UUID.randomUUID().toString(),
                Secrets.displayPrefix(secret),
                groupId,
                desc,
                actor.name(),
                now,
                now.plus(lifetime),
                null,
                0);
        jdbi.useTransaction(h -> {
            if (groupId != null
                    && h.createQuery("SELECT COUNT(*) FROM host_group WHERE id = :g")
                                    .bind("g", groupId)
                                    .mapTo(Long.class)
                                    .one()
                            == 0) {
                throw ApiException.invalid("groupId: no group with id \"" + Strings.clip(groupId) + "\"");
            }
            h.createUpdate("INSERT INTO enrollment_token (id, token_hash, prefix, group_id, description, created_by,"
                            + " created_micros, expires_micros) VALUES (:id, :h, :p, :g, :d, :by, :c, :e)")
                    .bind("id", t.id())
                    .bind("h", Secrets.digest(secret))
                    .bind("p", t.prefix())
                    .bind("g", groupId)
                    .bind("d", desc)
                    .bind("by", actor.name())
                    .bind("c", Micros.of(now))
                    .bind("e", Micros.of(t.expires()))
                    .execute();
            Map<String, String> details = new TreeMap<>();
            details.put("expires", t.expires().toString());
            if (groupId != null) {
                details.put("group", groupId);
            }
            audit.append(h, actor.actor(), "enrollment_token.created", "enrollment_token:" + t.id(), details);
        });
        return new CreatedEnrollmentToken(t, secret);
    }

    public List<EnrollmentToken> enrollmentTokens() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM enrollment_token ORDER BY created_micros DESC")
                .map((rs, c) -> {
                    long r = rs.getLong("revoked_micros");
                    Instant revoked = rs.wasNull() ? null : Micros.instant(r);
                    return new EnrollmentToken(
                            rs.getString("id"),
                            rs.getString("prefix"),
                            rs.getString("group_id"),
                            rs.getString("description"),
                            rs.getString("created_by"),
                            Micros.instant(rs.getLong("created_micros")),
                            Micros.instant(rs.getLong("expires_micros")),
                            revoked,
                            rs.getInt("uses"));
                })
                .list());
    }

    public void revokeEnrollmentToken(Principal actor, String id) {
        jdbi.useTransaction(h -> {
            int n = h.createUpdate("UPDATE enrollment_token SET revoked_micros = :t WHERE id = :id")
                    .bind("t", Micros.of(clock.instant()))
                    .bind("id", id)
                    .execute();
            if (n == 0) {
                throw ApiException.notFound("no enrollment token with id \"" + Strings.clip(id) + "\"");
            }
            audit.append(h, actor.actor(), "enrollment_token.revoked", "enrollment_token:" + id, Map.of());
        });
    }

    // ---- enrollment

    public EnrollResponse enroll(EnrollRequest req, String remote) {
        auth.throttleAddress(remote, "enrollment");
        if (req == null || req.token() == null || !Secrets.looksLike(req.token(), Secrets.ENROLLMENT_TOKEN)) {
            auth.recordFailure("(enrollment)", remote, "agent.enroll.refused", "enrollment");
            throw ApiException.unauthorized("enrollment token missing or malformed");
        }
        String hostname = req.hostname() == null ? "" : req.hostname().strip();
        if (!HOSTNAME.matcher(hostname).matches()) {
            throw ApiException.invalid("hostname: \"" + Strings.clip(hostname) + "\" is not a host name");
        }
        String machineId = req.machineId() == null ? "" : req.machineId().strip();
        if (!machineId.matches("[0-9a-fA-F-]{0,64}")) {
            throw ApiException.invalid("machineId: \"" + Strings.clip(machineId) + "\" is not a machine id (hex)");
        }
        String version = req.agentVersion() == null ? "" : Strings.clip(req.agentVersion());
        Instant now = clock.instant();
        String credential = Secrets.generate(Secrets.AGENT_CREDENTIAL);
        boolean valid = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM enrollment_token WHERE token_hash = :h"
                                + " AND revoked_micros IS NULL AND expires_micros > :now")
                        .bind("h", Secrets.digest(req.token()))
                        .bind("now", Micros.of(now))
                        .mapTo(Long.class)
                        .one())
                > 0;
        if (!valid) {
            // Recorded in a transaction of its own: the refusal must outlive the 401.
            auth.recordFailure("(enrollment)", remote, "agent.enroll.refused", "host:" + hostname);
            throw ApiException.unauthorized("enrollment token unknown, expired or revoked");
        }
        return jdbi.inTransaction(h -> {
            Optional<Map<String, Object>> token = h.createQuery("SELECT * FROM enrollment_token WHERE token_hash = :h"
                            + " AND revoked_micros IS NULL AND expires_micros > :now")
                    .bind("h", Secrets.digest(req.token()))
                    .bind("now", Micros.of(now))
                    .mapToMap()
                    .findOne();
            if (token.isEmpty()) {
                throw ApiException.unauthorized("enrollment token revoked or expired just now");
            }
            String tokenId = (String) token.get().get("id");
            Optional<String> existing = h.createQuery(
                            "SELECT id FROM host WHERE hostname = :n AND machine_id = :m ORDER BY created_micros LIMIT 1")
                    .bind("n", hostname)
                    .bind("m", machineId)
                    .mapTo(String.class)
                    .findOne();
            String hostId = existing.orElseGet(() -> {
                String id = UUID.randomUUID().toString();
                h.createUpdate("INSERT INTO host (id, hostname, machine_id, created_micros, last_seen_micros)"
                                + " VALUES (:id, :n, :m, :t, :t)")
                        .bind("id", id)
                        .bind("n", hostname)
                        .bind("m", machineId)
                        .bind("t", Micros.of(now))
                        .execute();
                return id;
            });
            h.createUpdate("UPDATE agent SET revoked_micros = :t WHERE host_id = :h AND revoked_micros IS NULL")
                    .bind("t", Micros.of(now))
                    .bind("h", hostId)
                    .execute();
            String agentId = UUID.randomUUID().toString();
            h.createUpdate("INSERT INTO agent (id, host_id, credential_hash, agent_version, created_micros)"
                            + " VALUES (:id, :h, :c, :v, :t)")
                    .bind("id", agentId)
                    .bind("h", hostId)
                    .bind("c", Secrets.digest(credential))
                    .bind("v", version)
                    .bind("t", Micros.of(now))
                    .execute();
            h.createUpdate("UPDATE enrollment_token SET uses = uses + 1 WHERE id = :id")
                    .bind("id", tokenId)
                    .execute();
            Object group = token.get().get("group_id");
            if (group != null) {
                h.createUpdate("DELETE FROM host_group_member WHERE group_id = :g AND host_id = :h")
                        .bind("g", group)
                        .bind("h", hostId)
                        .execute();
                h.createUpdate("INSERT INTO host_group_member (group_id, host_id) VALUES (:g, :h)")
                        .bind("g", group)
                        .bind("h", hostId)
                        .execute();
            }
            Map<String, String> details = new TreeMap<>();
            details.put("agent", agentId);
            details.put("enrollment_token", tokenId);
            details.put("remote", remote);
            details.put("reenrolled", Boolean.toString(existing.isPresent()));
            audit.append(h, "agent:" + agentId, "agent.enrolled", "host:" + hostname, details);
            auth.forgetAgents();
            return new EnrollResponse(
                    agentId,
                    hostId,
                    credential,
                    checkin.toSeconds(),
                    jobs.keys().publicLine());
        });
    }

    // ---- check-in

    public CheckinResponse checkin(Principal agent, CheckinRequest req) {
        if (req == null) {
            throw ApiException.badRequest("check-in body missing");
        }
        String hash = req.inventoryHash() == null ? "" : req.inventoryHash();
        if (!hash.isEmpty() && !hash.matches("[0-9a-f]{64}")) {
            metrics.checkins.labelValues("rejected").inc();
            throw ApiException.invalid("inventoryHash: not a lower-case SHA-256 hex digest");
        }
        // null: the agent could not ask its package manager (not the same as "nothing pending").
        boolean pendingKnown = req.pendingUpdates() != null;
        List<Pending> pending = pendingKnown ? req.pendingUpdates() : List.of();
        if (pending.size() > MAX_PENDING) {
            metrics.checkins.labelValues("rejected").inc();
            throw ApiException.invalid("pendingUpdates: more than " + MAX_PENDING + " entries");
        }
        List<PendingUpdate> updates = new ArrayList<>(pending.size());
        for (int i = 0; i < pending.size(); i++) {
            Pending p = pending.get(i);
            if (p == null || blank(p.name()) || blank(p.available())) {
                metrics.checkins.labelValues("rejected").inc();
                throw ApiException.invalid("pendingUpdates[" + i + "]: name and available are required");
            }
            updates.add(new PendingUpdate(p.name(), p.arch(), p.installed(), p.available(), p.origin(), p.security()));
        }
        String ecosystemName = req.os() == null ? null : req.os().ecosystem();
        Ecosystem ecosystem = null;
        if (!blank(ecosystemName)) {
            try {
                ecosystem = Ecosystem.of(ecosystemName);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("os.ecosystem: " + e.getMessage());
            }
        }
        String pendingHash = pendingHash(updates);
        String bootId = req.bootId() == null || req.bootId().isBlank()
                ? null
                : Strings.clip(req.bootId().strip());
        Instant now = clock.instant();
        Ecosystem eco = ecosystem;
        String os = req.os() == null || req.os().prettyName() == null
                ? ""
                : Strings.clip(req.os().prettyName());
        String kernelRunning = req.kernel() == null || req.kernel().running() == null
                ? ""
                : Strings.clip(req.kernel().running());
        String kernels = req.kernel() == null || req.kernel().installed() == null
                ? ""
                : String.join(
                        " ",
                        req.kernel().installed().stream()
                                .filter(k -> k != null && !k.isBlank())
                                .limit(32)
                                .map(k -> Strings.clip(k).replace(' ', '_'))
                                .toList());
        // The hot path is one read in autocommit: what decides the answer, and the facts last stored.
        // Facts are written only when they changed; otherwise the time seen is written behind, in a
        // batch with other hosts' (LastSeen).
        HostState host = jdbi.withHandle(h -> h.createQuery("SELECT inventory_hash, pending_hash, refresh_requested,"
                                + " ecosystem, jobs_waiting, os_name, kernel_running, kernel_installed,"
                                + " reboot_required, boot_id FROM host WHERE id = :id")
                        .bind("id", agent.hostId())
                        .map((rs, ctx) -> new HostState(
                                rs.getString("inventory_hash"),
                                rs.getString("pending_hash"),
                                rs.getInt("refresh_requested") != 0,
                                rs.getString("ecosystem"),
                                rs.getInt("jobs_waiting") != 0,
                                rs.getString("os_name"),
                                rs.getString("kernel_running"),
                                rs.getString("kernel_installed"),
                                rs.getInt("reboot_required") != 0,
                                rs.getString("boot_id")))
                        .findOne())
                .orElseThrow(() -> ApiException.unauthorized("this agent's host was deleted; enroll again"));
        boolean reboot = Boolean.TRUE.equals(req.rebootRequired());
        boolean factsChanged = !os.equals(host.os())
                || !kernelRunning.equals(host.kernelRunning())
                || !kernels.equals(host.kernelInstalled())
                || reboot != host.rebootRequired()
                || (eco != null && !eco.name().equals(host.ecosystem()))
                || (bootId != null && !bootId.equals(host.bootId()));
        if (factsChanged) {
            int n = jdbi.withHandle(h -> h.createUpdate(
                            "UPDATE host SET last_seen_micros = :t, os_name = :os,"
                                    + " kernel_running = :kr, kernel_installed = :ki, reboot_required = :rb,"
                                    + " ecosystem = COALESCE(:eco, ecosystem), boot_id = COALESCE(:boot, boot_id) WHERE id = :id")
                    .bind("t", Micros.of(now))
                    .bind("os", os)
                    .bind("kr", kernelRunning)
                    .bind("ki", kernels)
                    .bind("rb", reboot ? 1 : 0)
                    .bind("eco", eco == null ? null : eco.name())
                    .bind("boot", bootId)
                    .bind("id", agent.hostId())
                    .execute());
            if (n == 0) {
                throw ApiException.unauthorized("this agent's host was deleted; enroll again");
            }
        } else {
            lastSeen.seen(agent.hostId(), Micros.of(now));
        }
        if (pendingKnown && !pendingHash.equals(host.pendingHash())) {
            Ecosystem hostEco = eco != null ? eco : host.ecosystem() == null ? null : Ecosystem.of(host.ecosystem());
            if (hostEco != null) {
                jdbi.useTransaction(h -> {
                    inventory.recordPendingUpdates(
                            h, agent.hostId(), hostEco, updates, feeds.current().index(), now);
                    h.createUpdate("UPDATE host SET pending_hash = :p WHERE id = :id")
                            .bind("p", pendingHash)
                            .bind("id", agent.hostId())
                            .execute();
                });
            }
        }
        boolean wanted = !hash.equals(host.inventoryHash()) || host.refreshRequested();
        metrics.checkins.labelValues(wanted ? "inventory_wanted" : "ok").inc();
        List<com.fasterxml.jackson.databind.JsonNode> out =
                host.jobsWaiting() ? jobs.deliver(agent.hostId(), now) : List.of();
        return new CheckinResponse(wanted, checkin.toSeconds(), now, out);
    }

    /** What a check-in reads of its host. */
    private record HostState(
            String inventoryHash,
            String pendingHash,
            boolean refreshRequested,
            String ecosystem,
            boolean jobsWaiting,
            String os,
            String kernelRunning,
            String kernelInstalled,
            boolean rebootRequired,
            String bootId) {}

    // ---- inventory

    public InventoryResponse inventory(Principal agent, InventoryRequest req) {
        if (req == null || req.packages() == null) {
            metrics.inventories.labelValues("rejected").inc();
            throw ApiException.badRequest("inventory body missing or without packages");
        }
        if (req.packages().size() > MAX_PACKAGES) {
            metrics.inventories.labelValues("rejected").inc();
            throw ApiException.invalid("packages: more than " + MAX_PACKAGES + " entries");
        }
        Ecosystem ecosystem;
        try {
            ecosystem = Ecosystem.of(req.ecosystem() == null ? "" : req.ecosystem());
            if (!ecosystem.isDistribution() || ecosystem.schemeId().isEmpty()) {
                throw new IllegalArgumentException(
                        "\"" + Strings.clip(req.ecosystem()) + "\" is not a supported distribution (e.g. Debian:12,"
                                + " Ubuntu:22.04:LTS, AlmaLinux:9, Alpine:v3.18)");
            }
        } catch (IllegalArgumentException e) {
            metrics.inventories.labelValues("rejected").inc();
            throw ApiException.invalid("ecosystem: " + e.getMessage());
        }
        List<InstalledPackage> packages = new ArrayList<>(req.packages().size());
        for (int i = 0; i < req.packages().size(); i++) {
            Package p = req.packages().get(i);
            if (p == null || blank(p.name()) || blank(p.version())) {
                metrics.inventories.labelValues("rejected").inc();
                throw ApiException.invalid("packages[" + i + "]: name and version are required");
            }
            if (p.name().length() > 256 || p.version().length() > 256) {
                metrics.inventories.labelValues("rejected").inc();
                throw ApiException.invalid("packages[" + i + "]: name or version longer than 256 characters");
            }
            packages.add(new InstalledPackage(
                    ecosystem,
                    p.name(),
                    p.version(),
                    blank(p.arch()) ? null : p.arch(),
                    p.sourceName(),
                    p.sourceVersion()));
        }
        Inventory inv = new Inventory(ecosystem, packages, "agent " + agent.id());
        String hash = InventoryHash.of(inv);
        if (req.inventoryHash() != null && !hash.equals(req.inventoryHash())) {
            metrics.inventories.labelValues("rejected").inc();
            throw ApiException.invalid("inventoryHash: the packages sent hash to " + hash + ", not "
                    + Strings.clip(req.inventoryHash()) + " (truncated or altered upload; nothing was stored)");
        }
        long t0 = System.nanoTime();
        long[] open = new long[1];
        InventoryStore.Result r = jdbi.inTransaction(h -> {
            InventoryStore.Result res = inventory.ingest(
                    h, agent.hostId(), inv, hash, feeds.current().index(), clock.instant());
            open[0] = h.createQuery("SELECT COUNT(*) FROM finding WHERE host_id = :h AND resolved_micros IS NULL")
                    .bind("h", agent.hostId())
                    .mapTo(Long.class)
                    .one();
            return res;
        });
        metrics.evaluationSeconds.labelValues("inventory").observe((System.nanoTime() - t0) / 1e9);
        metrics.inventories.labelValues(r.changed() ? "stored" : "unchanged").inc();
        return new InventoryResponse(packages.size(), r.packagesJudged() + r.packagesRemoved(), open[0]);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String pendingHash(List<PendingUpdate> updates) {
        List<String> lines = new ArrayList<>();
        for (PendingUpdate u : updates) {
            lines.add(u.name()
                    + '\t'
                    + u.arch()
                    + '\t'
                    + u.installed()
                    + '\t'
                    + u.available()
                    + '\t'
                    + u.origin()
                    + '\t'
                    + u.security());
        }
        lines.sort(null);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String l : lines) {
                sha.update((l + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
