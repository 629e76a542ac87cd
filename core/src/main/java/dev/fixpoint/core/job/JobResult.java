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
 * @param health the job's health checks and their outcomes, in the job's order (empty when the job has
 *     none, or when the packages did not reach their target versions and the checks were not run)
 */
public record JobResult(
        String jobId,
        Status status,
        List<PackageState> before,
        List<PackageState> after,
        int exitCode,
        String output,
        Duration duration,
        String detail,
        List<HealthResult> health) {

    public static final int NOT_RUN = -1;

    public JobResult {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(status, "status");
        before = List.copyOf(before);
        after = List.copyOf(after);
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(detail, "detail");
        health = List.copyOf(health);
    }

    /** A result without health checks. */
    public JobResult(
            String jobId,
            Status status,
            List<PackageState> before,
            List<PackageState> after,
            int exitCode,
            String output,
            Duration duration,
            String detail) {
        this(jobId, status, before, after, exitCode, output, duration, detail, List.of());
    }

    /** The same result with its health checks' outcomes, {@link Status#UNHEALTHY} if one failed. */
    public JobResult withHealth(List<HealthResult> results) {
        boolean failed = results.stream().anyMatch(r -> !r.ok());
        Status s = failed && status.ok() ? Status.UNHEALTHY : status;
        String d = failed && status.ok()
                ? detail + "; health check failed: "
                        + results.stream()
                                .filter(r -> !r.ok())
                                .map(r -> r.check().kind() + " " + r.check().target() + " (" + r.detail() + ")")
                                .reduce((a, b) -> a + ", " + b)
                                .orElse("")
                : detail;
        return new JobResult(jobId, s, before, after, exitCode, output, duration, d, results);
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
        NOT_STARTED,
        /**
         * The packages reached their target versions but a health check failed afterwards: the host is
         * at the new versions and not working.
         */
        UNHEALTHY,
        /** The agent refused the job (signature, host, validity window, grammar); nothing ran. */
        REJECTED;

        public boolean ok() {
            return this == SUCCEEDED || this == ALREADY_DONE;
        }
    }
}
