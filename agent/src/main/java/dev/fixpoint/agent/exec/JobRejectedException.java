package dev.fixpoint.agent.exec;

/** The agent refuses a job before anything runs; {@link #reason()} says which check failed. */
public final class JobRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Which check refused the job, in the order {@link JobVerifier} makes them. */
    public enum Reason {
        /** Not a job: not JSON, a field missing, unknown, repeated or of the wrong type, a bad shape. */
        MALFORMED,
        /** No signature, or not the pinned job key's signature over exactly this job. */
        BAD_SIGNATURE,
        /** Signed, but for another host. */
        WRONG_HOST,
        /** Its {@code notBefore} is still ahead (beyond the allowed clock skew). */
        NOT_YET_VALID,
        /** Its {@code expires} has passed (beyond the allowed clock skew). */
        EXPIRED,
        /** A package name, version or architecture breaks the host's package-manager grammar. */
        INVALID,
        /** A job with this id was accepted before. */
        REPLAYED,
        /** The replay store could not record the job (full, unreadable or unwritable): refused to be safe. */
        REPLAY_STORE
    }

    private final Reason reason;
    private final String jobId;

    public JobRejectedException(Reason reason, String jobId, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.jobId = jobId;
    }

    public Reason reason() {
        return reason;
    }

    /** The job's id as it claimed it (unverified when the reason is MALFORMED or BAD_SIGNATURE), or null. */
    public String jobId() {
        return jobId;
    }
}
