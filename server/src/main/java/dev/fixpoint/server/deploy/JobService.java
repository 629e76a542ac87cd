package dev.fixpoint.server.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fixpoint.core.job.HealthCheck;
import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageTarget;
import dev.fixpoint.core.job.SignedJob;
import dev.fixpoint.server.platform.Micros;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Signed jobs: created (signed with the job key) in the transaction that decides them, handed to the
 * host's agent at its check-ins until a result comes back, then closed with that result. A job is
 * handed out again at every check-in until its result arrives; the agent's replay store makes a job
 * delivered twice run once.
 */
public final class JobService {
    /** Job states in the {@code job} table. */
    static final String QUEUED = "queued";

    static final String DELIVERED = "delivered";
    static final String DONE = "done";
    static final String EXPIRED = "expired";
    static final String CANCELLED = "cancelled";

    private final Jdbi jdbi;
    private final JobKeys keys;
    private final ObjectMapper json;
    private final SecureRandom random = new SecureRandom();

    public JobService(Jdbi jdbi, JobKeys keys, ObjectMapper json) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.json = json;
    }

    public JobKeys keys() {
        return keys;
    }

    /** A stored job, as the engine and the API read it. */
    public record StoredJob(
            String id,
            String hostId,
            String deploymentId,
            JobType type,
            String state,
            Instant created,
            Instant notBefore,
            Instant expires,
            Instant delivered,
            int deliveries,
            String resultStatus,
            JsonNode result,
            Instant finished) {}

    /** A job to create: see {@link #createAll}. */
    public record NewJob(
            String id,
            String hostId,
            String deploymentId,
            JobType type,
            List<PackageTarget> packages,
            List<HealthCheck> checks,
            Instant notBefore,
            Instant expires) {}

    /**
     * Signs and stores job {@code id} (a new UUID) for {@code hostId}, valid from {@code notBefore} until
     * {@code expires} (both cut to whole seconds), and flags the host so its next check-in fetches it.
     */
    public String create(
            Handle h,
            String id,
            String hostId,
            String deploymentId,
            JobType type,
            List<PackageTarget> packages,
            List<HealthCheck> checks,
            Instant notBefore,
            Instant expires) {
        createAll(h, List.of(new NewJob(id, hostId, deploymentId, type, packages, checks, notBefore, expires)));
        return id;
    }

    /** {@link #create} for many jobs: one batch of inserts and one update of the hosts' flags. */
    public void createAll(Handle h, List<NewJob> jobs) {
        if (jobs.isEmpty()) {
            return;
        }
        PreparedBatch insert = h.prepareBatch("INSERT INTO job (id, host_id, deployment_id, type, state, payload,"
                + " created_micros, not_before_micros, expires_micros) VALUES (:id, :h, :d, :t, :s, :p, :c, :nb, :e)");
        for (NewJob nj : jobs) {
            byte[] n = new byte[18];
            random.nextBytes(n);
            Job job = new Job(
                    nj.id(),
                    nj.hostId(),
                    nj.type(),
                    nj.packages(),
                    nj.notBefore().truncatedTo(ChronoUnit.SECONDS),
                    nj.expires().truncatedTo(ChronoUnit.SECONDS),
                    Base64.getUrlEncoder().withoutPadding().encodeToString(n),
                    nj.type().changesPackages() ? nj.checks() : List.of());
            String payload;
            try {
                payload = json.writeValueAsString(wire(keys.sign(job)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            insert.bind("id", nj.id())
                    .bind("h", nj.hostId())
                    .bind("d", nj.deploymentId())
                    .bind("t", nj.type().name())
                    .bind("s", QUEUED)
                    .bind("p", payload)
                    .bind("c", Micros.of(nj.notBefore()))
                    .bind("nb", Micros.of(job.notBefore()))
                    .bind("e", Micros.of(job.expires()))
                    .add();
        }
        insert.execute();
        for (List<String> chunk : DeploymentService.chunks(
                jobs.stream().map(NewJob::hostId).distinct().toList(), 500)) {
            h.createUpdate("UPDATE host SET jobs_waiting = 1 WHERE id IN (<ids>)")
                    .bindList("ids", chunk)
                    .execute();
        }
    }

    /** The wire form (docs/jobs.md): every field the signature covers, and the signature. */
    ObjectNode wire(SignedJob s) {
        Job j = s.job();
        ObjectNode o = json.createObjectNode();
        o.put("id", j.id());
        o.put("hostId", j.hostId());
        o.put("type", j.type().name());
        ArrayNode pkgs = o.putArray("packages");
        for (PackageTarget p : j.packages()) {
            pkgs.addObject().put("name", p.name()).put("version", p.version()).put("arch", p.arch());
        }
        o.put("notBefore", j.notBefore().toString());
        o.put("expires", j.expires().toString());
        o.put("nonce", j.nonce());
        ArrayNode checks = o.putArray("healthChecks");
        for (HealthCheck c : j.healthChecks()) {
            checks.addObject().put("kind", c.kind().name()).put("target", c.target());
        }
        o.put("signature", s.signature());
        return o;
    }

    /**
     * The jobs a checking-in agent gets: every open job of its host that may start now, marked
     * delivered. Clears the host's flag when nothing is open any more.
     */
    public List<JsonNode> deliver(String hostId, Instant now) {
        return jdbi.inTransaction(h -> {
            long t = Micros.of(now);
            List<String[]> open = h.createQuery("SELECT id, payload, not_before_micros, expires_micros FROM job"
                            + " WHERE host_id = :h AND state IN ('queued', 'delivered') ORDER BY created_micros, id")
                    .bind("h", hostId)
                    .map((rs, c) -> new String[] {
                        rs.getString(1), rs.getString(2), Long.toString(rs.getLong(3)), Long.toString(rs.getLong(4))
                    })
                    .list();
            List<JsonNode> out = new ArrayList<>();
            for (String[] j : open) {
                long nb = Long.parseLong(j[2]);
                long exp = Long.parseLong(j[3]);
                if (nb > t || exp <= t) {
                    continue; // not yet, or too late to start: the engine expires it
                }
                h.createUpdate("UPDATE job SET state = 'delivered', deliveries = deliveries + 1,"
                                + " delivered_micros = COALESCE(delivered_micros, :t) WHERE id = :id")
                        .bind("t", t)
                        .bind("id", j[0])
                        .execute();
                try {
                    out.add(json.readTree(j[1]));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("stored job " + j[0] + " is not JSON", e);
                }
            }
            if (open.isEmpty()) {
                h.createUpdate("UPDATE host SET jobs_waiting = 0 WHERE id = :h")
                        .bind("h", hostId)
                        .execute();
            }
            return out;
        });
    }

    /** Recomputes the host's open-jobs flag (after a job closed). */
    static void refreshWaiting(Handle h, String hostId) {
        h.createUpdate("UPDATE host SET jobs_waiting = (SELECT COUNT(*) FROM job WHERE host_id = :h"
                        + " AND state IN ('queued', 'delivered')) WHERE id = :h")
                .bind("h", hostId)
                .execute();
    }

    StoredJob read(java.sql.ResultSet rs) throws java.sql.SQLException {
        String result = rs.getString("result");
        JsonNode r = null;
        if (result != null) {
            try {
                r = json.readTree(result);
            } catch (JsonProcessingException e) {
                r = json.getNodeFactory().textNode(result);
            }
        }
        return new StoredJob(
                rs.getString("id"),
                rs.getString("host_id"),
                rs.getString("deployment_id"),
                JobType.valueOf(rs.getString("type")),
                rs.getString("state"),
                Micros.instant(rs.getLong("created_micros")),
                Micros.instant(rs.getLong("not_before_micros")),
                Micros.instant(rs.getLong("expires_micros")),
                optional(rs, "delivered_micros"),
                rs.getInt("deliveries"),
                rs.getString("result_status"),
                r,
                optional(rs, "finished_micros"));
    }

    static Instant optional(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Micros.instant(v);
    }
}
