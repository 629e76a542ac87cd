package dev.fixpoint.agent.exec;

import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.JobResult.Status;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.PackageState;
import dev.fixpoint.core.job.PackageTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What the PREFLIGHT checks of the families ({@link AptPreflight}, {@link DnfPreflight}, {@link
 * ApkPreflight}) share: where each listed version was found, and the result they report. A PREFLIGHT
 * changes nothing: no package-manager command that installs, downloads or refreshes metadata runs, and
 * no package-manager lock is taken; only read-only queries and file lookups.
 */
final class Preflight {
    private Preflight() {}

    /** How long one read-only query may take. */
    static final Duration QUERY_TIMEOUT = Duration.ofMinutes(2);

    /** The timeout of one read-only query for an executor whose jobs may take {@code jobTimeout}. */
    static Duration queryTimeout(Duration jobTimeout) {
        return jobTimeout.compareTo(QUERY_TIMEOUT) < 0 ? jobTimeout : QUERY_TIMEOUT;
    }

    /**
     * Runs a family's {@code check} on a PREFLIGHT job verified for that family; any other job is not
     * started, and its result says why.
     */
    static JobResult run(VerifiedJob verified, PackageFamily family, Function<Job, JobResult> check) {
        long start = System.nanoTime();
        String expected = family.name().toLowerCase(Locale.ROOT);
        if (verified.family() != family) {
            return JobOutcomes.notStarted(
                    verified.job(), List.of(), start, "verified for " + verified.family() + ", not for " + expected);
        }
        if (verified.job().type() != JobType.PREFLIGHT) {
            return JobOutcomes.notStarted(
                    verified.job(),
                    List.of(),
                    start,
                    "not a PREFLIGHT job: " + verified.job().type());
        }
        return check.apply(verified.job());
    }

    /** Where a listed version was found. */
    enum Where {
        /** A configured repository, as the package manager knows it now (no refresh). */
        REPOSITORY,
        /** Only the package manager's local package cache. */
        CACHE,
        /** Neither: a rollback could not restore it. */
        NOWHERE
    }

    /**
     * The result: SUCCEEDED when every version was found, else FAILED naming each one that was not;
     * before = after = the current states; no package manager run (exit code NOT_RUN).
     *
     * @param cache how the family's package cache is named in messages ("apt's cache")
     * @param query what was asked, for the result's output
     */
    static JobResult result(
            Job job, List<PackageState> states, List<Where> found, String cache, String query, long start) {
        return result(job, states, found, cache, true, query, start);
    }

    /**
     * As above; {@code cacheRestores} false when the rollback command cannot install a version that is
     * only in the cache (apt: {@code apt-get install name=version} finds versions in its lists only), so
     * such a version counts as missing.
     */
    static JobResult result(
            Job job,
            List<PackageState> states,
            List<Where> found,
            String cache,
            boolean cacheRestores,
            String query,
            long start) {
        List<String> missing = new ArrayList<>();
        List<String> cachedOnly = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            PackageTarget t = job.packages().get(i);
            if (found.get(i) == Where.NOWHERE) {
                missing.add(t.key() + " " + t.version() + " is in no repository and not in " + cache
                        + ": a rollback could not restore it");
            } else if (found.get(i) == Where.CACHE && !cacheRestores) {
                missing.add(t.key() + " " + t.version() + " is only in " + cache + ", in no repository: the"
                        + " rollback's package manager installs versions from its repositories only, so it could"
                        + " not restore it");
            } else if (found.get(i) == Where.CACHE) {
                cachedOnly.add(t.key() + " " + t.version());
            }
        }
        String cached = cachedOnly.isEmpty()
                ? ""
                : " (only in " + cache + ", in no repository: " + String.join(", ", cachedOnly) + ")";
        if (!missing.isEmpty()) {
            return new JobResult(
                    job.id(),
                    Status.FAILED,
                    states,
                    states,
                    JobResult.NOT_RUN,
                    query,
                    elapsed(start),
                    String.join("; ", missing) + cached);
        }
        return new JobResult(
                job.id(),
                Status.SUCCEEDED,
                states,
                states,
                JobResult.NOT_RUN,
                query,
                elapsed(start),
                "every listed version is obtainable" + cached);
    }

    static JobResult notStarted(Job job, List<PackageState> states, String why, long start) {
        return new JobResult(
                job.id(),
                Status.NOT_STARTED,
                states,
                states,
                JobResult.NOT_RUN,
                "",
                elapsed(start),
                "the pre-flight check could not run: " + why);
    }

    static String clip(String s) {
        String p = JobJson.printable(s.strip());
        return p.length() <= 300 ? p : p.substring(0, 300) + "…";
    }

    private static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
