package dev.fixpoint.agent.exec;

import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.JobResult.Status;
import dev.fixpoint.core.job.PackageState;
import java.time.Duration;
import java.util.List;

/**
 * The results the apt, dnf and apk executors give in the same situations: a job not started, a job
 * already done, a run whose package states could not be read afterwards, and a run's verdict from its
 * exit code and the package states after it.
 */
final class JobOutcomes {
    private JobOutcomes() {}

    static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    static JobResult notStarted(Job job, List<PackageState> before, long start, String why) {
        return new JobResult(job.id(), Status.NOT_STARTED, before, before, JobResult.NOT_RUN, "", elapsed(start), why);
    }

    static JobResult alreadyDone(Job job, List<PackageState> before, long start) {
        return new JobResult(
                job.id(),
                Status.ALREADY_DONE,
                before,
                before,
                JobResult.NOT_RUN,
                "",
                elapsed(start),
                "every package is already at its target version");
    }

    /** The manager ran, but {@code database} could not be read afterwards ({@code error}). */
    static JobResult unreadableAfter(
            Job job, List<PackageState> before, ManagerProcess.Run run, long start, String database, String error) {
        return new JobResult(
                job.id(),
                Status.FAILED,
                before,
                List.of(),
                run.exitCode,
                run.output,
                elapsed(start),
                (run.failure != null ? run.failure + "; " : "") + "cannot read " + database + " afterwards: " + error);
    }

    /**
     * SUCCEEDED when {@code run} ended with exit code 0 and no package is off its target ({@code
     * wrong} empty); FAILED otherwise, saying why: the run's failure, or {@code name} and its exit code
     * (with {@code lockHint}), then each package off its target, then {@code hint} (may be empty).
     */
    static JobResult afterRun(
            Job job,
            List<PackageState> before,
            List<PackageState> after,
            ManagerProcess.Run run,
            long start,
            String name,
            List<String> wrong,
            String lockHint,
            String hint) {
        if (run.failure == null && run.exitCode == 0 && wrong.isEmpty()) {
            return new JobResult(
                    job.id(),
                    Status.SUCCEEDED,
                    before,
                    after,
                    run.exitCode,
                    run.output,
                    elapsed(start),
                    "every package is at its target version");
        }
        String why = run.failure != null
                ? run.failure
                : run.exitCode != 0 ? name + " exited " + run.exitCode + lockHint : name + " exited 0";
        if (!wrong.isEmpty()) {
            why += "; " + String.join("; ", wrong);
        }
        return new JobResult(
                job.id(), Status.FAILED, before, after, run.exitCode, run.output, elapsed(start), why + hint);
    }
}
