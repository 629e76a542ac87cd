package dev.fixpoint.agent.exec;

import dev.fixpoint.core.job.InvalidJobException;
import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.JobResult.Status;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.PackageState;
import dev.fixpoint.core.job.PackageTarget;
import dev.fixpoint.core.version.InvalidVersionException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs INSTALL and ROLLBACK jobs on an rpm/dnf host (RHEL and its rebuilds, Fedora, Amazon Linux), with
 * the same discipline as {@link AptExecutor}:
 *
 * <ol>
 *   <li>reads every installed build of each target's name and architecture from the rpm database
 *       ({@link RpmDatabase}, a read-only {@code rpm -q}); when each target is installed at exactly its
 *       {@code [epoch:]version-release}, stops there: {@link Status#ALREADY_DONE};
 *   <li>checks the direction: an INSTALL never downgrades (dnf 4's {@code install} of an older build
 *       would), and a ROLLBACK, which is {@code dnf downgrade}, can only go down from an installed
 *       newer build; otherwise {@link Status#NOT_STARTED} saying why;
 *   <li>checks that rpm and dnf are idle ({@link PackageLocks}: rpm's and dnf 5's fcntl locks, dnf 4's
 *       pid files) and that each configured directory has enough usable space; otherwise {@link
 *       Status#NOT_STARTED};
 *   <li>runs {@link PackageManagerArgv#dnf(String, Job, List) dnf install or downgrade} of the exact
 *       builds (NEVRAs) from an argument list with {@code LC_ALL=C}, no standard input and a timeout,
 *       keeping a bounded excerpt of its output;
 *   <li>reads the database again: {@link Status#SUCCEEDED} only when dnf exited 0 and every target is
 *       installed at exactly its version, else {@link Status#FAILED} naming what differs.
 * </ol>
 *
 * <p>A ROLLBACK can only reach a build that an enabled repository still offers: {@code dnf downgrade}
 * does not reinstall from the rpm database, and repositories often keep only the latest builds. When
 * dnf says it found no such package, the result says so. ({@code dnf history undo} is not used: it
 * needs the same old builds, and undoes a whole transaction rather than reaching exact versions.)
 *
 * <p>Several installed builds of one name and architecture (install-only packages such as kernels):
 * the target counts as reached when one of them is exactly it; the others are left alone, and an
 * INSTALL is refused when any of them is newer than the target.
 *
 * <p>REBOOT and REFRESH_INVENTORY jobs are not executed here (yet): {@link Status#NOT_STARTED}.
 */
public final class DnfExecutor implements PackageExecutor {

    /**
     * The executor's local settings (the agent's own configuration, never the server's).
     *
     * @param dnf the dnf program ({@code dnf}, or {@code dnf5} where that is the name)
     * @param rpm the rpm program, for the read-only queries
     * @param root the root directory of the system to change: {@code /}, or another tree, passed as
     *     {@code --installroot} to dnf and {@code --root} to rpm
     * @param lockFiles files that rpm or dnf lock with fcntl while they change the system
     * @param pidFiles dnf 4's lock files, each holding the pid of its owner
     * @param diskPaths directories that need {@code minFreeBytes} of usable space each
     * @param minFreeBytes the least usable space
     * @param dnfOptions extra long options for dnf ({@link PackageManagerArgv#checkDnfOption}), e.g.
     *     {@code --setopt=reposdir=…}
     * @param timeout how long dnf may run before it is killed (the rpm queries get at most 2 minutes)
     */
    public record Config(
            String dnf,
            String rpm,
            Path root,
            List<Path> lockFiles,
            List<Path> pidFiles,
            List<Path> diskPaths,
            long minFreeBytes,
            List<String> dnfOptions,
            Duration timeout) {

        public static final long DEFAULT_MIN_FREE_BYTES = 256L * 1024 * 1024;

        public Config {
            Objects.requireNonNull(dnf, "dnf");
            Objects.requireNonNull(rpm, "rpm");
            Objects.requireNonNull(root, "root");
            if (!root.isAbsolute()) {
                throw new IllegalArgumentException("root must be an absolute path: " + root);
            }
            lockFiles = List.copyOf(lockFiles);
            pidFiles = List.copyOf(pidFiles);
            diskPaths = List.copyOf(diskPaths);
            dnfOptions = List.copyOf(dnfOptions);
            dnfOptions.forEach(PackageManagerArgv::checkDnfOption);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
        }

        /** The real host: root {@code /}, 256 MiB free, 30 minutes. */
        public static Config defaults() {
            return under(Path.of("/"));
        }

        /**
         * The locks and directories of a system installed under {@code root}, 256 MiB free, 30 minutes:
         *
         * <ul>
         *   <li>fcntl locks: rpm's transaction lock {@code .rpm.lock} in its database directory, {@code
         *       /var/lib/rpm} (RHEL 8 and 9) or {@code /usr/lib/sysimage/rpm} (Fedora 36 and later, RHEL
         *       10; {@code /var/lib/rpm} is then a link to it), and dnf 5's {@code
         *       /run/dnf/rpmtransaction.lock}, held while it runs a transaction;
         *   <li>dnf 4's pid files: {@code /var/lib/dnf/rpmdb_lock.pid} (the transaction), {@code
         *       /var/cache/dnf/metadata_lock.pid} and {@code /var/cache/dnf/download_lock.pid};
         *   <li>space: dnf's caches ({@code /var/cache/dnf}, dnf 5's {@code /var/cache/libdnf5}), {@code
         *       /usr} and the rpm database.
         * </ul>
         */
        public static Config under(Path root) {
            return new Config(
                    "dnf",
                    "rpm",
                    root,
                    List.of(
                            root.resolve("var/lib/rpm/.rpm.lock"),
                            root.resolve("usr/lib/sysimage/rpm/.rpm.lock"),
                            root.resolve("run/dnf/rpmtransaction.lock")),
                    List.of(
                            root.resolve("var/lib/dnf/rpmdb_lock.pid"),
                            root.resolve("var/cache/dnf/metadata_lock.pid"),
                            root.resolve("var/cache/dnf/download_lock.pid")),
                    List.of(
                            root.resolve("var/cache/dnf"),
                            root.resolve("var/cache/libdnf5"),
                            root.resolve("usr"),
                            root.resolve("var/lib/rpm"),
                            root.resolve("usr/lib/sysimage/rpm")),
                    DEFAULT_MIN_FREE_BYTES,
                    List.of(),
                    Duration.ofMinutes(30));
        }

        public Config withPrograms(String dnfProgram, String rpmProgram) {
            return new Config(
                    dnfProgram, rpmProgram, root, lockFiles, pidFiles, diskPaths, minFreeBytes, dnfOptions, timeout);
        }

        public Config withLocks(List<Path> fcntlLocks, List<Path> dnfPidFiles) {
            return new Config(dnf, rpm, root, fcntlLocks, dnfPidFiles, diskPaths, minFreeBytes, dnfOptions, timeout);
        }

        public Config withDiskPaths(List<Path> paths, long bytes) {
            return new Config(dnf, rpm, root, lockFiles, pidFiles, paths, bytes, dnfOptions, timeout);
        }

        public Config withDnfOptions(List<String> options) {
            return new Config(dnf, rpm, root, lockFiles, pidFiles, diskPaths, minFreeBytes, options, timeout);
        }

        public Config withTimeout(Duration t) {
            return new Config(dnf, rpm, root, lockFiles, pidFiles, diskPaths, minFreeBytes, dnfOptions, t);
        }
    }

    private final Config config;
    private final RpmDatabase rpm;
    private final DnfPreflight preflight;

    public DnfExecutor(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        Duration q = Preflight.queryTimeout(config.timeout());
        this.rpm = new RpmDatabase(config.rpm(), config.root(), q);
        this.preflight = new DnfPreflight(config.dnf(), config.root(), config.dnfOptions(), rpm, q);
    }

    /** Checks, changing nothing, that each listed build is obtainable ({@link DnfPreflight}). */
    @Override
    public JobResult preflight(VerifiedJob verified) {
        return Preflight.run(verified, PackageFamily.RPM, preflight::check);
    }

    public JobResult execute(VerifiedJob verified) {
        long start = System.nanoTime();
        Job job = verified.job();
        if (verified.family() != PackageFamily.RPM) {
            return JobOutcomes.notStarted(job, List.of(), start, "verified for " + verified.family() + ", not for rpm");
        }
        if (!job.type().changesPackages()) {
            return JobOutcomes.notStarted(
                    job, List.of(), start, job.type() + " jobs are not executed by this agent yet");
        }
        List<List<String>> installedBefore;
        try {
            installedBefore = rpm.versions(job.packages());
        } catch (IOException e) {
            return JobOutcomes.notStarted(
                    job, List.of(), start, "cannot read " + rpm.describe() + ": " + e.getMessage());
        }
        List<PackageState> before = states(job.packages(), installedBefore);
        if (mismatches(job.packages(), installedBefore).isEmpty()) {
            return JobOutcomes.alreadyDone(job, before, start);
        }
        Optional<String> wrongWay = wrongDirection(job, installedBefore);
        if (wrongWay.isPresent()) {
            return JobOutcomes.notStarted(job, before, start, wrongWay.get());
        }
        Optional<String> busy = PackageLocks.busy(config.lockFiles(), "rpm or dnf")
                .or(() -> PackageLocks.pidFileBusy(config.pidFiles(), "dnf"));
        if (busy.isPresent()) {
            return JobOutcomes.notStarted(job, before, start, busy.get());
        }
        Optional<String> lowDisk = DiskSpace.low(config.diskPaths(), config.minFreeBytes());
        if (lowDisk.isPresent()) {
            return JobOutcomes.notStarted(job, before, start, lowDisk.get());
        }
        List<String> argv;
        try {
            List<String> options = new ArrayList<>();
            if (!ManagerProcess.isHostRoot(config.root())) {
                options.add("--installroot=" + config.root());
            }
            options.addAll(config.dnfOptions());
            argv = PackageManagerArgv.dnf(config.dnf(), job, options);
        } catch (InvalidJobException e) {
            return JobOutcomes.notStarted(
                    job, before, start, e.getMessage()); // verified already; a second line of defence
        }
        ManagerProcess.Run run = ManagerProcess.run(argv, Map.of("LC_ALL", "C"), config.timeout(), "dnf");
        if (!run.started) {
            return JobOutcomes.notStarted(job, before, start, run.failure);
        }
        List<List<String>> installedAfter;
        try {
            installedAfter = rpm.versions(job.packages());
        } catch (IOException e) {
            return JobOutcomes.unreadableAfter(job, before, run, start, rpm.describe(), e.getMessage());
        }
        String hint = job.type() == JobType.ROLLBACK && notInAnyRepository(run.output)
                ? "; dnf downgrade installs only builds an enabled repository still offers: an old version"
                        + " that no repository has any more cannot be rolled back this way"
                : "";
        return JobOutcomes.afterRun(
                job,
                before,
                states(job.packages(), installedAfter),
                run,
                start,
                "dnf",
                mismatches(job.packages(), installedAfter),
                lockHint(run.output),
                hint);
    }

    /**
     * Each target's state: the installed build that is exactly the target if there is one, else the
     * newest installed build, else absent.
     */
    static List<PackageState> states(List<PackageTarget> targets, List<List<String>> installed) {
        List<PackageState> out = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            PackageTarget t = targets.get(i);
            List<String> versions = installed.get(i);
            if (versions.isEmpty()) {
                out.add(PackageState.absent(t));
                continue;
            }
            String shown = versions.stream()
                    .filter(v -> PackageFamily.RPM.sameVersion(v, t.version()))
                    .findFirst()
                    .orElseGet(() -> newest(versions));
            out.add(new PackageState(t.name(), t.arch(), shown, PackageState.INSTALLED));
        }
        return out;
    }

    private static String newest(List<String> versions) {
        String best = versions.get(0);
        for (String v : versions) {
            try {
                if (PackageFamily.RPM.scheme().compare(v, best) > 0) {
                    best = v;
                }
            } catch (InvalidVersionException e) {
                return versions.get(versions.size() - 1);
            }
        }
        return best;
    }

    /** "name:arch is V[, V2] (installed), wanted W" for each target not installed at exactly its version. */
    static List<String> mismatches(List<PackageTarget> targets, List<List<String>> installed) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            PackageTarget t = targets.get(i);
            List<String> versions = installed.get(i);
            if (versions.stream().noneMatch(v -> PackageFamily.RPM.sameVersion(v, t.version()))) {
                out.add(t.key() + " is "
                        + (versions.isEmpty()
                                ? "absent (" + PackageState.NOT_INSTALLED + ")"
                                : String.join(", ", versions) + " (" + PackageState.INSTALLED + ")")
                        + ", wanted " + t.version());
            }
        }
        return out;
    }

    /**
     * Why dnf would move a target the wrong way, or empty: an INSTALL with a newer build installed would
     * downgrade it; a ROLLBACK ({@code dnf downgrade}) of a target that is absent, or has no newer build
     * installed, cannot reach it.
     */
    static Optional<String> wrongDirection(Job job, List<List<String>> installed) {
        for (int i = 0; i < job.packages().size(); i++) {
            PackageTarget t = job.packages().get(i);
            List<String> versions = installed.get(i);
            if (versions.stream().anyMatch(v -> PackageFamily.RPM.sameVersion(v, t.version()))) {
                continue;
            }
            try {
                boolean newerInstalled = false;
                for (String v : versions) {
                    if (PackageFamily.RPM.scheme().compare(v, t.version()) > 0) {
                        newerInstalled = true;
                        if (job.type() == JobType.INSTALL) {
                            return Optional.of("an INSTALL never downgrades: " + t.key() + " is " + v + ", newer than "
                                    + t.version() + " (a ROLLBACK job downgrades)");
                        }
                    }
                }
                if (job.type() == JobType.ROLLBACK && !newerInstalled) {
                    return Optional.of(
                            versions.isEmpty()
                                    ? "a ROLLBACK is dnf downgrade, which cannot install " + t.key()
                                            + ": it is not installed"
                                    : "a ROLLBACK is dnf downgrade, which cannot upgrade " + t.key() + " from "
                                            + String.join(", ", versions) + " to " + t.version());
                }
            } catch (InvalidVersionException e) {
                return Optional.of("cannot compare the versions of " + t.key() + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    private static String lockHint(String output) {
        return output.contains("already locked by")
                        || output.contains("transaction lock")
                        || output.contains("Waiting for process with pid")
                ? " (the package manager lock was taken meanwhile)"
                : "";
    }

    /** dnf's words for a requested build that no enabled repository offers. */
    private static boolean notInAnyRepository(String output) {
        return output.contains("No packages marked for downgrade")
                || output.contains("No match for") // "No match for argument: …"
                || output.contains("Unable to find a match")
                || output.contains("No package ");
    }
}
