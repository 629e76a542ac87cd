package dev.fixpoint.agent.exec;

import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.JobResult.Status;
import java.time.Duration;
import java.util.List;

/**
 * Carries out verified INSTALL and ROLLBACK jobs (and checks PREFLIGHT ones) with one package manager ({@link AptExecutor} for
 * dpkg hosts). The agent picks the executor by the host's package family. An executor never throws for
 * a job it cannot carry out: it says why in the result ({@code NOT_STARTED}, {@code FAILED}).
 */
@FunctionalInterface
public interface PackageExecutor {
    JobResult execute(VerifiedJob job);

    /**
     * Carries out a verified PREFLIGHT job: checks, changing nothing, that each listed exact version is
     * obtainable (in a configured repository or the package manager's cache). SUCCEEDED when all are,
     * FAILED naming each one that is not, NOT_STARTED when the check cannot run. This default, for an
     * executor without such a check, is NOT_STARTED.
     */
    default JobResult preflight(VerifiedJob job) {
        return new JobResult(
                job.job().id(),
                Status.NOT_STARTED,
                List.of(),
                List.of(),
                JobResult.NOT_RUN,
                "",
                Duration.ZERO,
                "no pre-flight check for this package manager (" + job.family() + ")");
    }
}
