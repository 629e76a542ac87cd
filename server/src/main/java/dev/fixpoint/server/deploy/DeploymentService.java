package dev.fixpoint.server.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.core.job.HealthCheck;
import dev.fixpoint.core.job.InvalidJobException;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.PackageTarget;
import dev.fixpoint.core.platform.Ecosystem;
import dev.fixpoint.server.audit.AuditLog;
import dev.fixpoint.server.auth.Principal;
import dev.fixpoint.server.deploy.DeploymentSpec.Pkg;
import dev.fixpoint.server.deploy.DeploymentSpec.Ring;
import dev.fixpoint.server.feed.FeedService;
import dev.fixpoint.server.finding.FindingService;
import dev.fixpoint.server.host.HostService;
import dev.fixpoint.server.platform.ApiException;
import dev.fixpoint.server.platform.ListQuery;
import dev.fixpoint.server.platform.Micros;
import dev.fixpoint.server.platform.Strings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * Deployments as the API and CLI see them: created (targets and their exact package versions
 * resolved at once, so what is approved is what runs), approved by a person or a policy, paused,
 * resumed, cancelled and rolled back. The {@link DeploymentEngine} moves them forward.
 */
public final class DeploymentService {
    public static final Set<String> KINDS = Set.of("PACKAGES", "SECURITY", "ADVISORIES", "ALL_PENDING");
    public static final Set<String> WINDOW_MODES = Set.of("HOST_WINDOWS", "IMMEDIATE");
    public static final Set<String> REBOOT = Set.of("NEVER", "IF_REQUIRED", "ALWAYS");
    public static final Set<String> PREFLIGHT = Set.of("BLOCK", "WARN", "OFF");
    public static final int MAX_TARGETS = 100_000;
    private static final Pattern NAME = Pattern.compile("[\\x20-\\x7e]{1,200}");
    private static final TypeReference<List<PackageTarget>> TARGETS = new TypeReference<>() {};

    public record RingView(
            int index,
            String name,
            String state,
            int hosts,
            long bakeMinutes,
            double minSuccessRatio,
            int maxFailures,
            double maxFailureRatio,
            int concurrency,
            Instant started,
            Instant passed,
            Instant finished,
            Map<String, Long> targets) {}

    public record DeploymentView(
            String id,
            String name,
            String state,
            String reason,
            String createdBy,
            Instant created,
            String approvedBy,
            Instant approved,
            Instant finished,
            int currentRing,
            String windows,
            String reboot,
            boolean autoRollback,
            long expectedMinutes,
            List<DeploymentSpec.Check> healthChecks,
            String preflight,
            List<RingView> rings,
            Map<String, Long> targets,
            JsonNode spec) {}

    public record TargetView(
            String hostId,
            String hostname,
            int ring,
            String state,
            List<PackageTarget> packages,
            JsonNode before,
            int attempts,
            String detail,
            String preflight,
            Instant updated) {}

    private final Jdbi jdbi;
    private final AuditLog audit;
    private final HostService hosts;
    private final FindingService findings;
    private final FeedService feeds;
    private final JobService jobs;
    private final ApprovalPolicies policies;
    private final ObjectMapper json;
    private final Clock clock;
    private volatile Runnable wake = () -> {};

    public DeploymentService(
            Jdbi jdbi,
            AuditLog audit,
            HostService hosts,
            FindingService findings,
            FeedService feeds,
            JobService jobs,
            ApprovalPolicies policies,
            ObjectMapper json,
            Clock clock) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.hosts = hosts;
        this.findings = findings;
        this.feeds = feeds;
        this.jobs = jobs;
        this.policies = policies;
        this.json = json;
        this.clock = clock;
    }

    /** Called after a change the engine should act on soon (approval, resume, rollback). */
    public void onChange(Runnable wake) {
        this.wake = wake;
    }

    // ---- create

    public DeploymentView create(Principal actor, DeploymentSpec spec) {
        return create(actor.actor(), spec);
    }

    /** Checks a spec (a schedule's template) without creating anything: 422 naming the field. */
    public void validate(DeploymentSpec spec) {
        check(spec);
    }

    /** Creates a deployment on behalf of {@code actor} as the audit log names it ({@code user:…}, {@code schedule:…}). */
    DeploymentView create(String actor, DeploymentSpec spec) {
        Checked c = check(spec);
        List<String> hostIds = selectHosts(spec.where());
        if (hostIds.size() > MAX_TARGETS) {
            throw ApiException.invalid(
                    "where: " + hostIds.size() + " hosts; at most " + MAX_TARGETS + " per deployment");
        }
        Map<String, HostFacts> facts = facts(hostIds);
        Map<String, Resolved> resolved = resolve(spec.what(), facts);
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        List<String> toPatch = new ArrayList<>();
        for (String h : hostIds) {
            if (!resolved.get(h).packages.isEmpty()) {
                toPatch.add(h);
            }
        }
        Map<String, Integer> ringOf = assignRings(id, c.rings, toPatch);
        String specText;
        try {
            specText = json.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Long> ringSizes = new HashMap<>();
        ringOf.values().forEach(r -> ringSizes.merge(Integer.toString(r), 1L, Long::sum));
        jdbi.useTransaction(h -> {
            h.createUpdate(
                            "INSERT INTO deployment (id, name, state, spec, window_mode, reboot_policy, auto_rollback,"
                                    + " expected_seconds, health_checks, preflight, offline_seconds, created_by, created_micros,"
                                    + " updated_micros) VALUES (:id, :n, :s, :spec, :w, :r, :ar, :e, :hc, :pf, :off, :by, :t, :t)")
                    .bind("id", id)
                    .bind("n", c.name)
                    .bind("s", States.PENDING_APPROVAL)
                    .bind("spec", specText)
                    .bind("w", c.windows)
                    .bind("r", c.reboot)
                    .bind("ar", c.autoRollback ? 1 : 0)
                    .bind("e", c.expectedMinutes * 60L)
                    .bind("hc", write(c.checks))
                    .bind("pf", c.preflight)
                    .bind("off", c.offlineMinutes * 60L)
                    .bind("by", actor)
                    .bind("t", Micros.of(now))
                    .execute();
            for (int i = 0; i < c.rings.size(); i++) {
                Ring r = c.rings.get(i);
                boolean last = i == c.rings.size() - 1;
                h.createUpdate("INSERT INTO deployment_ring (deployment_id, ring_index, name, state, bake_seconds,"
                                + " min_success_ratio, max_failures, max_failure_ratio, concurrency) VALUES (:d, :i, :n,"
                                + " :s, :b, :min, :mf, :mr, :c)")
                        .bind("d", id)
                        .bind("i", i)
                        .bind("n", r.name())
                        .bind("s", States.RING_WAITING)
                        .bind("b", (r.bakeMinutes() == null ? (last ? 0 : 30) : r.bakeMinutes()) * 60L)
                        .bind("min", r.minSuccessRatio() == null ? 1.0 : r.minSuccessRatio())
                        // Unset, any failure halts; with only a ratio, the ratio alone decides.
                        .bind(
                                "mf",
                                r.maxFailures() != null
                                        ? r.maxFailures()
                                        : r.maxFailureRatio() == null ? 0 : Integer.MAX_VALUE)
                        .bind("mr", r.maxFailureRatio() == null ? 1.0 : r.maxFailureRatio())
                        .bind("c", r.concurrency() == null ? 50 : r.concurrency())
                        .execute();
            }
            var batch = h.prepareBatch("INSERT INTO deployment_target (deployment_id, host_id, hostname, ring_index,"
                    + " state, packages, detail, updated_micros) VALUES (:d, :h, :n, :r, :s, :p, :detail, :t)");
            for (String hostId : hostIds) {
                Resolved r = resolved.get(hostId);
                boolean skip = r.packages.isEmpty();
                batch.bind("d", id)
                        .bind("h", hostId)
                        .bind("n", facts.get(hostId).hostname)
                        .bind("r", skip ? -1 : ringOf.get(hostId))
                        .bind("s", skip ? States.T_SKIPPED : States.T_PENDING)
                        .bind("p", write(r.packages))
                        .bind("detail", r.detail)
                        .bind("t", Micros.of(now))
                        .add();
            }
            if (!hostIds.isEmpty()) {
                batch.execute();
            }
            Map<String, String> details = new TreeMap<>();
            details.put("what", c.kind);
            details.put("hosts", Integer.toString(hostIds.size()));
            details.put("hostsToPatch", Integer.toString(toPatch.size()));
            details.put("rings", Integer.toString(c.rings.size()));
            details.put("windows", c.windows);
            details.put("reboot", c.reboot);
            audit.append(h, actor, "deployment.created", "deployment:" + id, details);
        });
        ApprovalPolicies.Match m = policies.match(findings, c.kind, resolved, toPatch);
        if (m != null) {
            approve(id, "policy:" + m.policy(), m.reason());
        } else {
            wake.run(); // the pre-flight jobs go out at once
        }
        return deployment(id);
    }

    /** The validated, defaulted parts of a spec. */
    private record Checked(
            String name,
            String kind,
            List<Ring> rings,
            String windows,
            String reboot,
            boolean autoRollback,
            int expectedMinutes,
            List<DeploymentSpec.Check> checks,
            String preflight,
            int offlineMinutes) {}

    private Checked check(DeploymentSpec spec) {
        if (spec == null) {
            throw ApiException.badRequest("deployment body missing");
        }
        String name = spec.name() == null ? "" : spec.name().strip();
        if (!NAME.matcher(name).matches()) {
            throw ApiException.invalid("name: 1-200 printable ASCII characters");
        }
        if (spec.what() == null || spec.what().kind() == null) {
            throw ApiException.invalid("what.kind: one of " + new java.util.TreeSet<>(KINDS));
        }
        String kind = spec.what().kind().toUpperCase(Locale.ROOT);
        if (!KINDS.contains(kind)) {
            throw ApiException.invalid("what.kind: \""
                    + Strings.clip(spec.what().kind()) + "\"; use one of " + new java.util.TreeSet<>(KINDS));
        }
        if (kind.equals("PACKAGES")) {
            List<Pkg> pkgs = spec.what().packages();
            if (pkgs == null || pkgs.isEmpty() || pkgs.size() > 1000) {
                throw ApiException.invalid("what.packages: 1-1000 {name, version} for kind PACKAGES");
            }
            for (int i = 0; i < pkgs.size(); i++) {
                Pkg p = pkgs.get(i);
                if (p == null || p.name() == null || p.version() == null) {
                    throw ApiException.invalid("what.packages[" + i + "]: name and version are required");
                }
                if (!anyFamilyAccepts(p)) {
                    throw ApiException.invalid("what.packages[" + i + "]: \"" + Strings.clip(p.name()) + "\" \""
                            + Strings.clip(p.version()) + "\" is not a valid package name and exact version for"
                            + " dpkg, rpm or apk");
                }
            }
        }
        if (kind.equals("ADVISORIES")) {
            List<String> a = spec.what().advisories();
            if (a == null || a.isEmpty() || a.size() > 1000) {
                throw ApiException.invalid("what.advisories: 1-1000 advisory or CVE ids for kind ADVISORIES");
            }
            for (String s : a) {
                if (s == null || !s.matches("[A-Za-z0-9][A-Za-z0-9:._-]{0,127}")) {
                    throw ApiException.invalid("what.advisories: \"" + Strings.clip(String.valueOf(s))
                            + "\" is not an advisory or CVE id");
                }
            }
        }
        if (spec.where() == null) {
            throw ApiException.invalid("where: hosts, groups, labels, hostname, ecosystem or allHosts: true");
        }
        String windows =
                spec.windows() == null ? "HOST_WINDOWS" : spec.windows().toUpperCase(Locale.ROOT);
        if (!WINDOW_MODES.contains(windows)) {
            throw ApiException.invalid(
                    "windows: \"" + Strings.clip(spec.windows()) + "\"; use HOST_WINDOWS or IMMEDIATE");
        }
        String reboot = spec.reboot() == null ? "IF_REQUIRED" : spec.reboot().toUpperCase(Locale.ROOT);
        if (!REBOOT.contains(reboot)) {
            throw ApiException.invalid(
                    "reboot: \"" + Strings.clip(spec.reboot()) + "\"; use NEVER, IF_REQUIRED or ALWAYS");
        }
        int expected = spec.expectedMinutes() == null ? 30 : spec.expectedMinutes();
        if (expected < 1 || expected > 24 * 60) {
            throw ApiException.invalid("expectedMinutes: 1..1440");
        }
        List<DeploymentSpec.Check> checks = spec.healthChecks() == null ? List.of() : spec.healthChecks();
        if (checks.size() > HealthCheck.MAX_PER_JOB) {
            throw ApiException.invalid("healthChecks: at most " + HealthCheck.MAX_PER_JOB);
        }
        for (int i = 0; i < checks.size(); i++) {
            DeploymentSpec.Check ch = checks.get(i);
            try {
                toCheck(ch);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw ApiException.invalid("healthChecks[" + i + "]: " + e.getMessage()
                        + " (kinds: SYSTEMD_UNIT, TCP_PORT, HTTP_GET, COMMAND)");
            }
        }
        if (new HashSet<>(checks).size() != checks.size()) {
            throw ApiException.invalid("healthChecks: the same check twice");
        }
        List<Ring> rings = spec.rings() == null || spec.rings().isEmpty()
                ? List.of(new Ring("all", null, null, 0, null, null, null, null))
                : spec.rings();
        if (rings.size() > 20) {
            throw ApiException.invalid("rings: at most 20");
        }
        double percents = 0;
        Set<String> names = new HashSet<>();
        for (int i = 0; i < rings.size(); i++) {
            Ring r = rings.get(i);
            String at = "rings[" + i + "]";
            if (r == null || r.name() == null || !r.name().matches("[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}")) {
                throw ApiException.invalid(at + ".name: 1-64 letters, digits, space . _ -");
            }
            if (!names.add(r.name())) {
                throw ApiException.invalid(at + ".name: \"" + r.name() + "\" twice");
            }
            if (r.group() != null && r.percent() != null) {
                throw ApiException.invalid(at + ": give a group or a percent, not both");
            }
            if (r.group() == null && r.percent() == null && i != rings.size() - 1) {
                throw ApiException.invalid(at + ": only the last ring may take \"the rest\" (no group, no percent)");
            }
            if (r.group() != null) {
                hosts.group(r.group());
            }
            if (r.percent() != null) {
                if (!(r.percent() > 0 && r.percent() <= 100)) {
                    throw ApiException.invalid(at + ".percent: more than 0, at most 100");
                }
                percents += r.percent();
            }
            if (r.bakeMinutes() != null && (r.bakeMinutes() < 0 || r.bakeMinutes() > 60 * 24 * 14)) {
                throw ApiException.invalid(at + ".bakeMinutes: 0..20160");
            }
            if (r.minSuccessRatio() != null && !(r.minSuccessRatio() >= 0 && r.minSuccessRatio() <= 1)) {
                throw ApiException.invalid(at + ".minSuccessRatio: 0..1");
            }
            if (r.maxFailureRatio() != null && !(r.maxFailureRatio() >= 0 && r.maxFailureRatio() <= 1)) {
                throw ApiException.invalid(at + ".maxFailureRatio: 0..1");
            }
            if (r.maxFailures() != null && r.maxFailures() < 0) {
                throw ApiException.invalid(at + ".maxFailures: 0 or more");
            }
            if (r.concurrency() != null && (r.concurrency() < 1 || r.concurrency() > MAX_TARGETS)) {
                throw ApiException.invalid(at + ".concurrency: 1.." + MAX_TARGETS);
            }
        }
        if (percents > 100.0 + 1e-9) {
            throw ApiException.invalid("rings: the percentages add up to " + percents + ", more than 100");
        }
        String preflight = spec.preflight() == null ? "BLOCK" : spec.preflight().toUpperCase(Locale.ROOT);
        if (!PREFLIGHT.contains(preflight)) {
            throw ApiException.invalid("preflight: \"" + Strings.clip(spec.preflight()) + "\"; use BLOCK, WARN or OFF");
        }
        int offline = spec.offlineMinutes() == null ? 60 : spec.offlineMinutes();
        if (offline < 10 || offline > 60 * 24 * 14) {
            throw ApiException.invalid("offlineMinutes: 10..20160");
        }
        return new Checked(
                name,
                kind,
                rings,
                windows,
                reboot,
                spec.autoRollback() == null || spec.autoRollback(),
                expected,
                checks,
                preflight,
                offline);
    }

    static HealthCheck toCheck(DeploymentSpec.Check c) {
        if (c == null || c.kind() == null || c.target() == null) {
            throw new IllegalArgumentException("kind and target are required");
        }
        HealthCheck.Kind k;
        try {
            k = HealthCheck.Kind.valueOf(c.kind().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown kind \"" + Strings.clip(c.kind()) + "\"");
        }
        return new HealthCheck(k, c.target());
    }

    private static boolean anyFamilyAccepts(Pkg p) {
        for (PackageFamily f : PackageFamily.values()) {
            try {
                f.checkName(p.name());
                f.checkVersion(p.version());
                return true;
            } catch (InvalidJobException e) {
                // try the next family
            }
        }
        return false;
    }

    // ---- hosts and packages

    private List<String> selectHosts(DeploymentSpec.Where w) {
        List<HostService.HostFilter> filters = new ArrayList<>();
        if (Boolean.TRUE.equals(w.allHosts())) {
            filters.add(new HostService.HostFilter(null, null, null, null, null, null));
        }
        for (String g : nullToEmpty(w.groups())) {
            filters.add(new HostService.HostFilter(null, null, g, null, null, null));
        }
        for (String l : nullToEmpty(w.labels())) {
            filters.add(new HostService.HostFilter(null, null, null, l, null, null));
        }
        if (w.hostname() != null || w.ecosystem() != null) {
            filters.add(new HostService.HostFilter(w.hostname(), w.ecosystem(), null, null, null, null));
        }
        Set<String> out = new LinkedHashSet<>();
        for (String id : nullToEmpty(w.hosts())) {
            out.add(hosts.host(id).id());
        }
        if (filters.isEmpty() && out.isEmpty()) {
            throw ApiException.invalid("where: hosts, groups, labels, hostname, ecosystem or allHosts: true");
        }
        jdbi.useHandle(h -> {
            for (HostService.HostFilter f : filters) {
                Map<String, Object> binds = new HashMap<>();
                Query q = h.createQuery(
                        "SELECT h.id FROM host h WHERE " + hosts.hostWhere(f, binds) + " ORDER BY h.hostname, h.id");
                binds.forEach(q::bind);
                out.addAll(q.mapTo(String.class).list());
            }
        });
        return new ArrayList<>(out);
    }

    private static <T> List<T> nullToEmpty(List<T> l) {
        return l == null ? List.of() : l;
    }

    /** What the resolution needs to know about a host. */
    static final class HostFacts {
        String hostname;
        Ecosystem ecosystem;
        boolean simulated;
        Map<String, List<String[]>> installed = new HashMap<>(); // name -> [arch, version]
        List<String[]> pending = new ArrayList<>(); // name, arch, available, security
    }

    private Map<String, HostFacts> facts(List<String> hostIds) {
        Map<String, HostFacts> out = new HashMap<>();
        jdbi.useHandle(h -> {
            for (List<String> chunk : chunks(hostIds, 500)) {
                h.createQuery("SELECT id, hostname, ecosystem, simulated FROM host WHERE id IN (<ids>)")
                        .bindList("ids", chunk)
                        .map((rs, c) -> {
                            HostFacts f = new HostFacts();
                            f.hostname = rs.getString(2);
                            String eco = rs.getString(3);
                            f.ecosystem = eco == null ? null : Ecosystem.of(eco);
                            f.simulated = rs.getInt(4) != 0;
                            out.put(rs.getString(1), f);
                            return f;
                        })
                        .list();
                h.createQuery("SELECT host_id, name, arch, version FROM host_package WHERE host_id IN (<ids>)")
                        .bindList("ids", chunk)
                        .map((rs, c) -> {
                            out.get(rs.getString(1))
                                    .installed
                                    .computeIfAbsent(rs.getString(2), k -> new ArrayList<>())
                                    .add(new String[] {rs.getString(3), rs.getString(4)});
                            return 0;
                        })
                        .list();
                h.createQuery("SELECT host_id, name, arch, available, security FROM pending_update"
                                + " WHERE host_id IN (<ids>) ORDER BY name, arch")
                        .bindList("ids", chunk)
                        .map((rs, c) -> {
                            out.get(rs.getString(1)).pending.add(new String[] {
                                rs.getString(2), rs.getString(3), rs.getString(4), Integer.toString(rs.getInt(5))
                            });
                            return 0;
                        })
                        .list();
            }
        });
        return out;
    }

    static <T> List<List<T>> chunks(Collection<T> all, int size) {
        List<List<T>> out = new ArrayList<>();
        List<T> cur = new ArrayList<>();
        for (T t : all) {
            cur.add(t);
            if (cur.size() == size) {
                out.add(cur);
                cur = new ArrayList<>();
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    /** The packages one host gets, or why none. */
    static final class Resolved {
        List<PackageTarget> packages = new ArrayList<>();
        String detail = "";
        Set<String> findingKeys = new HashSet<>(); // package:arch it installs, for approval policies
    }

    private Map<String, Resolved> resolve(DeploymentSpec.What what, Map<String, HostFacts> facts) {
        String kind = what.kind().toUpperCase(Locale.ROOT);
        Map<String, Map<String, List<String>>> fixes =
                kind.equals("ADVISORIES") ? fixesFor(what.advisories(), facts.keySet()) : Map.of();
        Map<String, Resolved> out = new HashMap<>();
        for (Map.Entry<String, HostFacts> e : facts.entrySet()) {
            HostFacts f = e.getValue();
            Resolved r = new Resolved();
            out.put(e.getKey(), r);
            if (f.simulated) {
                r.detail = "simulated host: no agent to run a job";
                continue;
            }
            PackageFamily family = f.ecosystem == null
                    ? null
                    : PackageFamily.of(f.ecosystem.family()).orElse(null);
            if (family == null) {
                r.detail = "no supported package manager known for this host (ecosystem "
                        + (f.ecosystem == null ? "unknown" : f.ecosystem.name()) + ")";
                continue;
            }
            Map<String, PackageTarget> chosen = new LinkedHashMap<>();
            List<String> notes = new ArrayList<>();
            switch (kind) {
                case "PACKAGES":
                    for (Pkg p : what.packages()) {
                        List<String[]> inst = f.installed.getOrDefault(p.name(), List.of());
                        if (inst.isEmpty()) {
                            notes.add(p.name() + " is not installed");
                        }
                        for (String[] ia : inst) {
                            if (p.arch() != null && !p.arch().equals(ia[0])) {
                                continue;
                            }
                            if (family.sameVersion(ia[1], p.version())) {
                                notes.add(p.name() + " is already " + p.version());
                                continue;
                            }
                            chosen.put(p.name() + ":" + ia[0], new PackageTarget(p.name(), p.version(), ia[0]));
                        }
                    }
                    break;
                case "SECURITY":
                case "ALL_PENDING":
                    for (String[] p : f.pending) {
                        if (kind.equals("SECURITY") && !"1".equals(p[3])) {
                            continue;
                        }
                        chosen.put(p[0] + ":" + p[1], new PackageTarget(p[0], p[2], p[1]));
                    }
                    break;
                case "ADVISORIES":
                    Map<String, List<String>> fixed = fixes.getOrDefault(e.getKey(), Map.of());
                    for (Map.Entry<String, List<String>> fx : fixed.entrySet()) {
                        String[] na = fx.getKey().split(":", 2);
                        String version = null;
                        for (String[] p : f.pending) {
                            if (p[0].equals(na[0]) && p[1].equals(na[1])) {
                                version = p[2]; // what the package manager would install: newest fix
                            }
                        }
                        if (version == null) {
                            version = highest(family, fx.getValue());
                        }
                        if (version == null) {
                            notes.add(na[0] + " has no fixed version");
                            continue;
                        }
                        chosen.put(fx.getKey(), new PackageTarget(na[0], version, na[1]));
                    }
                    break;
                default:
                    throw new AssertionError(kind);
            }
            for (PackageTarget t : chosen.values()) {
                try {
                    family.check(t);
                    r.packages.add(t);
                } catch (InvalidJobException ex) {
                    notes.add(ex.getMessage());
                }
            }
            if (r.packages.size() > dev.fixpoint.core.job.Job.MAX_PACKAGES) {
                r.packages = r.packages.subList(0, dev.fixpoint.core.job.Job.MAX_PACKAGES);
                notes.add("more than " + dev.fixpoint.core.job.Job.MAX_PACKAGES + " packages: the first ones only");
            }
            if (r.packages.isEmpty() && notes.isEmpty()) {
                notes.add("nothing to install");
            }
            r.detail = Strings.clip(String.join("; ", notes));
            r.packages.forEach(t -> r.findingKeys.add(t.key()));
        }
        return out;
    }

    /** For each host: package:arch -> the advisory's fixed version, for open findings of these advisories. */
    private Map<String, Map<String, List<String>>> fixesFor(List<String> ids, Set<String> hostIds) {
        Map<String, Map<String, List<String>>> out = new HashMap<>();
        for (String id : new LinkedHashSet<>(ids)) {
            boolean cve = id.matches("CVE-\\d{4}-\\d{4,}");
            FindingService.FindingFilter f = new FindingService.FindingFilter(
                    null, null, null, cve ? null : id, cve ? id : null, null, null, null, null, "open");
            for (FindingService.FindingView v : findings.matching(f)) {
                if (hostIds.contains(v.hostId())) {
                    List<String> fixed = out.computeIfAbsent(v.hostId(), k -> new HashMap<>())
                            .computeIfAbsent(v.pkg() + ":" + v.arch(), k -> new ArrayList<>());
                    if (v.fixed() != null) {
                        fixed.add(v.fixed());
                    }
                }
            }
        }
        return out;
    }

    /** The highest of these versions by the family's own ordering; null for none. */
    private static String highest(PackageFamily family, List<String> versions) {
        String best = null;
        for (String v : versions) {
            try {
                if (best == null || family.scheme().compare(v, best) > 0) {
                    best = v;
                }
            } catch (dev.fixpoint.core.version.InvalidVersionException e) {
                // an advisory's unparsable version is never chosen
            }
        }
        return best;
    }

    /**
     * Ring of each host: group rings take their group's hosts first (in ring order), then percentage
     * rings take their share of all hosts from a stable per-deployment shuffle, the last ring the rest.
     */
    private Map<String, Integer> assignRings(String deploymentId, List<Ring> rings, List<String> hostIds) {
        Map<String, Integer> out = new HashMap<>();
        Set<String> remaining = new LinkedHashSet<>(hostIds);
        for (int i = 0; i < rings.size(); i++) {
            if (rings.get(i).group() != null) {
                Set<String> members = hosts.groupMemberIds(rings.get(i).group());
                for (String h : hostIds) {
                    if (members.contains(h) && remaining.remove(h)) {
                        out.put(h, i);
                    }
                }
            }
        }
        List<String> shuffled = new ArrayList<>(remaining);
        shuffled.sort(Comparator.comparingLong((String h) -> stableOrder(deploymentId, h))
                .thenComparing(Comparator.naturalOrder()));
        int pos = 0;
        for (int i = 0; i < rings.size(); i++) {
            Double pct = rings.get(i).percent();
            if (pct != null) {
                int want = (int) Math.ceil(pct / 100.0 * hostIds.size() - 1e-9);
                for (int k = 0; k < want && pos < shuffled.size(); k++) {
                    out.put(shuffled.get(pos++), i);
                }
            }
        }
        // The last ring takes every host left: none is silently left out of a deployment.
        while (pos < shuffled.size()) {
            out.put(shuffled.get(pos++), rings.size() - 1);
        }
        return out;
    }

    // ---- reading

    public DeploymentView deployment(String id) {
        return jdbi.withHandle(h -> view(h, id));
    }

    public ListQuery.Page<DeploymentView> list(String state, ListQuery q) {
        return jdbi.withHandle(h -> {
            Query sel = h.createQuery("SELECT id FROM deployment" + (state == null ? "" : " WHERE state = :s")
                    + " ORDER BY created_micros DESC, id");
            if (state != null) {
                sel.bind("s", state);
            }
            List<String> ids = sel.mapTo(String.class).list();
            List<DeploymentView> all = new ArrayList<>();
            for (String id : ids) {
                all.add(view(h, id));
            }
            Map<String, Comparator<DeploymentView>> sort = new LinkedHashMap<>();
            sort.put("created", Comparator.comparing(DeploymentView::created));
            sort.put("name", Comparator.comparing(DeploymentView::name));
            sort.put("state", Comparator.comparing(DeploymentView::state));
            return q.page(all, sort);
        });
    }

    DeploymentView view(Handle h, String id) {
        Map<String, Object> d = h.createQuery("SELECT * FROM deployment WHERE id = :id")
                .bind("id", id)
                .mapToMap()
                .findOne()
                .orElseThrow(() -> ApiException.notFound("no deployment with id \"" + Strings.clip(id) + "\""));
        Map<Integer, Map<String, Long>> byRing = new TreeMap<>();
        Map<String, Long> all = new TreeMap<>();
        h.createQuery("SELECT ring_index, state, COUNT(*) FROM deployment_target WHERE deployment_id = :id"
                        + " GROUP BY ring_index, state")
                .bind("id", id)
                .map((rs, c) -> {
                    byRing.computeIfAbsent(rs.getInt(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getLong(3));
                    all.merge(rs.getString(2), rs.getLong(3), Long::sum);
                    return 0;
                })
                .list();
        List<RingView> rings = h.createQuery(
                        "SELECT * FROM deployment_ring WHERE deployment_id = :id ORDER BY ring_index")
                .bind("id", id)
                .map((rs, c) -> {
                    int i = rs.getInt("ring_index");
                    Map<String, Long> t = byRing.getOrDefault(i, Map.of());
                    return new RingView(
                            i,
                            rs.getString("name"),
                            rs.getString("state"),
                            (int) t.values().stream().mapToLong(Long::longValue).sum(),
                            rs.getLong("bake_seconds") / 60,
                            rs.getDouble("min_success_ratio"),
                            rs.getInt("max_failures"),
                            rs.getDouble("max_failure_ratio"),
                            rs.getInt("concurrency"),
                            JobService.optional(rs, "started_micros"),
                            JobService.optional(rs, "passed_micros"),
                            JobService.optional(rs, "finished_micros"),
                            t);
                })
                .list();
        JsonNode spec;
        List<DeploymentSpec.Check> checks;
        try {
            spec = json.readTree((String) d.get("spec"));
            checks =
                    json.readValue((String) d.get("health_checks"), new TypeReference<List<DeploymentSpec.Check>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new DeploymentView(
                id,
                (String) d.get("name"),
                (String) d.get("state"),
                (String) d.get("reason"),
                (String) d.get("created_by"),
                Micros.instant(((Number) d.get("created_micros")).longValue()),
                (String) d.get("approved_by"),
                d.get("approved_micros") == null
                        ? null
                        : Micros.instant(((Number) d.get("approved_micros")).longValue()),
                d.get("finished_micros") == null
                        ? null
                        : Micros.instant(((Number) d.get("finished_micros")).longValue()),
                ((Number) d.get("current_ring")).intValue(),
                (String) d.get("window_mode"),
                (String) d.get("reboot_policy"),
                ((Number) d.get("auto_rollback")).intValue() != 0,
                ((Number) d.get("expected_seconds")).longValue() / 60,
                checks,
                (String) d.get("preflight"),
                rings,
                all,
                spec);
    }

    public ListQuery.Page<TargetView> targets(String id, String state, ListQuery q) {
        return jdbi.withHandle(h -> {
            view(h, id);
            Query sel = h.createQuery("SELECT * FROM deployment_target WHERE deployment_id = :id"
                    + (state == null ? "" : " AND state = :s") + " ORDER BY ring_index, hostname, host_id");
            sel.bind("id", id);
            if (state != null) {
                sel.bind("s", state);
            }
            List<TargetView> all = sel.map((rs, c) -> target(rs)).list();
            Map<String, Comparator<TargetView>> sort = new LinkedHashMap<>();
            sort.put("ring", Comparator.comparingInt(TargetView::ring));
            sort.put("hostname", Comparator.comparing(TargetView::hostname));
            sort.put("state", Comparator.comparing(TargetView::state));
            sort.put("updated", Comparator.comparing(TargetView::updated));
            return q.page(all, sort);
        });
    }

    TargetView target(java.sql.ResultSet rs) throws java.sql.SQLException {
        try {
            String before = rs.getString("before_state");
            return new TargetView(
                    rs.getString("host_id"),
                    rs.getString("hostname"),
                    rs.getInt("ring_index"),
                    rs.getString("state"),
                    json.readValue(rs.getString("packages"), TARGETS),
                    before == null ? null : json.readTree(before),
                    rs.getInt("attempts"),
                    rs.getString("detail"),
                    rs.getString("preflight"),
                    Micros.instant(rs.getLong("updated_micros")));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public ListQuery.Page<JobService.StoredJob> jobs(String deploymentId, ListQuery q) {
        return jdbi.withHandle(h -> {
            state(h, deploymentId);
            long total = h.createQuery("SELECT COUNT(*) FROM job WHERE deployment_id = :d")
                    .bind("d", deploymentId)
                    .mapTo(Long.class)
                    .one();
            List<JobService.StoredJob> items = h.createQuery("SELECT * FROM job WHERE deployment_id = :d"
                            + q.orderBy(Map.of("created", "created_micros", "state", "state"), "id")
                            + " LIMIT :limit OFFSET :offset")
                    .bind("d", deploymentId)
                    .bind("limit", q.limit())
                    .bind("offset", q.offset())
                    .map((rs, c) -> jobs.read(rs))
                    .list();
            return new ListQuery.Page<>(items, total, q.offset(), q.limit());
        });
    }

    // ---- life cycle

    public DeploymentView approve(Principal actor, String id) {
        approve(id, actor.actor(), "");
        return deployment(id);
    }

    void approve(String id, String actor, String why) {
        jdbi.useTransaction(h -> {
            String state = state(h, id);
            if (!state.equals(States.PENDING_APPROVAL)) {
                throw ApiException.conflict("deployment " + id + " is " + state + "; only a deployment pending"
                        + " approval can be approved");
            }
            Instant now = clock.instant();
            h.createUpdate(
                            "UPDATE deployment SET state = :s, approved_by = :a, approved_micros = :t, updated_micros = :t"
                                    + " WHERE id = :id")
                    .bind("s", States.RUNNING)
                    .bind("a", actor)
                    .bind("t", Micros.of(now))
                    .bind("id", id)
                    .execute();
            Map<String, String> details = new TreeMap<>();
            if (!why.isEmpty()) {
                details.put("reason", why);
            }
            audit.append(h, actor, "deployment.approved", "deployment:" + id, details);
        });
        wake.run();
    }

    public DeploymentView pause(Principal actor, String id) {
        transition(actor, id, Set.of(States.RUNNING), States.PAUSED, "deployment.paused", "");
        return deployment(id);
    }

    public DeploymentView resume(Principal actor, String id) {
        transition(actor, id, Set.of(States.PAUSED), States.RUNNING, "deployment.resumed", "");
        wake.run();
        return deployment(id);
    }

    public DeploymentView cancel(Principal actor, String id) {
        jdbi.useTransaction(h -> {
            String state = state(h, id);
            if (States.FINAL.contains(state)) {
                throw ApiException.conflict("deployment " + id + " is " + state + " already");
            }
            Instant now = clock.instant();
            int recalled = cancelQueuedJobs(h, id, null);
            h.createUpdate("UPDATE deployment_target SET state = :c, detail = 'cancelled before it started',"
                            + " updated_micros = :t WHERE deployment_id = :id AND state = :p")
                    .bind("c", States.T_CANCELLED)
                    .bind("t", Micros.of(now))
                    .bind("id", id)
                    .bind("p", States.T_PENDING)
                    .execute();
            h.createUpdate("UPDATE deployment SET state = :s, finished_micros = :t, updated_micros = :t,"
                            + " reason = :r WHERE id = :id")
                    .bind("s", States.CANCELLED)
                    .bind("t", Micros.of(now))
                    .bind("r", "cancelled by " + actor.name())
                    .bind("id", id)
                    .execute();
            audit.append(
                    h,
                    actor.actor(),
                    "deployment.cancelled",
                    "deployment:" + id,
                    Map.of("previousState", state, "jobsRecalled", Integer.toString(recalled)));
        });
        return deployment(id);
    }

    /** Rolls back every host the deployment changed, in every ring, ignoring windows (docs). */
    public DeploymentView rollback(Principal actor, String id) {
        jdbi.useTransaction(h -> {
            String state = state(h, id);
            if (!Set.of(States.RUNNING, States.PAUSED, States.HALTED, States.COMPLETED)
                    .contains(state)) {
                throw ApiException.conflict("deployment " + id + " is " + state + "; it can be rolled back when"
                        + " running, paused, halted or completed");
            }
            Instant now = clock.instant();
            int recalled = cancelQueuedJobs(h, id, Set.of("INSTALL", "REBOOT"));
            h.createUpdate("UPDATE deployment_target SET state = :c, detail = 'cancelled: the deployment is rolled"
                            + " back', updated_micros = :t WHERE deployment_id = :id AND state = :p")
                    .bind("c", States.T_CANCELLED)
                    .bind("t", Micros.of(now))
                    .bind("id", id)
                    .bind("p", States.T_PENDING)
                    .execute();
            h.createUpdate("UPDATE deployment SET state = :s, updated_micros = :t, reason = :r WHERE id = :id")
                    .bind("s", States.ROLLING_BACK)
                    .bind("t", Micros.of(now))
                    .bind("r", "rollback requested by " + actor.name())
                    .bind("id", id)
                    .execute();
            audit.append(
                    h,
                    actor.actor(),
                    "deployment.rollback_requested",
                    "deployment:" + id,
                    Map.of("previousState", state, "jobsRecalled", Integer.toString(recalled)));
        });
        wake.run();
        return deployment(id);
    }

    /**
     * Cancels the deployment's jobs no agent has taken yet (their targets go back to pending);
     * a delivered job cannot be recalled, so it is left to report.
     */
    static int cancelQueuedJobs(Handle h, String deploymentId, Set<String> types) {
        List<String[]> queued = h.createQuery(
                        "SELECT id, host_id, type FROM job WHERE deployment_id = :d AND state = 'queued'")
                .bind("d", deploymentId)
                .map((rs, c) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
                .list();
        int n = 0;
        for (String[] j : queued) {
            if (types != null && !types.contains(j[2])) {
                continue;
            }
            h.createUpdate("UPDATE job SET state = 'cancelled' WHERE id = :id")
                    .bind("id", j[0])
                    .execute();
            h.createUpdate("UPDATE deployment_target SET state = 'pending' WHERE deployment_id = :d AND host_id = :h"
                            + " AND state IN ('installing', 'rebooting')")
                    .bind("d", deploymentId)
                    .bind("h", j[1])
                    .execute();
            JobService.refreshWaiting(h, j[1]);
            n++;
        }
        return n;
    }

    private void transition(Principal actor, String id, Set<String> from, String to, String action, String reason) {
        jdbi.useTransaction(h -> {
            String state = state(h, id);
            if (!from.contains(state)) {
                throw ApiException.conflict("deployment " + id + " is " + state + "; this needs it " + from);
            }
            h.createUpdate("UPDATE deployment SET state = :s, updated_micros = :t WHERE id = :id")
                    .bind("s", to)
                    .bind("t", Micros.of(clock.instant()))
                    .bind("id", id)
                    .execute();
            audit.append(
                    h,
                    actor.actor(),
                    action,
                    "deployment:" + id,
                    reason.isEmpty() ? Map.of() : Map.of("reason", reason));
        });
    }

    static String state(Handle h, String id) {
        return h.createQuery("SELECT state FROM deployment WHERE id = :id")
                .bind("id", id)
                .mapTo(String.class)
                .findOne()
                .orElseThrow(() -> ApiException.notFound("no deployment with id \"" + Strings.clip(id) + "\""));
    }

    String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static long stableOrder(String deploymentId, String hostId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((deploymentId + "\0" + hostId).getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (d[i] & 0xff);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
