package dev.fixpoint.core.job;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What an executor did with a job.
 *
 * @param jobId the job's id
 * @param status the outcome
 * @param before the targeted packages as the package database had them before anything ran
 * @param after the targeted packages afterwards (equal to {@code before} when nothing ran)
 * @param exitCode the package manager's exit code, or {@value #NOT_RUN} when it was not run
 * @param output a bounded excerpt of the package manager's merged standard output and error (its
 *     beginning and end), empty when it was not run
 * @param duration from the start of the pre-checks to the end of the post-checks
 * @param detail one line saying why, for a person
 */
public record JobResult(
        String jobId,
        Status status,
        List<PackageState> before,
        List<PackageState> after,
        int exitCode,
        String output,
        Duration duration,
        String detail) {

    public static final int NOT_RUN = -1;

    public JobResult {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(status, "status");
        before = List.copyOf(before);
        after = List.copyOf(after);
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(detail, "detail");
    }

    /** The outcome of a job. */
    public enum Status {
        /** The package manager ran and every target is now installed at exactly its version. */
        SUCCEEDED,
        /** Every target was already installed at exactly its version: nothing ran. */
        ALREADY_DONE,
        /** The package manager ran and failed, timed out, or left a target at another version. */
        FAILED,
        /** A pre-check stopped the job before anything ran: lock held, too little disk, unsupported. */
        NOT_STARTED;

        public boolean ok() {
            return this == SUCCEEDED || this == ALREADY_DONE;
        }
    }
}
