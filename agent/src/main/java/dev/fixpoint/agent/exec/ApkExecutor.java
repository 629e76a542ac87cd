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
 * Runs INSTALL and ROLLBACK jobs on an apk host (Alpine, Wolfi), with the same discipline as {@link
 * AptExecutor}:
 *
 * <ol>
 *   <li>reads the targets' exact state from apk's installed database ({@link ApkDatabase}); when every
 *       target is installed at exactly its version and architecture, stops there: {@link
 *       Status#ALREADY_DONE};
 *   <li>checks that every target is for this host's architecture ({@code /etc/apk/arch}) or {@code
 *       noarch}, since an apk dependency cannot name one; and that an INSTALL would not downgrade
 *       ({@code apk add name=version} moves either way); otherwise {@link Status#NOT_STARTED};
 *   <li>checks that apk is idle (its flock on {@code /lib/apk/db/lock}, or apk-tools 3's {@code
 *       /run/apk/db.lock}: {@link PackageLocks#flockBusy}) and that each configured directory has
 *       enough usable space; otherwise {@link Status#NOT_STARTED};
 *   <li>runs {@link PackageManagerArgv#apk(String, Job, List) apk add name=version} from an argument
 *       list with {@code LC_ALL=C}, no standard input and a timeout, keeping a bounded excerpt of its
 *       output (apk does not wait for its lock unless told to, so a lock taken meanwhile fails it);
 *   <li>reads the database again: {@link Status#SUCCEEDED} only when apk exited 0 and every target is
 *       installed at exactly its version and architecture, else {@link Status#FAILED} naming what
 *       differs.
 * </ol>
 *
 * <p>{@code apk add name=version} records the constraint in {@code /etc/apk/world}: the package stays
 * at that version through later {@code apk upgrade}s until another job (or a person) changes it.
 *
 * <p>REBOOT and REFRESH_INVENTORY jobs are not executed here (yet): {@link Status#NOT_STARTED}.
 */
public final class ApkExecutor implements PackageExecutor {

    /**
     * The executor's local settings (the agent's own configuration, never the server's).
     *
     * @param apk the apk program
     * @param root the root directory of the system to change: {@code /}, or another tree, passed to apk
     *     as {@code --root}
     * @param installedDb apk's installed database
     * @param archFile the file naming the host's architecture
     * @param lockFiles the files apk flocks while it changes the system
     * @param diskPaths directories that need {@code minFreeBytes} of usable space each
     * @param minFreeBytes the least usable space
     * @param apkOptions extra long options for apk ({@link PackageManagerArgv#checkApkOption}), e.g.
     *     {@code --repositories-file=…}
     * @param timeout how long apk may run before it is killed
     */
    public record Config(
            String apk,
            Path root,
            Path installedDb,
            Path archFile,
            List<Path> lockFiles,
            List<Path> diskPaths,
            long minFreeBytes,
            List<String> apkOptions,
            Duration timeout) {

        public static final long DEFAULT_MIN_FREE_BYTES = 256L * 1024 * 1024;

        public Config {
            Objects.requireNonNull(apk, "apk");
            Objects.requireNonNull(root, "root");
            if (!root.isAbsolute()) {
                throw new IllegalArgumentException("root must be an absolute path: " + root);
            }
            Objects.requireNonNull(installedDb, "installedDb");
            Objects.requireNonNull(archFile, "archFile");
            lockFiles = List.copyOf(lockFiles);
            diskPaths = List.copyOf(diskPaths);
            apkOptions = List.copyOf(apkOptions);
            apkOptions.forEach(PackageManagerArgv::checkApkOption);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
        }

        /** The real host: root {@code /}, 256 MiB free, 30 minutes. */
        public static Config defaults() {
            return under(Path.of("/"));
        }

        /**
         * The files and directories of a system installed under {@code root}: {@code
         * lib/apk/db/installed}, {@code etc/apk/arch}, the locks {@code lib/apk/db/lock} (apk-tools 2, and
         * 3 where it exists) and {@code run/apk/db.lock} (apk-tools 3), space under {@code usr}, {@code
         * lib/apk/db} and the package caches {@code var/cache/apk} and {@code etc/apk/cache}; 256 MiB free,
         * 30 minutes.
         */
        public static Config under(Path root) {
            return new Config(
                    "apk",
                    root,
                    root.resolve("lib/apk/db/installed"),
                    root.resolve("etc/apk/arch"),
                    List.of(root.resolve("lib/apk/db/lock"), root.resolve("run/apk/db.lock")),
                    List.of(
                            root.resolve("usr"),
                            root.resolve("lib/apk/db"),
                            root.resolve("var/cache/apk"),
                            root.resolve("etc/apk/cache")),
                    DEFAULT_MIN_FREE_BYTES,
                    List.of(),
                    Duration.ofMinutes(30));
        }

        public Config withApk(String program) {
            return new Config(
                    program, root, installedDb, archFile, lockFiles, diskPaths, minFreeBytes, apkOptions, timeout);
        }

        public Config withDiskPaths(List<Path> paths, long bytes) {
            return new Config(apk, root, installedDb, archFile, lockFiles, paths, bytes, apkOptions, timeout);
        }

        public Config withApkOptions(List<String> options) {
            return new Config(apk, root, installedDb, archFile, lockFiles, diskPaths, minFreeBytes, options, timeout);
        }

        public Config withTimeout(Duration t) {
            return new Config(apk, root, installedDb, archFile, lockFiles, diskPaths, minFreeBytes, apkOptions, t);
        }
    }

    private final Config config;
    private final ApkDatabase db;
    private final ApkPreflight preflight;

    public ApkExecutor(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        this.db = new ApkDatabase(config.installedDb());
        this.preflight = new ApkPreflight(
                config.apk(),
                config.root(),
                config.apkOptions(),
                db,
                config.archFile(),
                Preflight.queryTimeout(config.timeout()));
    }

    /** Checks, changing nothing, that each listed version is obtainable ({@link ApkPreflight}). */
    @Override
    public JobResult preflight(VerifiedJob verified) {
        return Preflight.run(verified, PackageFamily.APK, preflight::check);
    }

    public JobResult execute(VerifiedJob verified) {
        long start = System.nanoTime();
        Job job = verified.job();
        if (verified.family() != PackageFamily.APK) {
            return JobOutcomes.notStarted(job, List.of(), start, "verified for " + verified.family() + ", not for apk");
        }
        if (!job.type().changesPackages()) {
            return JobOutcomes.notStarted(
                    job, List.of(), start, job.type() + " jobs are not executed by this agent yet");
        }
        List<PackageState> before;
        try {
            before = db.states(job.packages());
        } catch (IOException e) {
            return JobOutcomes.notStarted(job, List.of(), start, "cannot read " + db.path() + ": " + e.getMessage());
        }
        if (mismatches(job.packages(), before).isEmpty()) {
            return JobOutcomes.alreadyDone(job, before, start);
        }
        String hostArch;
        try {
            hostArch = ApkDatabase.hostArch(config.archFile());
        } catch (IOException e) {
            return JobOutcomes.notStarted(
                    job, before, start, "cannot tell this host's architecture: " + e.getMessage());
        }
        Optional<String> refused = foreignArch(job, hostArch).or(() -> wrongDirection(job, before));
        if (refused.isPresent()) {
            return JobOutcomes.notStarted(job, before, start, refused.get());
        }
        Optional<String> busy = PackageLocks.flockBusy(config.lockFiles(), "apk");
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
                options.add("--root=" + config.root());
            }
            options.addAll(config.apkOptions());
            argv = PackageManagerArgv.apk(config.apk(), job, options);
        } catch (InvalidJobException e) {
            return JobOutcomes.notStarted(
                    job, before, start, e.getMessage()); // verified already; a second line of defence
        }
        ManagerProcess.Run run = ManagerProcess.run(argv, Map.of("LC_ALL", "C"), config.timeout(), "apk");
        if (!run.started) {
            return JobOutcomes.notStarted(job, before, start, run.failure);
        }
        List<PackageState> after;
        try {
            after = db.states(job.packages());
        } catch (IOException e) {
            return JobOutcomes.unreadableAfter(
                    job, before, run, start, db.path().toString(), e.getMessage());
        }
        return JobOutcomes.afterRun(
                job, before, after, run, start, "apk", mismatches(job.packages(), after), lockHint(run.output), "");
    }

    /** Whether the state is exactly the target: installed, same version string, same architecture. */
    static boolean reached(PackageState s, PackageTarget t) {
        return s.satisfies(t, PackageFamily.APK) && s.arch().equals(t.arch());
    }

    /** "name:arch is V (installed[, other arch]), wanted W" for each target not reached. */
    static List<String> mismatches(List<PackageTarget> targets, List<PackageState> states) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            PackageTarget t = targets.get(i);
            PackageState s = states.get(i);
            if (!reached(s, t)) {
                out.add(t.key() + " is " + (s.version() == null ? "absent" : s.version()) + " (" + s.status()
                        + (s.version() != null && !s.arch().equals(t.arch()) ? ", " + s.arch() : "")
                        + "), wanted " + t.version());
            }
        }
        return out;
    }

    /** Why a target cannot be installed by apk on this host, or empty: its arch is neither the host's nor noarch. */
    static Optional<String> foreignArch(Job job, String hostArch) {
        for (PackageTarget t : job.packages()) {
            if (!t.arch().equals(hostArch) && !t.arch().equals("noarch")) {
                return Optional.of(t.key() + ": apk installs packages of this host's architecture (" + hostArch
                        + ") only, and an apk dependency cannot name another");
            }
        }
        return Optional.empty();
    }

    /** Why an INSTALL would downgrade a target (apk add name=version goes down as well as up), or empty. */
    static Optional<String> wrongDirection(Job job, List<PackageState> before) {
        if (job.type() != JobType.INSTALL) {
            return Optional.empty();
        }
        for (int i = 0; i < job.packages().size(); i++) {
            PackageTarget t = job.packages().get(i);
            String v = before.get(i).version();
            if (v == null || v.equals(t.version())) {
                continue;
            }
            try {
                if (PackageFamily.APK.scheme().compare(v, t.version()) > 0) {
                    return Optional.of("an INSTALL never downgrades: " + t.key() + " is " + v + ", newer than "
                            + t.version() + " (a ROLLBACK job downgrades)");
                }
            } catch (InvalidVersionException e) {
                return Optional.of("cannot compare the versions of " + t.key() + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    private static String lockHint(String output) {
        return output.contains("Unable to lock database") ? " (the package manager lock was taken meanwhile)" : "";
    }
}
