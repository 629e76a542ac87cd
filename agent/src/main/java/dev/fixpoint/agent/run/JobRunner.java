package dev.fixpoint.agent.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fixpoint.agent.client.Protocol;
import dev.fixpoint.agent.client.ServerClient;
import dev.fixpoint.agent.collect.CollectException;
import dev.fixpoint.agent.exec.HealthChecker;
import dev.fixpoint.agent.exec.JobJson;
import dev.fixpoint.agent.exec.JobRejectedException;
import dev.fixpoint.agent.exec.JobVerifier;
import dev.fixpoint.agent.exec.PackageExecutor;
import dev.fixpoint.agent.exec.SeenJobs;
import dev.fixpoint.agent.exec.Subprocess;
import dev.fixpoint.agent.exec.VerifiedJob;
import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.JobResult.Status;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.SignedJob;
import java.io.IOException;
import java.io.PrintWriter;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Carries out the jobs of a check-in answer, one at a time, in order. Each is verified ({@link
 * JobVerifier}): a replay (a job accepted before, which the server sends again until it has the result)
 * is skipped silently; any other refusal becomes a {@code REJECTED} result (when the job's id is
 * well-formed); an accepted job runs:
 *
 * <ul>
 *   <li>INSTALL, ROLLBACK: the executor for the host's package family, then the job's health checks
 *       when the packages reached their targets ({@link HealthChecker#afterPackages});
 *   <li>PREFLIGHT: the read-only check of the host's family ({@link PackageExecutor#preflight}): is each
 *       listed exact version obtainable? Nothing is installed, downloaded or locked; no health checks;
 *   <li>REBOOT: a {@code SUCCEEDED} result "reboot requested" is spooled and delivered, then the reboot
 *       command runs (the result survives the reboot in the spool if delivery failed);
 *   <li>REFRESH_INVENTORY: the inventory is collected and spooled.
 * </ul>
 *
 * Every result is spooled (fsynced) as soon as the job ends, before anything else happens; while a job
 * runs, a provisional result waits in the spool in case the agent never sees the job end.
 */
final class JobRunner {

    /** What a job needs from the loop. */
    interface Loop {
        /** Collects the inventory now and spools it for delivery. */
        Reporter.Report refreshInventory() throws CollectException, IOException;

        /** Delivers the spool now. */
        void deliverNow() throws IOException, InterruptedException;
    }

    /**
     * The agent's job settings.
     *
     * @param jobKey the server's job key pinned at enrollment, or null when the server sent none (every
     *     job is then refused)
     * @param hostId this host's id, from enrollment
     * @param executors the package executor of each family the agent can act on
     * @param rebootCommand what a REBOOT job runs (the agent's configuration)
     * @param rebootTimeout how long the reboot command may take
     * @param skew the clock skew the verifier allows
     * @param noReboot why this agent runs no reboot command (a REBOOT job is then NOT_STARTED with this
     *     reason), or null when it does
     */
    record Settings(
            PublicKey jobKey,
            String hostId,
            SeenJobs seen,
            Map<PackageFamily, PackageExecutor> executors,
            HealthChecker health,
            List<String> rebootCommand,
            Duration rebootTimeout,
            Duration skew,
            String noReboot) {
        Settings {
            Objects.requireNonNull(hostId, "hostId");
            Objects.requireNonNull(seen, "seen");
            executors = Map.copyOf(executors);
            Objects.requireNonNull(health, "health");
            rebootCommand = List.copyOf(rebootCommand);
            if (rebootCommand.isEmpty()) {
                throw new IllegalArgumentException("no reboot command");
            }
        }
    }

    /**
     * What a batch did.
     *
     * @param packagesChanged a job ran the package manager, so the inventory may have changed
     * @param rebooting the reboot command ran and succeeded; the rest of the batch was left for after the
     *     reboot
     */
    record Outcome(boolean packagesChanged, boolean rebooting) {}

    static final String INTERRUPTED_DETAIL = "the agent stopped while this job ran (crash, kill or power loss)"
            + " and did not see it end; the next inventory shows the packages' state";

    private final Settings settings;
    private final Spool spool;
    private final PrintWriter log;
    private final Clock wall;
    private final Supplier<String> bootId;

    JobRunner(Settings settings, Spool spool, PrintWriter log, Clock wall, Supplier<String> bootId) {
        this.settings = settings;
        this.spool = spool;
        this.log = log;
        this.wall = wall;
        this.bootId = bootId;
    }

    /**
     * Runs the jobs in order.
     *
     * @param database the host's package database as last collected ({@code dpkg}, {@code rpm}, {@code
     *     apk}), or null when unknown
     * @throws IOException when a result cannot be spooled; the jobs not yet handled are left (the server
     *     sends them again)
     */
    Outcome run(List<JsonNode> jobs, String database, Loop loop) throws IOException, InterruptedException {
        boolean changed = false;
        for (JsonNode node : jobs) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            SignedJob signed;
            try {
                signed = JobJson.parse(node);
            } catch (JobRejectedException e) {
                reject(e.jobId(), e.getMessage());
                continue;
            }
            String id = signed.job().id();
            if (settings.jobKey() == null) {
                reject(
                        id,
                        "job " + id + " refused: this agent has no job key: its server sent none at enrollment"
                                + " (enroll again once the server signs jobs)");
                continue;
            }
            PackageFamily family = family(database);
            if (family == null) {
                reject(
                        id,
                        "job " + id + " refused: cannot tell this host's package manager"
                                + (database == null ? " (the last collection failed)" : " (" + database + ")"));
                continue;
            }
            VerifiedJob job;
            try {
                job = new JobVerifier(
                                settings.jobKey(), settings.hostId(), family, settings.seen(), wall, settings.skew())
                        .verify(signed);
            } catch (JobRejectedException e) {
                if (e.reason() != JobRejectedException.Reason.REPLAYED) {
                    reject(e.jobId(), e.getMessage());
                }
                continue;
            }
            Job j = job.job();
            log.println("job " + j.id() + ": " + describe(j));
            switch (j.type()) {
                case INSTALL:
                case ROLLBACK:
                    changed |= packages(job);
                    break;
                case PREFLIGHT:
                    preflight(job);
                    break;
                case REFRESH_INVENTORY:
                    refreshInventory(job, loop);
                    break;
                case REBOOT:
                    if (reboot(job, loop)) {
                        return new Outcome(changed, true);
                    }
                    break;
                default:
                    throw new AssertionError(j.type());
            }
        }
        return new Outcome(changed, false);
    }

    private boolean packages(VerifiedJob job) throws IOException {
        Job j = job.job();
        spool.running(j.id(), body(failed(j, INTERRUPTED_DETAIL)));
        long start = System.nanoTime();
        JobResult r;
        try {
            PackageExecutor executor = settings.executors().get(job.family());
            r = executor == null
                    ? notStarted(j, "no executor for this package manager yet (" + job.family() + ")", start)
                    : executor.execute(job);
            r = settings.health().afterPackages(job, r);
        } catch (RuntimeException e) {
            r = new JobResult(
                    j.id(),
                    Status.FAILED,
                    List.of(),
                    List.of(),
                    JobResult.NOT_RUN,
                    "",
                    Duration.ofNanos(System.nanoTime() - start),
                    "the agent failed while running the job: " + e);
        }
        finish(r);
        spool.finished(j.id());
        return r.exitCode() != JobResult.NOT_RUN;
    }

    /** A PREFLIGHT: the family's read-only check ({@link PackageExecutor#preflight}); changes nothing. */
    private void preflight(VerifiedJob job) throws IOException {
        Job j = job.job();
        spool.running(j.id(), body(failed(j, INTERRUPTED_DETAIL)));
        long start = System.nanoTime();
        JobResult r;
        try {
            PackageExecutor executor = settings.executors().get(job.family());
            r = executor == null
                    ? notStarted(j, "no pre-flight check for this package manager yet (" + job.family() + ")", start)
                    : executor.preflight(job);
        } catch (RuntimeException e) {
            r = result(j, Status.FAILED, "the agent failed while checking: " + e, start);
        }
        finish(r);
        spool.finished(j.id());
    }

    private void refreshInventory(VerifiedJob job, Loop loop) throws IOException {
        Job j = job.job();
        spool.running(j.id(), body(failed(j, INTERRUPTED_DETAIL)));
        long start = System.nanoTime();
        JobResult r;
        try {
            Reporter.Report report = loop.refreshInventory();
            r = result(
                    j,
                    Status.SUCCEEDED,
                    "inventory of " + report.packages() + " packages collected and sent (hash " + report.inventoryHash()
                            + ")",
                    start);
        } catch (CollectException e) {
            r = result(j, Status.FAILED, "cannot collect the inventory: " + e.getMessage(), start);
        }
        finish(r);
        spool.finished(j.id());
    }

    /** True when the reboot command ran and succeeded. */
    private boolean reboot(VerifiedJob job, Loop loop) throws IOException, InterruptedException {
        Job j = job.job();
        long start = System.nanoTime();
        if (settings.noReboot() != null) {
            finish(notStarted(j, settings.noReboot(), start));
            return false;
        }
        String command = String.join(" ", settings.rebootCommand());
        finish(result(j, Status.SUCCEEDED, "reboot requested: " + command, start));
        loop.deliverNow(); // the result goes out before the host goes down (or waits in the spool)
        log.println("job " + j.id() + ": rebooting: " + command);
        Subprocess.Outcome o = Subprocess.run(settings.rebootCommand(), settings.rebootTimeout(), Map.of(), 4096);
        if (o.succeeded()) {
            return true;
        }
        log.println("job " + j.id() + ": the reboot command failed (" + o.describe() + "); the host did not"
                + " reboot, and the server will see the same boot id at the next check-in");
        return false;
    }

    private void reject(String id, String why) throws IOException {
        log.println(why);
        if (!Protocol.isJobId(id)) {
            return; // no id to report it under: the server learns nothing it could use
        }
        JobResult r =
                new JobResult(id, Status.REJECTED, List.of(), List.of(), JobResult.NOT_RUN, "", Duration.ZERO, why);
        spool.putResult(id, body(r));
    }

    private void finish(JobResult r) throws IOException {
        if (spool.putResult(r.jobId(), body(r)).isPresent()) {
            log.println("job " + r.jobId() + ": " + r.status() + ": " + r.detail());
        }
    }

    private byte[] body(JobResult r) {
        return ServerClient.json(Protocol.JobResultBody.of(r, wall.instant(), bootId.get()));
    }

    static JobResult notStarted(Job j, String why, long start) {
        return result(j, Status.NOT_STARTED, why, start);
    }

    private static JobResult failed(Job j, String why) {
        return new JobResult(j.id(), Status.FAILED, List.of(), List.of(), JobResult.NOT_RUN, "", Duration.ZERO, why);
    }

    private static JobResult result(Job j, Status s, String why, long start) {
        return new JobResult(
                j.id(),
                s,
                List.of(),
                List.of(),
                JobResult.NOT_RUN,
                "",
                Duration.ofNanos(System.nanoTime() - start),
                why);
    }

    private static String describe(Job j) {
        if (!j.type().hasPackages()) {
            return j.type().toString();
        }
        StringBuilder b = new StringBuilder(j.type().toString());
        for (int i = 0; i < j.packages().size() && i < 5; i++) {
            b.append(i == 0 ? " " : ", ")
                    .append(j.packages().get(i).key())
                    .append('=')
                    .append(j.packages().get(i).version());
        }
        if (j.packages().size() > 5) {
            b.append(" and ").append(j.packages().size() - 5).append(" more");
        }
        return b.toString();
    }

    /** The family of a package database as {@link dev.fixpoint.agent.collect.RootCollector} names it. */
    static PackageFamily family(String database) {
        if (database == null) {
            return null;
        }
        switch (database) {
            case "dpkg":
                return PackageFamily.DPKG;
            case "rpm":
                return PackageFamily.RPM;
            case "apk":
                return PackageFamily.APK;
            default:
                return null;
        }
    }
}
