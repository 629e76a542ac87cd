package dev.fixpoint.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.agent.exec.JobRejectedException.Reason;
import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.JobResult.Status;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.PackageState;
import dev.fixpoint.core.job.PackageTarget;
import dev.fixpoint.core.job.SignedJob;
import dev.fixpoint.core.testing.Ci;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The executor against real rpm and dnf (Debian 12 packages them: {@code rpm}, {@code dnf}, with
 * {@code createrepo-c} for the repository metadata), as root; skipped elsewhere, failing under CI.
 *
 * <p>Nothing of the machine's own is touched: throwaway noarch packages are built with {@code rpmbuild}
 * into a temporary directory, published there as a repository with {@code createrepo_c}, and installed
 * into a root directory inside it, which the executor is given as its root (rpm {@code --root}, dnf
 * {@code --installroot}), so the rpm database, dnf's cache, history and locks, and the installed files
 * all live in the temporary directory. dnf is pointed at that repository alone ({@code reposdir} an
 * empty directory, {@code --repofrompath}).
 */
class DnfExecutorRealTest {
    static final String PKG = "fixpoint-testpkg";

    static Path tmp;
    static Path root;
    static Path repo;
    static Path rpmLock;
    static List<String> dnfOptions;
    static List<String> hostRpm;

    @BeforeAll
    static void repository() throws Exception {
        Ci.require(
                isRoot() && onPath("rpm") && onPath("rpmbuild") && onPath("dnf") && onPath("createrepo_c"),
                "root with rpm, rpmbuild, dnf and createrepo_c (apt-get install rpm dnf createrepo-c)");
        hostRpm = hostRpmState();
        tmp = Files.createTempDirectory("fixpoint-dnf-");
        repo = Files.createDirectories(tmp.resolve("repo"));
        root = Files.createDirectories(tmp.resolve("root"));
        for (String v : List.of("1.0", "1.1")) {
            build(v, null);
            build(v, "2");
        }
        run(List.of("createrepo_c", "--quiet", repo.toString()));
        Path reposD = Files.createDirectories(tmp.resolve("repos.d"));
        dnfOptions = List.of(
                "--setopt=reposdir=" + reposD,
                "--repofrompath=fixpoint-test,file://" + repo,
                "--repo=fixpoint-test",
                "--nogpgcheck",
                "--noplugins",
                "--releasever=1");
        // rpm's transaction lock where this rpm keeps it (Debian's rpm: ~/.rpmdb/.rpm.lock), inside the root
        rpmLock = root.resolve(
                run(List.of("rpm", "--eval", "%{_rpmlock_path}")).strip().substring(1));
        rpm("-i", repo.resolve(PKG + "-1.0-1.noarch.rpm").toString());
        rpm("-i", repo.resolve("fixpoint-epoch-1.0-1.noarch.rpm").toString());
        assertThat(installed(PKG)).isEqualTo(PKG + "-1.0-1.noarch");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (tmp != null) {
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static DnfExecutor.Config config() {
        DnfExecutor.Config under = DnfExecutor.Config.under(root);
        return under.withLocks(List.of(rpmLock, root.resolve("run/dnf/rpmtransaction.lock")), under.pidFiles())
                .withDnfOptions(dnfOptions)
                .withTimeout(Duration.ofMinutes(5));
    }

    @Test
    void installRollBackAndRefuse() throws Exception {
        TestJobs keys = new TestJobs();
        Path state = tmp.resolve("agent-state");
        JobKeyFile.pin(state, keys.server.getPublic());
        JobVerifier verifier = new JobVerifier(
                JobKeyFile.load(state).orElseThrow(),
                TestJobs.HOST,
                PackageFamily.RPM,
                SeenJobs.open(state, SeenJobs.DEFAULT_CAPACITY));
        DnfExecutor dnf = new DnfExecutor(config());
        Instant now = Instant.now();
        PackageTarget v10 = new PackageTarget(PKG, "1.0-1", "noarch");
        PackageTarget v11 = new PackageTarget(PKG, "1.1-1", "noarch");

        // install 1.1-1
        SignedJob install = keys.sign(TestJobs.job(JobType.INSTALL, now, v11));
        JobResult r = dnf.execute(verifier.verify(install));
        assertThat(r.status()).as(r.detail() + "\n" + r.output()).isEqualTo(Status.SUCCEEDED);
        assertThat(r.before()).containsExactly(new PackageState(PKG, "noarch", "1.0-1", "installed"));
        assertThat(r.after()).containsExactly(new PackageState(PKG, "noarch", "1.1-1", "installed"));
        assertThat(installed(PKG)).isEqualTo(PKG + "-1.1-1.noarch");
        assertThat(Files.readString(root.resolve("usr/share/" + PKG + "/VERSION"))
                        .strip())
                .isEqualTo("1.1");

        // the same state again does nothing; the same job again is refused
        JobResult again = dnf.execute(verifier.verify(keys.sign(TestJobs.job(JobType.INSTALL, now, v11))));
        assertThat(again.status()).isEqualTo(Status.ALREADY_DONE);
        assertThat(again.exitCode()).isEqualTo(JobResult.NOT_RUN);
        assertThat(rejection(verifier, install)).isEqualTo(Reason.REPLAYED);

        // an INSTALL never downgrades (dnf 4's install of an older build would)
        JobResult noDowngrade = dnf.execute(verifier.verify(keys.sign(TestJobs.job(JobType.INSTALL, now, v10))));
        assertThat(noDowngrade.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(noDowngrade.detail()).startsWith("an INSTALL never downgrades");
        assertThat(installed(PKG)).isEqualTo(PKG + "-1.1-1.noarch");

        // roll back to exactly 1.0-1
        JobResult back = dnf.execute(verifier.verify(keys.sign(TestJobs.job(JobType.ROLLBACK, now, v10))));
        assertThat(back.status()).as(back.detail() + "\n" + back.output()).isEqualTo(Status.SUCCEEDED);
        assertThat(back.after()).containsExactly(new PackageState(PKG, "noarch", "1.0-1", "installed"));
        assertThat(installed(PKG)).isEqualTo(PKG + "-1.0-1.noarch");

        // a build no repository has any more cannot be rolled back to, and the result says so
        JobResult gone = dnf.execute(verifier.verify(
                keys.sign(TestJobs.job(JobType.ROLLBACK, now, new PackageTarget(PKG, "0.9-1", "noarch")))));
        assertThat(gone.status()).as(gone.output()).isEqualTo(Status.FAILED);
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.detail())
                .startsWith("dnf exited 1; " + PKG + ":noarch is 1.0-1 (installed), wanted 0.9-1; ")
                .contains("cannot be rolled back this way");

        // a build that does not exist
        JobResult missing = dnf.execute(verifier.verify(
                keys.sign(TestJobs.job(JobType.INSTALL, now, new PackageTarget(PKG, "2.0-1", "noarch")))));
        assertThat(missing.status()).isEqualTo(Status.FAILED);
        assertThat(missing.detail()).startsWith("dnf exited 1; " + PKG + ":noarch is 1.0-1 (installed), wanted 2.0-1");
        assertThat(installed(PKG)).isEqualTo(PKG + "-1.0-1.noarch");

        // epochs: dnf takes name-epoch:version-release.arch; a target without the epoch is another build
        JobResult epoch = dnf.execute(verifier.verify(keys.sign(
                TestJobs.job(JobType.INSTALL, now, new PackageTarget("fixpoint-epoch", "2:1.1-1", "noarch")))));
        assertThat(epoch.status()).as(epoch.detail() + "\n" + epoch.output()).isEqualTo(Status.SUCCEEDED);
        assertThat(epoch.before())
                .containsExactly(new PackageState("fixpoint-epoch", "noarch", "2:1.0-1", "installed"));
        assertThat(epoch.after()).containsExactly(new PackageState("fixpoint-epoch", "noarch", "2:1.1-1", "installed"));
        JobResult noEpoch = dnf.execute(verifier.verify(
                keys.sign(TestJobs.job(JobType.INSTALL, now, new PackageTarget("fixpoint-epoch", "1.1-1", "noarch")))));
        assertThat(noEpoch.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(noEpoch.detail()).contains("fixpoint-epoch:noarch is 2:1.1-1, newer than 1.1-1");

        // the machine's own rpm state is as it was before this class built anything
        assertThat(hostRpmState()).isEqualTo(hostRpm);
    }

    /** The database reader against what rpm itself says, also for builds installed side by side. */
    @Test
    void readsWhatRpmHasInstalled() throws Exception {
        rpm("-i", repo.resolve("fixpoint-multi-1.0-1.noarch.rpm").toString());
        rpm("-i", repo.resolve("fixpoint-multi-1.1-1.noarch.rpm").toString()); // -i, not -U: both stay
        RpmDatabase db = new RpmDatabase("rpm", root, Duration.ofMinutes(1));
        PackageTarget multi = new PackageTarget("fixpoint-multi", "1.0-1", "noarch");
        PackageTarget absent = new PackageTarget("fixpoint-absent", "1.0-1", "noarch");
        PackageTarget otherArch = new PackageTarget("fixpoint-multi", "1.0-1", "x86_64");
        List<List<String>> versions = db.versions(List.of(multi, absent, otherArch));
        assertThat(versions.get(0))
                .containsExactlyInAnyOrderElementsOf(run(List.of(
                                "rpm",
                                "--root",
                                root.toString(),
                                "-q",
                                "--qf",
                                "%{VERSION}-%{RELEASE}\\n",
                                "fixpoint-multi"))
                        .lines()
                        .toList())
                .containsExactlyInAnyOrder("1.0-1", "1.1-1");
        assertThat(versions.get(1)).isEmpty();
        assertThat(versions.get(2)).isEmpty();

        // one of the side-by-side builds is the target: nothing to do (dnf is never run)
        DnfExecutor dnf =
                new DnfExecutor(config().withPrograms(tmp.resolve("no-dnf").toString(), "rpm"));
        JobResult r =
                dnf.execute(new VerifiedJob(TestJobs.job(JobType.INSTALL, Instant.now(), multi), PackageFamily.RPM));
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.ALREADY_DONE);
        assertThat(r.before()).containsExactly(new PackageState("fixpoint-multi", "noarch", "1.0-1", "installed"));
        rpm("-e", "fixpoint-multi-1.0-1.noarch", "fixpoint-multi-1.1-1.noarch");
        assertThat(db.versions(List.of(multi))).containsExactly(List.of());
    }

    /**
     * While real rpm runs a transaction (a package whose pre-install script sleeps), its lock is held
     * and a job is not started; the same while real dnf 4 runs one, through dnf's pid file alone.
     */
    @Test
    void waitsForNobodyWhileRpmOrDnfIsRunning() throws Exception {
        PackageTarget v11 = new PackageTarget(PKG, "1.1-1", "noarch");
        String before = installed(PKG);
        Process rpm = background(List.of(
                "rpm",
                "--root",
                root.toString(),
                "-U",
                repo.resolve("fixpoint-sleeper-1.0-1.noarch.rpm").toString()));
        try {
            assertThat(eventually(
                            () -> PackageLocks.busy(List.of(rpmLock), "rpm").isPresent()))
                    .as("rpm holds " + rpmLock)
                    .isTrue();
            JobResult r = new DnfExecutor(config())
                    .execute(new VerifiedJob(TestJobs.job(JobType.INSTALL, Instant.now(), v11), PackageFamily.RPM));
            assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
            assertThat(r.detail()).isEqualTo(rpmLock + " is locked by another process (rpm or dnf is running)");
        } finally {
            assertThat(finish(rpm)).isZero();
        }

        Path pidFile = root.resolve("var/lib/dnf/rpmdb_lock.pid");
        List<String> argv = new ArrayList<>(List.of("dnf", "-y", "-q", "--installroot=" + root));
        argv.addAll(dnfOptions);
        argv.addAll(List.of("install", "--", "fixpoint-sleeper-1.1-1.noarch"));
        Process dnf = background(argv);
        try {
            assertThat(eventually(() -> pidFile.toFile().length() > 0))
                    .as("dnf writes " + pidFile)
                    .isTrue();
            JobResult r = new DnfExecutor(config().withLocks(List.of(), config().pidFiles()))
                    .execute(new VerifiedJob(TestJobs.job(JobType.INSTALL, Instant.now(), v11), PackageFamily.RPM));
            assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
            assertThat(r.detail()).isEqualTo(pidFile + " is held by process " + dnf.pid() + " (dnf is running)");
        } finally {
            assertThat(finish(dnf)).isZero();
        }
        assertThat(installed("fixpoint-sleeper")).isEqualTo("fixpoint-sleeper-1.1-1.noarch");
        assertThat(installed(PKG)).isEqualTo(before);
        rpm("-e", "fixpoint-sleeper");
    }

    private static Reason rejection(JobVerifier v, SignedJob s) {
        try {
            v.verify(s);
        } catch (JobRejectedException e) {
            return e.reason();
        }
        throw new AssertionError("accepted " + s.job());
    }

    /**
     * Builds version {@code version}, release 1, noarch, into the repository. Without an epoch: {@code
     * fixpoint-testpkg} (a file /usr/share/fixpoint-testpkg/VERSION), {@code fixpoint-multi} (its file
     * named after the version, so two versions can be installed side by side) and {@code
     * fixpoint-sleeper} (a pre-install script that sleeps 2 s, in rpm's built-in Lua: no shell needed in
     * the root). With one: {@code fixpoint-epoch}. rpmbuild gets a database of its own in the temporary
     * directory, since it would otherwise create Debian's default one in the home directory.
     */
    private static void build(String version, String epoch) throws Exception {
        StringBuilder spec = new StringBuilder();
        List<String> names =
                epoch == null ? List.of(PKG, "fixpoint-multi", "fixpoint-sleeper") : List.of("fixpoint-epoch");
        spec.append("Name: ")
                .append(names.get(0))
                .append("\nVersion: ")
                .append(version)
                .append("\nRelease: 1\n");
        if (epoch != null) {
            spec.append("Epoch: ").append(epoch).append('\n');
        }
        spec.append("Summary: Fixpoint test package\nLicense: MIT\nBuildArch: noarch\n");
        spec.append("%description\nThrowaway package of the agent tests.\n");
        for (String sub : names.subList(1, names.size())) {
            spec.append("%package -n ").append(sub).append("\nSummary: Fixpoint test package\n");
            spec.append("%description -n ").append(sub).append("\nThrowaway package of the agent tests.\n");
        }
        if (names.contains("fixpoint-sleeper")) {
            spec.append("%pre -n fixpoint-sleeper -p <lua>\nposix.sleep(2)\n");
        }
        spec.append("%install\n");
        for (String name : names) {
            spec.append("mkdir -p %{buildroot}/usr/share/").append(name).append('\n');
            spec.append("echo ")
                    .append(version)
                    .append(" > %{buildroot}")
                    .append(file(name, version))
                    .append('\n');
        }
        for (String name : names) {
            spec.append(name.equals(names.get(0)) ? "%files\n" : "%files -n " + name + "\n");
            spec.append(file(name, version)).append('\n');
        }
        Path specFile = tmp.resolve(names.get(0) + "-" + version + ".spec");
        Files.writeString(specFile, spec);
        run(List.of(
                "rpmbuild",
                "-bb",
                "--quiet",
                "--define",
                "_topdir " + tmp.resolve("top"),
                "--define",
                "_dbpath " + tmp.resolve("build-db"),
                specFile.toString()));
        for (String name : names) {
            String rpm = name + "-" + version + "-1.noarch.rpm";
            Files.copy(tmp.resolve("top/RPMS/noarch/" + rpm), repo.resolve(rpm));
        }
    }

    /** The package's one file: named after the version for fixpoint-multi, so versions can sit side by side. */
    private static String file(String name, String version) {
        return "/usr/share/" + name + "/" + (name.equals("fixpoint-multi") ? "VERSION-" + version : "VERSION");
    }

    private static void rpm(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("rpm", "--root", root.toString()));
        argv.addAll(List.of(args));
        run(argv);
    }

    /** rpm's own answer, independent of the executor's reader. */
    private static String installed(String name) throws Exception {
        return run(List.of("rpm", "--root", root.toString(), "-q", name)).strip();
    }

    /** What of the machine's own rpm state a test could change: the files of its databases. */
    private static List<String> hostRpmState() throws IOException {
        List<String> out = new ArrayList<>();
        for (Path dir : List.of(
                Path.of("/var/lib/rpm"), Path.of(System.getProperty("user.home"), ".rpmdb"), Path.of("/var/lib/dnf"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.sorted().forEach(p -> out.add(p + " " + p.toFile().length()));
                }
            } else {
                out.add(dir + " absent");
            }
        }
        return out;
    }

    private static Process background(List<String> argv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        pb.redirectOutput(
                tmp.resolve("background-" + System.nanoTime() + ".log").toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    private static int finish(Process p) throws InterruptedException {
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(p.info().commandLine().orElse("process") + " did not finish");
        }
        return p.exitValue();
    }

    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static String run(List<String> argv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(argv + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(argv + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
