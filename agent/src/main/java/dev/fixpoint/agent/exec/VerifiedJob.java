package dev.fixpoint.agent.exec;

import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.PackageFamily;

/**
 * A job that passed every check of {@link JobVerifier} for this host and its package family, and was
 * recorded as seen. Only {@link JobVerifier} creates one, so an executor cannot be handed an unchecked
 * job.
 */
public final class VerifiedJob {
    private final Job job;
    private final PackageFamily family;

    VerifiedJob(Job job, PackageFamily family) {
        this.job = job;
        this.family = family;
    }

    public Job job() {
        return job;
    }

    /** The package family whose grammar the job's packages were checked against. */
    public PackageFamily family() {
        return family;
    }

    @Override
    public String toString() {
        return "VerifiedJob[" + job + ", " + family + "]";
    }
}
