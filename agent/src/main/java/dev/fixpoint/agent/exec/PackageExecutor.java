package dev.fixpoint.agent.exec;

import dev.fixpoint.core.job.JobResult;

/**
 * Carries out verified INSTALL and ROLLBACK jobs with one package manager ({@link AptExecutor} for
 * dpkg hosts). The agent picks the executor by the host's package family. An executor never throws for
 * a job it cannot carry out: it says why in the result ({@code NOT_STARTED}, {@code FAILED}).
 */
@FunctionalInterface
public interface PackageExecutor {
    JobResult execute(VerifiedJob job);
}
