package dev.fixpoint.server.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.core.job.HealthCheck;
import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageTarget;
import dev.fixpoint.server.audit.AuditLog;
import dev.fixpoint.server.auth.Principal;
import dev.fixpoint.server.platform.ApiException;
import dev.fixpoint.server.platform.Metrics;
import dev.fixpoint.server.platform.Micros;
import dev.fixpoint.server.platform.Strings;
import dev.fixpoint.server.schedule.Interval;
import dev.fixpoint.server.schedule.WindowPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves deployments forward. Each {@link #tick()} (run by the scheduler under a database lease, so
 * one node at a time) takes every active deployment in a transaction of its own: expires jobs whose
 * start window passed, settles hosts that finished installing or rebooting, applies the current
 * ring's gates (halt, bake, promote, complete), and hands out new jobs inside each host's
 * maintenance window up to the ring's concurrency. Results from agents ({@link #recordResult}) move
 * single hosts in the same way. Everything is in the database: a server stopped at any point resumes
 * each deployment where it was, and a job is never issued twice for one step of one host, because the
 * job and the host's new state are written in one transaction.
 */
public final class DeploymentEngine {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentEngine.class);

    /** How long after a delivered job's start deadline a missing result counts as a failure. */
    static final Duration RESULT_GRACE = Duration.ofMinutes(15);

    /** The longest an IMMEDIATE job waits to be taken before it is re-issued. */
    static final Duration IMMEDIATE_VALIDITY = Duration.ofHours(1);

    static final int MAX_ATTEMPTS = 3;

    /** Jobs created per transaction. */
    static final int CHUNK = 250;

    static final int MAX_CHUNKS_PER_TICK = 400;

    /** Pending hosts read per query while filling a chunk. */
    static final int PAGE = 1000;

    private static final TypeReference<List<PackageTarget>> TARGETS = new TypeReference<>() {};
    private static final TypeReference<List<DeploymentSpec.Check>> CHECKS = new TypeReference<>() {};

    private final Jdbi jdbi;
    private final AuditLog audit;
    private final JobService jobs;
    private final WindowService windows;
    private final ObjectMapper json;
    private final Clock clock;
    private final Metrics metrics;

    public DeploymentEngine(
            Jdbi jdbi,
            AuditLog audit,
            JobService jobs,
            WindowService windows,
            ObjectMapper json,
            Clock clock,
            Metrics metrics) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.jobs = jobs;
        this.windows = windows;
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** One pass over every deployment that may have something to do. */
    public synchronized void tick() {
        List<String> ids = jdbi.withHandle(h -> h.createQuery("SELECT d.id FROM deployment d WHERE d.state IN"
                        + " ('running', 'rolling_back') OR (d.state = 'pending_approval' AND d.preflight <> 'OFF') OR (d.state IN ('halted', 'paused', 'cancelled') AND EXISTS"
                        + " (SELECT 1 FROM deployment_target t WHERE t.deployment_id = d.id AND t.state IN"
                        + " ('installing', 'verifying', 'reboot_pending', 'rebooting', 'rollback_pending',"
                        + " 'rolling_back'))) ORDER BY d.created_micros, d.id")
                .mapTo(String.class)
                .list());
        for (String id : ids) {
            try {
                // Short transactions: a chunk of jobs becomes visible (and the hosts' rows free) at each
                // commit, so agents checking in meanwhile neither wait long nor miss the first jobs.
                for (int i = 0; i < MAX_CHUNKS_PER_TICK; i++) {
                    if (!jdbi.inTransaction(h -> advance(h, id, clock.instant()))) {
                        break;
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("deployment {}: cannot advance: {}", id, e.toString());
            }
        }
    }

    /** A deployment's row as the engine needs it. */
    private record D(
            String id,
            String state,
            String windowMode,
            String reboot,
            boolean autoRollback,
            Duration expected,
            List<HealthCheck> checks,
            int currentRing,
            int rings,
            String preflight,
            Duration offline) {}

    private record R(
            int index,
            String name,
            String state,
            Duration bake,
            double minSuccess,
            int maxFailures,
            double maxFailureRatio,
            int concurrency,
            Instant passed) {}

    private record T(
            String hostId,
            String hostname,
            int ring,
            String state,
            String packages,
            String before,
            int attempts,
            String jobId,
            String bootId) {}

    private D load(Handle h, String id) {
        return h.createQuery(
                        "SELECT d.*, (SELECT COUNT(*) FROM deployment_ring r WHERE r.deployment_id = d.id) AS rings"
                                + " FROM deployment d WHERE d.id = :id")
                .bind("id", id)
                .map((rs, c) -> {
                    List<HealthCheck> checks = new ArrayList<>();
                    try {
                        for (DeploymentSpec.Check ch : json.readValue(rs.getString("health_checks"), CHECKS)) {
                            checks.add(DeploymentService.toCheck(ch));
                        }
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException(e);
                    }
                    return new D(
                            rs.getString("id"),
                            rs.getString("state"),
                            rs.getString("window_mode"),
                            rs.getString("reboot_policy"),
                            rs.getInt("auto_rollback") != 0,
                            Duration.ofSeconds(rs.getLong("expected_seconds")),
                            checks,
                            rs.getInt("current_ring"),
                            rs.getInt("rings"),
                            rs.getString("preflight"),
                            Duration.ofSeconds(rs.getLong("offline_seconds")));
                })
                .one();
    }

    private static R ring(Handle h, String deploymentId, int index) {
        return h.createQuery("SELECT * FROM deployment_ring WHERE deployment_id = :d AND ring_index = :i")
                .bind("d", deploymentId)
                .bind("i", index)
                .map((rs, c) -> new R(
                        rs.getInt("ring_index"),
                        rs.getString("name"),
                        rs.getString("state"),
                        Duration.ofSeconds(rs.getLong("bake_seconds")),
                        rs.getDouble("min_success_ratio"),
                        rs.getInt("max_failures"),
                        rs.getDouble("max_failure_ratio"),
                        rs.getInt("concurrency"),
                        JobService.optional(rs, "passed_micros")))
                .one();
    }

    private static List<T> targets(Handle h, String deploymentId, String where) {
        return h.createQuery("SELECT * FROM deployment_target WHERE deployment_id = :d" + where
                        + " ORDER BY ring_index, hostname, host_id")
                .bind("d", deploymentId)
                .map((rs, c) -> target(rs))
                .list();
    }

    private static T target(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new T(
                rs.getString("host_id"),
                rs.getString("hostname"),
                rs.getInt("ring_index"),
                rs.getString("state"),
                rs.getString("packages"),
                rs.getString("before_state"),
                rs.getInt("attempts"),
                rs.getString("job_id"),
                rs.getString("boot_id"));
    }

    // ---- one deployment

    /** One step of one deployment; true when it created a full chunk of jobs and may create more at once. */
    boolean advance(Handle h, String id, Instant now) {
        D d = load(h, id);
        boolean more = false;
        expireJobs(h, d, now);
        settleVerifying(h, d, now);
        settleRebooting(h, d, now);
        if (!d.preflight().equals("OFF")
                && (d.state().equals(States.PENDING_APPROVAL) || d.state().equals(States.RUNNING))) {
            more |= dispatchPreflights(h, d, now);
        }
        switch (d.state()) {
            case States.RUNNING:
                more |= runRing(h, d, now);
                dispatchReboots(h, d, now);
                break;
            case States.ROLLING_BACK:
                h.createUpdate("UPDATE deployment_target SET state = 'rollback_pending', updated_micros = :t"
                                + " WHERE deployment_id = :d AND state IN (<s>) AND before_state IS NOT NULL")
                        .bind("t", Micros.of(now))
                        .bind("d", id)
                        .bindList("s", List.copyOf(States.ROLLBACK_CANDIDATES))
                        .execute();
                dispatchRollbacks(h, d, now);
                long open = h.createQuery("SELECT COUNT(*) FROM deployment_target WHERE deployment_id = :d"
                                + " AND state IN (<s>)")
                        .bind("d", id)
                        .bindList("s", List.copyOf(States.IN_FLIGHT))
                        .mapTo(Long.class)
                        .one();
                if (open == 0) {
                    finish(h, d, States.ROLLED_BACK, "rolled back", now);
                }
                break;
            case States.HALTED:
                dispatchRollbacks(h, d, now);
                break;
            default:
                break;
        }
        return more;
    }

    /** Jobs nobody took before their start deadline go back; delivered jobs without a result fail. */
    private void expireJobs(Handle h, D d, Instant now) {
        long t = Micros.of(now);
        List<String[]> expired = h.createQuery(
                        "SELECT id, host_id, type, state FROM job WHERE deployment_id = :d AND"
                                + " ((state = 'queued' AND expires_micros <= :t) OR (state = 'delivered' AND expires_micros <= :late))")
                .bind("d", d.id())
                .bind("t", t)
                .bind("late", Micros.of(now.minus(d.expected()).minus(RESULT_GRACE)))
                .map((rs, c) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)})
                .list();
        for (String[] j : expired) {
            h.createUpdate("UPDATE job SET state = 'expired' WHERE id = :id")
                    .bind("id", j[0])
                    .execute();
            JobService.refreshWaiting(h, j[1]);
            boolean taken = j[3].equals(JobService.DELIVERED);
            JobType type = JobType.valueOf(j[2]);
            String next;
            String detail;
            if (!taken) {
                next = type == JobType.INSTALL
                        ? States.T_PENDING
                        : type == JobType.REBOOT ? States.T_REBOOT_PENDING : States.T_ROLLBACK_PENDING;
                detail = "job " + j[0] + " was not taken before its window closed; waiting for the next";
            } else {
                next = type == JobType.ROLLBACK ? States.T_ROLLBACK_FAILED : States.T_FAILED;
                detail = "job " + j[0] + " was taken but no result came back within "
                        + minutes(d.expected().plus(RESULT_GRACE));
            }
            h.createUpdate("UPDATE deployment_target SET state = :s, detail = :detail, updated_micros = :t"
                            + " WHERE deployment_id = :d AND host_id = :h AND job_id = :j")
                    .bind("s", next)
                    .bind("detail", detail)
                    .bind("t", t)
                    .bind("d", d.id())
                    .bind("h", j[1])
                    .bind("j", j[0])
                    .execute();
        }
    }

    /** After an install, wait for the agent's next check-in, then reboot or finish. */
    private void settleVerifying(Handle h, D d, Instant now) {
        List<Map<String, Object>> rows = h.createQuery("SELECT t.host_id, h.reboot_required, h.last_seen_micros,"
                        + " j.finished_micros FROM deployment_target t JOIN host h ON h.id = t.host_id"
                        + " JOIN job j ON j.id = t.job_id WHERE t.deployment_id = :d AND t.state = 'verifying'")
                .bind("d", d.id())
                .mapToMap()
                .list();
        for (Map<String, Object> r : rows) {
            long seen = ((Number) r.get("last_seen_micros")).longValue();
            Object fin = r.get("finished_micros");
            if (fin != null && seen <= ((Number) fin).longValue()) {
                continue; // no check-in since the result: reboot-required is not known yet
            }
            boolean required = ((Number) r.get("reboot_required")).intValue() != 0;
            boolean reboot = d.reboot().equals("ALWAYS") || (d.reboot().equals("IF_REQUIRED") && required);
            setTarget(
                    h,
                    d.id(),
                    (String) r.get("host_id"),
                    reboot ? States.T_REBOOT_PENDING : States.T_SUCCEEDED,
                    reboot
                            ? "installed; reboot " + (required ? "required" : "always") + ", waiting for a slot"
                            : "installed"
                                    + (required ? " (the host asks for a reboot; policy " + d.reboot() + ")" : ""),
                    now);
        }
    }

    /** A reboot is done when the agent checks in from a new boot. */
    private void settleRebooting(Handle h, D d, Instant now) {
        List<Map<String, Object>> rows = h.createQuery("SELECT t.host_id, t.boot_id AS before_boot, h.boot_id,"
                        + " h.reboot_required, h.kernel_running, j.finished_micros, j.result_status FROM deployment_target t"
                        + " JOIN host h ON h.id = t.host_id JOIN job j ON j.id = t.job_id"
                        + " WHERE t.deployment_id = :d AND t.state = 'rebooting'")
                .bind("d", d.id())
                .mapToMap()
                .list();
        for (Map<String, Object> r : rows) {
            String host = (String) r.get("host_id");
            String before = r.get("before_boot") == null ? "" : (String) r.get("before_boot");
            String boot = (String) r.get("boot_id");
            if (r.get("result_status") == null) {
                continue; // the agent has not acknowledged the reboot job yet
            }
            if (!boot.isEmpty() && !boot.equals(before)) {
                boolean still = ((Number) r.get("reboot_required")).intValue() != 0;
                setTarget(
                        h,
                        d.id(),
                        host,
                        still ? States.T_UNHEALTHY : States.T_SUCCEEDED,
                        still
                                ? "rebooted, but the host still asks for a reboot (running kernel "
                                        + r.get("kernel_running") + ")"
                                : "installed and rebooted; running kernel " + r.get("kernel_running"),
                        now);
                audit.append(
                        h,
                        "system:deployments",
                        "host.rebooted",
                        "host:" + host,
                        Map.of("deployment", d.id(), "kernel", String.valueOf(r.get("kernel_running"))));
            } else if (Micros.instant(((Number) r.get("finished_micros")).longValue())
                    .plus(d.expected())
                    .plus(RESULT_GRACE)
                    .isBefore(now)) {
                setTarget(h, d.id(), host, States.T_FAILED, "did not check in from a new boot after its reboot", now);
            }
        }
    }

    // ---- rings

    private boolean runRing(Handle h, D d, Instant now) {
        R ring = ring(h, d.id(), d.currentRing());
        if (ring.state().equals(States.RING_WAITING)) {
            h.createUpdate("UPDATE deployment_ring SET state = 'running', started_micros = :t WHERE deployment_id = :d"
                            + " AND ring_index = :i")
                    .bind("t", Micros.of(now))
                    .bind("d", d.id())
                    .bind("i", ring.index())
                    .execute();
            audit.append(
                    h,
                    "system:deployments",
                    "deployment.ring_started",
                    "deployment:" + d.id(),
                    Map.of("ring", ring.name()));
        }
        giveUpOffline(h, d, ring, now);
        Map<String, Long> counts = new HashMap<>();
        h.createQuery("SELECT state, COUNT(*) FROM deployment_target WHERE deployment_id = :d AND ring_index = :i"
                        + " GROUP BY state")
                .bind("d", d.id())
                .bind("i", ring.index())
                .map((rs, c) -> counts.put(rs.getString(1), rs.getLong(2)))
                .list();
        // a host pre-flight kept out is neither a success nor a failure of the ring
        long size = counts.entrySet().stream()
                .filter(e -> !e.getKey().equals(States.T_BLOCKED))
                .mapToLong(Map.Entry::getValue)
                .sum();
        long failures = States.FAILURES.stream()
                .mapToLong(s -> counts.getOrDefault(s, 0L))
                .sum();
        if (failures > ring.maxFailures() || (size > 0 && (double) failures / size > ring.maxFailureRatio() + 1e-9)) {
            halt(
                    h,
                    d,
                    ring,
                    failures + " of " + size + " hosts in ring " + ring.name() + " failed (at most "
                            + ring.maxFailures()
                            + (ring.maxFailureRatio() < 1 ? ", ratio " + ring.maxFailureRatio() : "")
                            + " allowed)",
                    now);
            return false;
        }
        long open =
                States.OPEN.stream().mapToLong(s -> counts.getOrDefault(s, 0L)).sum();
        if (open > 0) {
            return dispatchInstalls(h, d, ring, counts, now) == CHUNK;
        }
        long ok = counts.getOrDefault(States.T_SUCCEEDED, 0L);
        double ratio = size == 0 ? 1.0 : (double) ok / size;
        if (ratio + 1e-9 < ring.minSuccess()) {
            halt(
                    h,
                    d,
                    ring,
                    "ring " + ring.name() + ": " + ok + " of " + size + " hosts succeeded, below the minimum"
                            + " success ratio " + ring.minSuccess(),
                    now);
            return false;
        }
        if (ring.passed() == null) {
            h.createUpdate("UPDATE deployment_ring SET state = 'baking', passed_micros = :t WHERE deployment_id = :d"
                            + " AND ring_index = :i")
                    .bind("t", Micros.of(now))
                    .bind("d", d.id())
                    .bind("i", ring.index())
                    .execute();
            audit.append(
                    h,
                    "system:deployments",
                    "deployment.ring_passed",
                    "deployment:" + d.id(),
                    Map.of(
                            "ring",
                            ring.name(),
                            "succeeded",
                            Long.toString(ok),
                            "hosts",
                            Long.toString(size),
                            "bakeMinutes",
                            Long.toString(ring.bake().toMinutes())));
            if (!ring.bake().isZero()) {
                return false;
            }
        } else if (now.isBefore(ring.passed().plus(ring.bake()))) {
            return false; // baking
        }
        h.createUpdate("UPDATE deployment_ring SET state = 'passed', finished_micros = :t WHERE deployment_id = :d"
                        + " AND ring_index = :i")
                .bind("t", Micros.of(now))
                .bind("d", d.id())
                .bind("i", ring.index())
                .execute();
        if (ring.index() + 1 >= d.rings()) {
            finish(h, d, States.COMPLETED, "every ring passed", now);
            return false;
        }
        h.createUpdate("UPDATE deployment SET current_ring = :r, updated_micros = :t WHERE id = :id")
                .bind("r", ring.index() + 1)
                .bind("t", Micros.of(now))
                .bind("id", d.id())
                .execute();
        R next = ring(h, d.id(), ring.index() + 1);
        audit.append(
                h,
                "system:deployments",
                "deployment.ring_promoted",
                "deployment:" + d.id(),
                Map.of("from", ring.name(), "to", next.name()));
        return true; // the next ring starts in the next transaction
    }

    /**
     * A host of the running ring that has not been seen for the deployment's offline time, with no
     * job of the deployment out, is given up: {@code offline}, neither a success nor a failure, so the
     * ring's minimum success ratio decides whether the deployment goes on without it.
     */
    private void giveUpOffline(Handle h, D d, R ring, Instant now) {
        long cutoff = Micros.of(now.minus(d.offline()));
        int n = h.createUpdate("UPDATE deployment_target SET state = 'offline', detail = :detail, updated_micros = :t"
                        + " WHERE deployment_id = :d AND ring_index = :i AND state = 'pending'"
                        + " AND host_id IN (SELECT id FROM host WHERE last_seen_micros < :cutoff)")
                .bind("detail", "given up: not seen for " + minutes(d.offline()) + " while its ring ran")
                .bind("t", Micros.of(now))
                .bind("d", d.id())
                .bind("i", ring.index())
                .bind("cutoff", cutoff)
                .execute();
        if (n > 0) {
            audit.append(
                    h,
                    "system:deployments",
                    "deployment.hosts_offline",
                    "deployment:" + d.id(),
                    Map.of("ring", ring.name(), "hosts", Integer.toString(n)));
        }
    }

    private void halt(Handle h, D d, R ring, String reason, Instant now) {
        long t = Micros.of(now);
        DeploymentService.cancelQueuedJobs(h, d.id(), Set.of("INSTALL"));
        h.createUpdate("UPDATE deployment_target SET state = 'cancelled', detail = :r, updated_micros = :t"
                        + " WHERE deployment_id = :d AND state = 'pending'")
                .bind("r", "not started: the deployment halted")
                .bind("t", t)
                .bind("d", d.id())
                .execute();
        h.createUpdate("UPDATE deployment_ring SET state = 'failed', finished_micros = :t WHERE deployment_id = :d"
                        + " AND ring_index = :i")
                .bind("t", t)
                .bind("d", d.id())
                .bind("i", ring.index())
                .execute();
        int rollbacks = 0;
        if (d.autoRollback()) {
            rollbacks = h.createUpdate(
                            "UPDATE deployment_target SET state = 'rollback_pending', updated_micros = :t"
                                    + " WHERE deployment_id = :d AND ring_index = :i AND state IN (<s>) AND before_state IS NOT NULL")
                    .bind("t", t)
                    .bind("d", d.id())
                    .bind("i", ring.index())
                    .bindList("s", List.copyOf(States.ROLLBACK_CANDIDATES))
                    .execute();
        }
        String full = reason + (d.autoRollback() ? "; rolling back " + rollbacks + " host(s) of the ring" : "");
        h.createUpdate("UPDATE deployment SET state = 'halted', reason = :r, updated_micros = :t WHERE id = :id")
                .bind("r", Strings.clip(full))
                .bind("t", t)
                .bind("id", d.id())
                .execute();
        Map<String, String> details = new TreeMap<>();
        details.put("ring", ring.name());
        details.put("reason", reason);
        details.put("autoRollback", Boolean.toString(d.autoRollback()));
        details.put("rollbacks", Integer.toString(rollbacks));
        audit.append(h, "system:deployments", "deployment.halted", "deployment:" + d.id(), details);
        metrics.deployments.labelValues("halted").inc();
        LOG.warn("deployment {} halted: {}", d.id(), full);
        dispatchRollbacks(
                h,
                new D(
                        d.id(),
                        States.HALTED,
                        d.windowMode(),
                        d.reboot(),
                        d.autoRollback(),
                        d.expected(),
                        d.checks(),
                        d.currentRing(),
                        d.rings(),
                        d.preflight(),
                        d.offline()),
                now);
    }

    private void finish(Handle h, D d, String state, String reason, Instant now) {
        h.createUpdate("UPDATE deployment SET state = :s, reason = :r, finished_micros = :t, updated_micros = :t"
                        + " WHERE id = :id")
                .bind("s", state)
                .bind("r", reason)
                .bind("t", Micros.of(now))
                .bind("id", d.id())
                .execute();
        audit.append(h, "system:deployments", "deployment." + state, "deployment:" + d.id(), Map.of("reason", reason));
        metrics.deployments.labelValues(state).inc();
    }

    // ---- dispatch

    /** Creates up to {@link #CHUNK} install jobs; returns how many. */
    private int dispatchInstalls(Handle h, D d, R ring, Map<String, Long> counts, Instant now) {
        long inFlight = States.OPEN.stream()
                .filter(s -> !s.equals(States.T_PENDING))
                .mapToLong(s -> counts.getOrDefault(s, 0L))
                .sum();
        long slots = Math.min(CHUNK, ring.concurrency() - inFlight);
        if (slots <= 0 || counts.getOrDefault(States.T_PENDING, 0L) == 0) {
            return 0;
        }
        // Claim the hosts first, in one batch: only the transaction that moves a host out of pending
        // creates its job, so two engines (or two ticks) can never issue two jobs for one step.
        List<JobService.NewJob> chosen = new ArrayList<>();
        PreparedBatch claim = h.prepareBatch("UPDATE deployment_target SET state = 'installing', job_id = :j,"
                + " attempts = attempts + 1, detail = :detail, updated_micros = :t"
                + " WHERE deployment_id = :d AND host_id = :h AND state = 'pending'");
        // Pending hosts a page at a time, in a stable order: with windows open the first page fills the
        // chunk; hosts waiting for their window are passed over without hiding the ones behind them.
        String afterName = "";
        String afterId = "";
        while (chosen.size() < slots) {
            List<T> page = h.createQuery("SELECT * FROM deployment_target WHERE deployment_id = :d AND ring_index = :r"
                            + " AND state = 'pending' AND (hostname > :n OR (hostname = :n AND host_id > :i))"
                            + (d.preflight().equals("OFF") ? "" : " AND preflight IN ('ok', 'warned')")
                            + " ORDER BY hostname, host_id LIMIT :limit")
                    .bind("d", d.id())
                    .bind("r", ring.index())
                    .bind("n", afterName)
                    .bind("i", afterId)
                    .bind("limit", PAGE)
                    .map((rs, c) -> target(rs))
                    .list();
            if (page.isEmpty()) {
                break;
            }
            afterName = page.get(page.size() - 1).hostname();
            afterId = page.get(page.size() - 1).hostId();
            Map<String, WindowPolicy> policies =
                    windows.policies(h, page.stream().map(T::hostId).toList());
            for (T t : page) {
                if (chosen.size() >= slots) {
                    break;
                }
                Instant deadline = startDeadline(d, policies.get(t.hostId()), now);
                if (deadline == null) {
                    markWaiting(h, d, t, now);
                    continue;
                }
                String job = UUID.randomUUID().toString();
                chosen.add(new JobService.NewJob(
                        job, t.hostId(), d.id(), JobType.INSTALL, read(t.packages()), d.checks(), now, deadline));
                claim.bind("j", job)
                        .bind("detail", "install job " + job + " waiting for the agent (start by " + deadline + ")")
                        .bind("t", Micros.of(now))
                        .bind("d", d.id())
                        .bind("h", t.hostId())
                        .add();
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        if (chosen.isEmpty()) {
            return 0;
        }
        int[] claimed = claim.execute();
        List<JobService.NewJob> create = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            // a driver may answer SUCCESS_NO_INFO (-2) for a batched row: treat it as claimed only
            // when the row really moved, by reading it back
            if (claimed[i] == 1
                    || (claimed[i] < 0
                            && chosen.get(i)
                                    .id()
                                    .equals(jobOf(h, d.id(), chosen.get(i).hostId())))) {
                create.add(chosen.get(i));
            }
        }
        jobs.createAll(h, create);
        metrics.jobsDispatched.labelValues("INSTALL").inc(create.size());
        return create.size();
    }

    private static String jobOf(Handle h, String deploymentId, String hostId) {
        return h.createQuery("SELECT job_id FROM deployment_target WHERE deployment_id = :d AND host_id = :h")
                .bind("d", deploymentId)
                .bind("h", hostId)
                .mapTo(String.class)
                .findOne()
                .orElse(null);
    }

    /**
     * Before a host is patched its agent checks that what a rollback would restore — the versions it
     * has now of the packages the deployment changes — can still be installed. Sent for every host as
     * soon as the deployment exists, so the answer is there before approval; read-only, so windows do
     * not apply. Returns true when a full chunk was sent.
     */
    private boolean dispatchPreflights(Handle h, D d, Instant now) {
        List<T> todo = h.createQuery("SELECT * FROM deployment_target WHERE deployment_id = :d AND state = 'pending'"
                        + " AND preflight IS NULL ORDER BY ring_index, hostname, host_id LIMIT :limit")
                .bind("d", d.id())
                .bind("limit", CHUNK)
                .map((rs, c) -> target(rs))
                .list();
        List<JobService.NewJob> out = new ArrayList<>();
        if (todo.isEmpty()) {
            return false;
        }
        // What each host has now of the packages its job changes: one query for the chunk.
        Map<String, List<PackageTarget>> targets = new HashMap<>();
        Set<String> names = new java.util.TreeSet<>();
        for (T t : todo) {
            List<PackageTarget> pkgs = read(t.packages());
            targets.put(t.hostId(), pkgs);
            pkgs.forEach(p -> names.add(p.name()));
        }
        Map<String, String> installed = new HashMap<>();
        if (!names.isEmpty()) {
            h.createQuery("SELECT host_id, name, arch, version FROM host_package WHERE host_id IN (<hosts>)"
                            + " AND name IN (<names>)")
                    .bindList("hosts", List.copyOf(targets.keySet()))
                    .bindList("names", List.copyOf(names))
                    .map((rs, c) -> new String[] {
                        rs.getString(1) + "\0" + rs.getString(2) + "\0" + rs.getString(3), rs.getString(4)
                    })
                    .forEach(r -> installed.putIfAbsent(r[0], r[1]));
        }
        for (T t : todo) {
            List<PackageTarget> restore = new ArrayList<>();
            for (PackageTarget p : targets.get(t.hostId())) {
                String v = installed.get(t.hostId() + "\0" + p.name() + "\0" + p.arch());
                if (v != null) {
                    restore.add(new PackageTarget(p.name(), v, p.arch()));
                }
            }
            if (restore.isEmpty()) {
                // nothing installed before: a rollback has nothing to restore, so nothing to check
                h.createUpdate("UPDATE deployment_target SET preflight = 'ok' WHERE deployment_id = :d AND host_id = :h"
                                + " AND preflight IS NULL")
                        .bind("d", d.id())
                        .bind("h", t.hostId())
                        .execute();
                continue;
            }
            String job = UUID.randomUUID().toString();
            int claimed = h.createUpdate("UPDATE deployment_target SET preflight = 'pending', preflight_job = :j"
                            + " WHERE deployment_id = :d AND host_id = :h AND preflight IS NULL")
                    .bind("j", job)
                    .bind("d", d.id())
                    .bind("h", t.hostId())
                    .execute();
            if (claimed == 1) {
                out.add(new JobService.NewJob(
                        job,
                        t.hostId(),
                        d.id(),
                        JobType.PREFLIGHT,
                        restore,
                        List.of(),
                        now,
                        now.plus(IMMEDIATE_VALIDITY)));
            }
        }
        jobs.createAll(h, out);
        metrics.jobsDispatched.labelValues("PREFLIGHT").inc(out.size());
        return todo.size() == CHUNK;
    }

    private void markWaiting(Handle h, D d, T t, Instant now) {
        String detail = d.windowMode().equals("IMMEDIATE")
                ? "waiting: inside a blackout"
                : "waiting for a maintenance window long enough for " + minutes(d.expected());
        h.createUpdate("UPDATE deployment_target SET detail = :detail WHERE deployment_id = :d AND host_id = :h"
                        + " AND detail <> :detail")
                .bind("detail", detail)
                .bind("d", d.id())
                .bind("h", t.hostId())
                .execute();
    }

    /**
     * The latest start that still lets a job of the deployment's expected length finish inside the
     * open stretch around {@code now}; null when a job may not start now.
     */
    Instant startDeadline(D d, WindowPolicy hostPolicy, Instant now) {
        WindowPolicy p = d.windowMode().equals("IMMEDIATE") ? WindowService.alwaysOpen(hostPolicy) : hostPolicy;
        if (!p.canStart(now, d.expected())) {
            return null;
        }
        Instant horizon = now.plus(d.expected()).plus(Duration.ofDays(2));
        for (Interval i : p.free(now, horizon)) {
            if (i.contains(now)) {
                Instant latest = i.end().minus(d.expected());
                if (d.windowMode().equals("IMMEDIATE") && latest.isAfter(now.plus(IMMEDIATE_VALIDITY))) {
                    latest = now.plus(IMMEDIATE_VALIDITY);
                }
                // whole seconds, and at least a minute to take the job
                return latest.getEpochSecond() - now.getEpochSecond() >= 60 ? latest : null;
            }
        }
        return null;
    }

    /** Reboots happen inside the window too, staggered by the ring's concurrency. */
    private void dispatchReboots(Handle h, D d, Instant now) {
        List<T> waiting = targets(h, d.id(), " AND state = 'reboot_pending'");
        if (waiting.isEmpty()) {
            return;
        }
        Map<String, WindowPolicy> policies =
                windows.policies(h, waiting.stream().map(T::hostId).toList());
        Map<Integer, Long> rebooting = new HashMap<>();
        h.createQuery(
                        "SELECT ring_index, COUNT(*) FROM deployment_target WHERE deployment_id = :d AND state = 'rebooting'"
                                + " GROUP BY ring_index")
                .bind("d", d.id())
                .map((rs, c) -> rebooting.put(rs.getInt(1), rs.getLong(2)))
                .list();
        for (T t : waiting) {
            R ring = ring(h, d.id(), t.ring());
            // one host of a ring reboots at a time unless the ring allows more at once
            long limit = Math.max(1, ring.concurrency() / 2);
            if (rebooting.getOrDefault(t.ring(), 0L) >= limit) {
                continue;
            }
            Instant deadline = startDeadline(
                    new D(
                            d.id(),
                            d.state(),
                            d.windowMode(),
                            d.reboot(),
                            d.autoRollback(),
                            Duration.ofMinutes(10),
                            d.checks(),
                            d.currentRing(),
                            d.rings(),
                            d.preflight(),
                            d.offline()),
                    policies.get(t.hostId()),
                    now);
            if (deadline == null) {
                continue;
            }
            String boot = h.createQuery("SELECT boot_id FROM host WHERE id = :h")
                    .bind("h", t.hostId())
                    .mapTo(String.class)
                    .one();
            String job = UUID.randomUUID().toString();
            int claimed = h.createUpdate("UPDATE deployment_target SET state = 'rebooting', job_id = :j, boot_id = :b,"
                            + " detail = :detail, updated_micros = :t WHERE deployment_id = :d AND host_id = :h"
                            + " AND state = 'reboot_pending'")
                    .bind("j", job)
                    .bind("b", boot)
                    .bind("detail", "reboot job " + job + " waiting for the agent")
                    .bind("t", Micros.of(now))
                    .bind("d", d.id())
                    .bind("h", t.hostId())
                    .execute();
            if (claimed == 0) {
                continue;
            }
            jobs.create(h, job, t.hostId(), d.id(), JobType.REBOOT, List.of(), List.of(), now, deadline);
            rebooting.merge(t.ring(), 1L, Long::sum);
            metrics.jobsDispatched.labelValues("REBOOT").inc();
        }
    }

    /** Rollbacks restore service: they start at once, windows or not (blackouts are not consulted). */
    private void dispatchRollbacks(Handle h, D d, Instant now) {
        for (T t : targets(h, d.id(), " AND state = 'rollback_pending'")) {
            List<PackageTarget> restore = new ArrayList<>();
            List<String> cannot = new ArrayList<>();
            try {
                JsonNode before = json.readTree(t.before());
                for (JsonNode p : before) {
                    String v = p.path("version").isTextual() ? p.get("version").asText() : null;
                    if (v == null) {
                        cannot.add(
                                p.path("name").asText() + " (not installed before: Fixpoint does not remove packages)");
                    } else {
                        restore.add(new PackageTarget(
                                p.path("name").asText(), v, p.path("arch").asText()));
                    }
                }
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            if (restore.isEmpty()) {
                setTarget(
                        h,
                        d.id(),
                        t.hostId(),
                        States.T_ROLLBACK_FAILED,
                        "nothing to restore: " + String.join(", ", cannot),
                        now);
                continue;
            }
            String job = UUID.randomUUID().toString();
            int claimed = h.createUpdate("UPDATE deployment_target SET state = 'rolling_back', job_id = :j,"
                            + " attempts = attempts + 1, detail = :detail, updated_micros = :t"
                            + " WHERE deployment_id = :d AND host_id = :h AND state = 'rollback_pending'")
                    .bind("j", job)
                    .bind(
                            "detail",
                            "rollback job " + job + " waiting for the agent"
                                    + (cannot.isEmpty() ? "" : "; cannot restore " + String.join(", ", cannot)))
                    .bind("t", Micros.of(now))
                    .bind("d", d.id())
                    .bind("h", t.hostId())
                    .execute();
            if (claimed == 0) {
                continue;
            }
            jobs.create(
                    h,
                    job,
                    t.hostId(),
                    d.id(),
                    JobType.ROLLBACK,
                    restore,
                    d.checks(),
                    now,
                    now.plus(IMMEDIATE_VALIDITY));
            metrics.jobsDispatched.labelValues("ROLLBACK").inc();
        }
    }

    // ---- results

    /** What an agent reports for a job (docs/agent-protocol.md). */
    public record ResultBody(
            String jobId,
            String status,
            List<StateBody> before,
            List<StateBody> after,
            Integer exitCode,
            String output,
            Long durationMillis,
            String detail,
            List<HealthBody> health,
            Instant finishedAt,
            String bootId) {}

    public record StateBody(String name, String arch, String version, String status) {}

    public record HealthBody(String kind, String target, Boolean ok, String detail) {}

    private static final int MAX_OUTPUT = 64 * 1024;

    /**
     * Stores an agent's result for one of its host's jobs and moves the host's deployment state.
     * Idempotent: a result for a job that has one already is acknowledged and ignored.
     */
    public void recordResult(Principal agent, String jobId, ResultBody body) {
        JobResult.Status status = check(jobId, body);
        Instant now = clock.instant();
        String stored;
        try {
            stored = json.writeValueAsString(new ResultBody(
                    body.jobId(),
                    status.name(),
                    cap(body.before()),
                    cap(body.after()),
                    body.exitCode(),
                    body.output() == null ? "" : clip(body.output(), MAX_OUTPUT),
                    body.durationMillis(),
                    body.detail() == null ? "" : clip(body.detail(), 2000),
                    body.health() == null
                            ? List.of()
                            : body.health().stream()
                                    .limit(HealthCheck.MAX_PER_JOB)
                                    .toList(),
                    body.finishedAt(),
                    body.bootId() == null ? null : Strings.clip(body.bootId())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        jdbi.useTransaction(h -> {
            Map<String, Object> job = h.createQuery("SELECT j.*, h.hostname FROM job j JOIN host h ON h.id = j.host_id"
                            + " WHERE j.id = :id AND j.host_id = :h")
                    .bind("id", jobId)
                    .bind("h", agent.hostId())
                    .mapToMap()
                    .findOne()
                    .orElseThrow(() -> ApiException.notFound("no job \"" + Strings.clip(jobId) + "\" for this host"));
            if (job.get("result_status") != null) {
                return; // delivered twice: the first result stands
            }
            h.createUpdate("UPDATE job SET state = 'done', result_status = :s, result = :r, finished_micros = :t"
                            + " WHERE id = :id")
                    .bind("s", status.name())
                    .bind("r", stored)
                    .bind("t", Micros.of(now))
                    .bind("id", jobId)
                    .execute();
            JobService.refreshWaiting(h, agent.hostId());
            metrics.jobResults.labelValues(status.name()).inc();
            String deploymentId = (String) job.get("deployment_id");
            Map<String, String> details = new TreeMap<>();
            details.put("job", jobId);
            details.put("type", (String) job.get("type"));
            details.put("status", status.name());
            details.put("detail", body.detail() == null ? "" : Strings.clip(body.detail()));
            if (deploymentId != null) {
                details.put("deployment", deploymentId);
                applyToTarget(
                        h,
                        deploymentId,
                        agent.hostId(),
                        jobId,
                        JobType.valueOf((String) job.get("type")),
                        status,
                        body,
                        now);
            }
            audit.append(h, agent.actor(), "job.result", "host:" + job.get("hostname"), details);
        });
    }

    private void applyToTarget(
            Handle h,
            String deploymentId,
            String hostId,
            String jobId,
            JobType type,
            JobResult.Status status,
            ResultBody body,
            Instant now) {
        if (type == JobType.PREFLIGHT) {
            applyPreflight(h, deploymentId, hostId, jobId, status, body, now);
            return;
        }
        List<T> ts = targets(h, deploymentId, " AND host_id = '" + hostId.replace("'", "''") + "'");
        if (ts.isEmpty() || !jobId.equals(ts.get(0).jobId())) {
            return; // a result for a job the target has moved past (expired and re-issued): kept on the job only
        }
        T t = ts.get(0);
        D d = load(h, deploymentId);
        String detail = status + ": " + (body.detail() == null ? "" : clip(body.detail(), 900));
        switch (type) {
            case INSTALL: {
                if (body.before() != null && !body.before().isEmpty() && t.before() == null) {
                    h.createUpdate(
                                    "UPDATE deployment_target SET before_state = :b WHERE deployment_id = :d AND host_id = :h")
                            .bind("b", write(cap(body.before())))
                            .bind("d", deploymentId)
                            .bind("h", hostId)
                            .execute();
                }
                String next;
                switch (status) {
                    case SUCCEEDED:
                    case ALREADY_DONE:
                        next = d.reboot().equals("NEVER") ? States.T_SUCCEEDED : States.T_VERIFYING;
                        break;
                    case UNHEALTHY:
                        next = States.T_UNHEALTHY;
                        break;
                    case NOT_STARTED:
                        next = t.attempts() < MAX_ATTEMPTS ? States.T_PENDING : States.T_FAILED;
                        break;
                    default:
                        next = States.T_FAILED;
                        break;
                }
                boolean changed = body.before() != null
                        && !body.before().isEmpty()
                        && body.before().stream().anyMatch(s -> s.version() != null);
                boolean rollbackNow = changed
                        && States.ROLLBACK_CANDIDATES.contains(next)
                        && (d.state().equals(States.ROLLING_BACK)
                                || (d.state().equals(States.HALTED)
                                        && d.autoRollback()
                                        && t.ring() == d.currentRing()));
                setTarget(h, deploymentId, hostId, rollbackNow ? States.T_ROLLBACK_PENDING : next, detail, now);
                break;
            }
            case ROLLBACK: {
                String next = status.ok()
                        ? States.T_ROLLED_BACK
                        : status == JobResult.Status.NOT_STARTED && t.attempts() < MAX_ATTEMPTS
                                ? States.T_ROLLBACK_PENDING
                                : States.T_ROLLBACK_FAILED;
                setTarget(h, deploymentId, hostId, next, detail, now);
                audit.append(
                        h,
                        "system:deployments",
                        next.equals(States.T_ROLLED_BACK) ? "host.rolled_back" : "host.rollback_failed",
                        "host:" + t.hostname(),
                        Map.of("deployment", deploymentId, "job", jobId));
                break;
            }
            case REBOOT:
                if (!status.ok()) {
                    setTarget(h, deploymentId, hostId, States.T_FAILED, "reboot " + detail, now);
                }
                break;
            default:
                break;
        }
    }

    private void applyPreflight(
            Handle h,
            String deploymentId,
            String hostId,
            String jobId,
            JobResult.Status status,
            ResultBody body,
            Instant now) {
        String mode = h.createQuery("SELECT preflight FROM deployment WHERE id = :d")
                .bind("d", deploymentId)
                .mapTo(String.class)
                .one();
        String detail = body.detail() == null ? "" : clip(body.detail(), 800);
        boolean ok = status == JobResult.Status.SUCCEEDED || status == JobResult.Status.ALREADY_DONE;
        String verdict = ok ? "ok" : mode.equals("WARN") ? "warned" : "failed";
        int n = h.createUpdate("UPDATE deployment_target SET preflight = :p WHERE deployment_id = :d AND host_id = :h"
                        + " AND preflight_job = :j AND preflight = 'pending'")
                .bind("p", verdict)
                .bind("d", deploymentId)
                .bind("h", hostId)
                .bind("j", jobId)
                .execute();
        if (n == 0 || ok) {
            return;
        }
        if (verdict.equals("warned")) {
            h.createUpdate("UPDATE deployment_target SET detail = :detail, updated_micros = :t WHERE deployment_id = :d"
                            + " AND host_id = :h")
                    .bind(
                            "detail",
                            clip(
                                    "pre-flight: a rollback could not restore this host (" + detail
                                            + "); patched anyway (preflight WARN)",
                                    1000))
                    .bind("t", Micros.of(now))
                    .bind("d", deploymentId)
                    .bind("h", hostId)
                    .execute();
            return;
        }
        h.createUpdate("UPDATE deployment_target SET state = 'blocked', detail = :detail, updated_micros = :t"
                        + " WHERE deployment_id = :d AND host_id = :h AND state = 'pending'")
                .bind("detail", clip("not patched: pre-flight " + status + ": " + detail, 1000))
                .bind("t", Micros.of(now))
                .bind("d", deploymentId)
                .bind("h", hostId)
                .execute();
    }

    private static JobResult.Status check(String jobId, ResultBody b) {
        if (b == null) {
            throw ApiException.badRequest("result body missing");
        }
        if (b.jobId() != null && !b.jobId().equals(jobId)) {
            throw ApiException.invalid("jobId: the body names job \"" + Strings.clip(b.jobId()) + "\", the URL \""
                    + Strings.clip(jobId) + "\"");
        }
        if (b.status() == null) {
            throw ApiException.invalid("status: required");
        }
        try {
            return JobResult.Status.valueOf(b.status());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("status: \"" + Strings.clip(b.status()) + "\" is not one of "
                    + java.util.Arrays.toString(JobResult.Status.values()));
        }
    }

    private static List<StateBody> cap(List<StateBody> l) {
        if (l == null) {
            return List.of();
        }
        List<StateBody> out = new ArrayList<>();
        for (StateBody s : l.subList(0, Math.min(l.size(), dev.fixpoint.core.job.Job.MAX_PACKAGES))) {
            // Never cut: a version is restored exactly or not at all (a grammar allows 128 characters).
            if (s != null
                    && short256(s.name())
                    && short256(s.arch())
                    && (s.version() == null || short256(s.version()))
                    && (s.status() == null || short256(s.status()))) {
                out.add(new StateBody(s.name(), s.arch(), s.version(), s.status() == null ? "" : s.status()));
            }
        }
        return out;
    }

    private static boolean short256(String s) {
        return s != null && s.length() <= 256;
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…(" + (s.length() - max) + " more characters)";
    }

    private void setTarget(Handle h, String deploymentId, String hostId, String state, String detail, Instant now) {
        h.createUpdate("UPDATE deployment_target SET state = :s, detail = :detail, updated_micros = :t"
                        + " WHERE deployment_id = :d AND host_id = :h")
                .bind("s", state)
                .bind("detail", clip(detail, 1000))
                .bind("t", Micros.of(now))
                .bind("d", deploymentId)
                .bind("h", hostId)
                .execute();
    }

    private List<PackageTarget> read(String packages) {
        try {
            return json.readValue(packages, TARGETS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String minutes(Duration d) {
        return d.toMinutes() + " min";
    }
}
