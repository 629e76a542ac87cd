package dev.fixpoint.agent.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fixpoint.core.job.HealthResult;
import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.PackageState;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The bodies of agent protocol v1 (docs/agent-protocol.md), field for field. Requests are written as
 * they are; responses are checked by {@code validate()} after parsing, so a server that leaves out a
 * field gets an error naming it instead of a null later on. Unknown response fields are ignored, so a
 * newer server can add some.
 */
public final class Protocol {
    private Protocol() {}

    public static final String ENROLL = "/api/v1/agent/enroll";
    public static final String CHECKIN = "/api/v1/agent/checkin";
    public static final String INVENTORY = "/api/v1/agent/inventory";

    /** A job id as {@link dev.fixpoint.core.job.Job} accepts it; safe as one path segment. */
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** {@code /api/v1/agent/jobs/{jobId}/result}. */
    public static String jobResult(String jobId) {
        if (!isJobId(jobId)) {
            throw new IllegalArgumentException("not a job id: " + jobId);
        }
        return "/api/v1/agent/jobs/" + jobId + "/result";
    }

    /** Whether {@code s} is a well-formed job id (and so may name a result). */
    public static boolean isJobId(String s) {
        return s != null && JOB_ID.matcher(s).matches();
    }

    public record EnrollRequest(String token, String hostname, String machineId, String agentVersion) {}

    /**
     * @param jobKey the server's job-signing key, {@code ed25519 <base64 X.509 SubjectPublicKeyInfo>}, or
     *     null from a server that sends no jobs
     */
    public record EnrollResponse(
            String agentId, String hostId, String credential, Integer checkinSeconds, String jobKey) {
        void validate() throws IllegalArgumentException {
            require(agentId, "agentId");
            require(hostId, "hostId");
            require(credential, "credential");
            if (!credential.matches("[\\x21-\\x7e]{1,1024}")) {
                throw new IllegalArgumentException("credential is not a printable token of at most 1024 characters");
            }
        }
    }

    public record Os(String id, String versionId, String prettyName, String ecosystem) {}

    public record Kernel(String running, List<String> installed) {}

    public record Update(
            String name, String arch, String installed, String available, String origin, Boolean security) {}

    /**
     * A check-in. {@code pendingUpdates} is null (sent as JSON {@code null}) when the package manager could
     * not be asked, which is not the same as an empty list (nothing pending). {@code bootId} is the
     * kernel's boot id ({@code /proc/sys/kernel/random/boot_id}), or empty when it cannot be read: a new
     * one tells the server the host rebooted.
     */
    public record Checkin(
            String agentTime,
            String hostname,
            Os os,
            Kernel kernel,
            boolean rebootRequired,
            List<String> rebootReasons,
            String inventoryHash,
            int packageCount,
            List<Update> pendingUpdates,
            String bootId) {}

    /**
     * @param jobs signed jobs for this host (each parsed strictly on its own by the agent's {@code
     *     JobJson}); null, JSON {@code null} or absent when there are none
     */
    public record CheckinResponse(
            Boolean inventoryWanted, Integer nextCheckinSeconds, String serverTime, JsonNode jobs) {

        public CheckinResponse(Boolean inventoryWanted, Integer nextCheckinSeconds, String serverTime) {
            this(inventoryWanted, nextCheckinSeconds, serverTime, null);
        }

        /** The jobs, each as the server sent it; empty when there are none. */
        public List<JsonNode> jobList() {
            if (jobs == null || jobs.isNull()) {
                return List.of();
            }
            List<JsonNode> out = new java.util.ArrayList<>(jobs.size());
            jobs.forEach(out::add);
            return out;
        }

        void validate() throws IllegalArgumentException {
            if (jobs != null && !jobs.isNull() && !jobs.isArray()) {
                throw new IllegalArgumentException("jobs is not a list");
            }
            if (inventoryWanted == null) {
                throw new IllegalArgumentException("missing inventoryWanted");
            }
            if (nextCheckinSeconds == null) {
                throw new IllegalArgumentException("missing nextCheckinSeconds");
            }
        }
    }

    public record Package(String name, String version, String arch, String sourceName, String sourceVersion) {}

    public record InventoryUpload(String inventoryHash, String ecosystem, String source, List<Package> packages) {}

    public record InventoryResponse(Integer packages, Integer changed, Integer openFindings) {
        void validate() throws IllegalArgumentException {
            if (packages == null) {
                throw new IllegalArgumentException("missing packages");
            }
        }
    }

    /** A package's state in a job result; {@code version} is null when it is not installed. */
    public record PackageStateBody(String name, String arch, String version, String status) {
        static PackageStateBody of(PackageState s) {
            return new PackageStateBody(s.name(), s.arch(), s.version(), s.status());
        }
    }

    /** One health check's outcome in a job result. */
    public record HealthBody(String kind, String target, boolean ok, String detail) {
        static HealthBody of(HealthResult h) {
            return new HealthBody(h.check().kind().name(), h.check().target(), h.ok(), h.detail());
        }
    }

    /**
     * {@code POST /api/v1/agent/jobs/{jobId}/result}: what became of a job.
     *
     * @param finishedAt when the agent finished with the job, ISO-8601 (UTC, milliseconds)
     * @param bootId the boot id when it finished, as in a check-in
     */
    public record JobResultBody(
            String jobId,
            String status,
            List<PackageStateBody> before,
            List<PackageStateBody> after,
            int exitCode,
            String output,
            long durationMillis,
            String detail,
            List<HealthBody> health,
            String finishedAt,
            String bootId) {

        public static JobResultBody of(JobResult r, Instant finishedAt, String bootId) {
            return new JobResultBody(
                    r.jobId(),
                    r.status().name(),
                    r.before().stream().map(PackageStateBody::of).toList(),
                    r.after().stream().map(PackageStateBody::of).toList(),
                    r.exitCode(),
                    r.output(),
                    r.duration().toMillis(),
                    r.detail(),
                    r.health().stream().map(HealthBody::of).toList(),
                    finishedAt.truncatedTo(ChronoUnit.MILLIS).toString(),
                    bootId);
        }
    }

    public record JobResultResponse(Boolean accepted) {
        void validate() throws IllegalArgumentException {
            if (accepted == null) {
                throw new IllegalArgumentException("missing accepted");
            }
        }
    }

    /** An RFC 9457 problem, as far as the agent reads one. */
    record Problem(String type, String title, Integer status, String detail) {}

    private static void require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing " + name);
        }
    }
}
