package dev.fixpoint.agent.exec;

import dev.fixpoint.core.job.InvalidJobException;
import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.JobResult.Status;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.PackageState;
import dev.fixpoint.core.job.PackageTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs INSTALL and ROLLBACK jobs on a dpkg/apt host:
 *
 * <ol>
 *   <li>reads the targets' exact state from dpkg's status file (the pre-state); when every target is
 *       already installed at exactly its version, stops there: {@link Status#ALREADY_DONE};
 *   <li>checks that apt and dpkg are idle ({@link PackageLocks}) and that each configured directory has
 *       enough usable space; otherwise {@link Status#NOT_STARTED};
 *   <li>runs {@link PackageManagerArgv#apt apt-get install} from an argument list with {@code
 *       DEBIAN_FRONTEND=noninteractive}, no standard input and a timeout, keeping a bounded excerpt
 *       of its output;
 *   <li>reads the status file again (the post-state): {@link Status#SUCCEEDED} only when apt-get
 *       exited 0 and every target is {@code installed} at exactly its version, else {@link
 *       Status#FAILED} naming what differs.
 * </ol>
 *
 * REBOOT and REFRESH_INVENTORY jobs are not executed here (yet): {@link Status#NOT_STARTED}.
 */
public final class AptExecutor implements PackageExecutor {

    /**
     * The executor's local settings (the agent's own configuration, never the server's).
     *
     * @param aptGet the apt-get program
     * @param dpkgStatus dpkg's status file
     * @param lockFiles the locks that must be free: dpkg's frontend lock and its database lock
     * @param diskPaths directories that need {@code minFreeBytes} of usable space each
     * @param minFreeBytes the least usable space
     * @param aptOptions extra {@code Key=Value} apt configuration, passed as {@code -o}
     * @param timeout how long apt-get may run before it is killed
     */
    public record Config(
            String aptGet,
            Path dpkgStatus,
            List<Path> lockFiles,
            List<Path> diskPaths,
            long minFreeBytes,
            List<String> aptOptions,
            Duration timeout) {

        public static final long DEFAULT_MIN_FREE_BYTES = 256L * 1024 * 1024;

        public Config {
            Objects.requireNonNull(aptGet, "aptGet");
            Objects.requireNonNull(dpkgStatus, "dpkgStatus");
            lockFiles = List.copyOf(lockFiles);
            diskPaths = List.copyOf(diskPaths);
            aptOptions = List.copyOf(aptOptions);
            aptOptions.forEach(PackageManagerArgv::checkAptOption);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
        }

        /** The real host's paths, 256 MiB free, 30 minutes. */
        public static Config defaults() {
            return new Config(
                    "apt-get",
                    Path.of("/var/lib/dpkg/status"),
                    List.of(Path.of("/var/lib/dpkg/lock-frontend"), Path.of("/var/lib/dpkg/lock")),
                    List.of(Path.of("/var/cache/apt/archives"), Path.of("/usr"), Path.of("/var/lib/dpkg")),
                    DEFAULT_MIN_FREE_BYTES,
                    List.of(),
                    Duration.ofMinutes(30));
        }

        public Config withAptOptions(List<String> options) {
            return new Config(aptGet, dpkgStatus, lockFiles, diskPaths, minFreeBytes, options, timeout);
        }

        public Config withMinFreeBytes(long bytes) {
            return new Config(aptGet, dpkgStatus, lockFiles, diskPaths, bytes, aptOptions, timeout);
        }
    }

    private final Config config;
    private final DpkgDatabase dpkg;
    private final AptPreflight preflight;

    /** An executor whose PREFLIGHT check runs {@code apt-cache} and looks under the root {@code /}. */
    public AptExecutor(Config config) {
        this(config, "apt-cache", Path.of("/"));
    }

    /**
     * @param aptCache the apt-cache program, for PREFLIGHT jobs
     * @param root the root directory apt's archive cache is found under, for PREFLIGHT jobs
     */
    public AptExecutor(Config config, String aptCache, Path root) {
        this.config = Objects.requireNonNull(config, "config");
        this.dpkg = new DpkgDatabase(config.dpkgStatus());
        this.preflight = new AptPreflight(
                aptCache, root, config.aptOptions(), config.dpkgStatus(), Preflight.queryTimeout(config.timeout()));
    }

    /** Checks, changing nothing, that each listed version is obtainable ({@link AptPreflight}). */
    @Override
    public JobResult preflight(VerifiedJob verified) {
        return Preflight.run(verified, PackageFamily.DPKG, preflight::check);
    }

    public JobResult execute(VerifiedJob verified) {
        long start = System.nanoTime();
        Job job = verified.job();
        if (verified.family() != PackageFamily.DPKG) {
            return JobOutcomes.notStarted(
                    job, List.of(), start, "verified for " + verified.family() + ", not for dpkg");
        }
        if (!job.type().changesPackages()) {
            return JobOutcomes.notStarted(
                    job, List.of(), start, job.type() + " jobs are not executed by this agent yet");
        }
        List<PackageState> before;
        try {
            before = dpkg.states(job.packages());
        } catch (IOException e) {
            return JobOutcomes.notStarted(job, List.of(), start, "cannot read " + dpkg.path() + ": " + e.getMessage());
        }
        if (mismatches(job, before).isEmpty()) {
            return JobOutcomes.alreadyDone(job, before, start);
        }
        Optional<String> busy = PackageLocks.busy(config.lockFiles());
        if (busy.isPresent()) {
            return JobOutcomes.notStarted(job, before, start, busy.get());
        }
        Optional<String> lowDisk = DiskSpace.low(config.diskPaths(), config.minFreeBytes());
        if (lowDisk.isPresent()) {
            return JobOutcomes.notStarted(job, before, start, lowDisk.get());
        }
        List<String> argv;
        try {
            argv = PackageManagerArgv.apt(config.aptGet(), job, config.aptOptions());
        } catch (InvalidJobException e) {
            return JobOutcomes.notStarted(
                    job, before, start, e.getMessage()); // verified already; a second line of defence
        }
        ManagerProcess.Run run = ManagerProcess.run(
                argv,
                Map.of("DEBIAN_FRONTEND", "noninteractive", "APT_LISTCHANGES_FRONTEND", "none", "LC_ALL", "C"),
                config.timeout(),
                "apt-get");
        if (!run.started) {
            return JobOutcomes.notStarted(job, before, start, run.failure);
        }
        List<PackageState> after;
        try {
            after = dpkg.states(job.packages());
        } catch (IOException e) {
            return JobOutcomes.unreadableAfter(
                    job, before, run, start, dpkg.path().toString(), e.getMessage());
        }
        return JobOutcomes.afterRun(
                job, before, after, run, start, "apt-get", mismatches(job, after), lockHint(run.output), "");
    }

    /** "name:arch is X (state), wanted Y" for each target not installed at exactly its version. */
    private static List<String> mismatches(Job job, List<PackageState> states) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < states.size(); i++) {
            PackageTarget t = job.packages().get(i);
            PackageState s = states.get(i);
            if (!s.satisfies(t, PackageFamily.DPKG)) {
                out.add(t.key() + " is " + (s.version() == null ? "absent" : s.version()) + " (" + s.status()
                        + "), wanted " + t.version());
            }
        }
        return out;
    }

    private static String lockHint(String output) {
        return output.contains("Could not get lock") || output.contains("Unable to acquire the dpkg frontend lock")
                ? " (the package manager lock was taken meanwhile)"
                : "";
    }
}
