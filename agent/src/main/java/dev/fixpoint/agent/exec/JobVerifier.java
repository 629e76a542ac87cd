package dev.fixpoint.agent.exec;

import dev.fixpoint.agent.exec.JobRejectedException.Reason;
import dev.fixpoint.core.job.InvalidJobException;
import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.SignedJob;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Decides whether this agent may act on a job. The checks, in order (the first failure refuses the
 * job, and nothing runs):
 *
 * <ol>
 *   <li>the signature is the pinned job key's Ed25519 signature over the job's canonical encoding
 *       (an empty or malformed signature fails here too);
 *   <li>the job is for this host;
 *   <li>now ≥ {@code notBefore} − skew;
 *   <li>now &lt; {@code expires} + skew;
 *   <li>every package name, version and architecture fits the host's package family;
 *   <li>the id was never accepted before: it is then recorded, durably, before the job is returned.
 * </ol>
 *
 * <p>The job's shape (ids, nonce, time order, packages present) was already checked when it was
 * built, by {@link Job}'s constructor; JSON that fails it is {@link Reason#MALFORMED}.
 *
 * <p>The skew ({@value #DEFAULT_SKEW_SECONDS} s by default, at most 10 minutes) tolerates a host clock
 * that is somewhat off from the server's; the server should leave a job's window much wider than that.
 */
public final class JobVerifier {
    public static final long DEFAULT_SKEW_SECONDS = 60;
    public static final Duration DEFAULT_SKEW = Duration.ofSeconds(DEFAULT_SKEW_SECONDS);
    public static final Duration MAX_SKEW = Duration.ofMinutes(10);

    private final PublicKey jobKey;
    private final String hostId;
    private final PackageFamily family;
    private final SeenJobs seen;
    private final Clock clock;
    private final Duration skew;

    /**
     * @param jobKey the server's job key pinned at enrollment ({@link JobKeyFile})
     * @param hostId this host's id, from enrollment
     * @param family this host's package family
     */
    public JobVerifier(
            PublicKey jobKey, String hostId, PackageFamily family, SeenJobs seen, Clock clock, Duration skew) {
        JobKeyFile.requireEd25519(Objects.requireNonNull(jobKey, "jobKey"));
        this.jobKey = jobKey;
        this.hostId = Objects.requireNonNull(hostId, "hostId");
        this.family = Objects.requireNonNull(family, "family");
        this.seen = Objects.requireNonNull(seen, "seen");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (skew.isNegative() || skew.compareTo(MAX_SKEW) > 0) {
            throw new IllegalArgumentException("clock skew must be between 0 and " + MAX_SKEW + ": " + skew);
        }
        this.skew = skew;
    }

    public JobVerifier(PublicKey jobKey, String hostId, PackageFamily family, SeenJobs seen) {
        this(jobKey, hostId, family, seen, Clock.systemUTC(), DEFAULT_SKEW);
    }

    /** The checks above; returns the job once it is recorded as seen. */
    public VerifiedJob verify(SignedJob signed) throws JobRejectedException {
        Job job = signed.job();
        String id = job.id();
        if (!signed.verify(jobKey)) {
            throw new JobRejectedException(
                    Reason.BAD_SIGNATURE,
                    id,
                    "job " + id + " refused: its signature is not the server's job key's signature over this job");
        }
        if (!job.hostId().equals(hostId)) {
            throw new JobRejectedException(
                    Reason.WRONG_HOST, id, "job " + id + " refused: it is for host " + job.hostId() + ", not this one");
        }
        Instant now = clock.instant();
        if (now.isBefore(job.notBefore().minus(skew))) {
            throw new JobRejectedException(
                    Reason.NOT_YET_VALID,
                    id,
                    "job " + id + " refused: not valid before " + job.notBefore() + " (now " + now + ")");
        }
        Instant forgetAfter = job.expires().plus(skew);
        if (!now.isBefore(forgetAfter)) {
            throw new JobRejectedException(
                    Reason.EXPIRED, id, "job " + id + " refused: expired at " + job.expires() + " (now " + now + ")");
        }
        try {
            family.check(job);
        } catch (InvalidJobException e) {
            throw new JobRejectedException(Reason.INVALID, id, "refused: " + e.getMessage());
        }
        SeenJobs.Outcome outcome;
        try {
            outcome = seen.record(id, forgetAfter, now);
        } catch (IOException e) {
            throw new JobRejectedException(
                    Reason.REPLAY_STORE, id, "job " + id + " refused: cannot record it as seen: " + e.getMessage());
        }
        switch (outcome) {
            case ALREADY_SEEN:
                throw new JobRejectedException(
                        Reason.REPLAYED, id, "job " + id + " refused: it was accepted before (a replay)");
            case FULL:
                throw new JobRejectedException(
                        Reason.REPLAY_STORE,
                        id,
                        "job " + id + " refused: the seen-jobs store is full of unexpired jobs");
            default:
                return new VerifiedJob(job, family);
        }
    }
}
