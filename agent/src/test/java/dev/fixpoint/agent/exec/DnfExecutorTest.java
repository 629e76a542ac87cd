package dev.fixpoint.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.JobResult.Status;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.PackageState;
import dev.fixpoint.core.job.PackageTarget;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor's logic against a fake {@code rpm} (answering queries from a file in rpm's query format)
 * and a fake {@code dnf}; the real ones are in DnfExecutorRealTest.
 */
class DnfExecutorTest {
    static final Instant NOW = Instant.now();
    static final PackageTarget V11 = new PackageTarget("fixpoint-testpkg", "1.1-1", "noarch");

    @TempDir
    Path dir;

    Path installed;
    Path root;
    Path rpmLock;
    Path pidFile;

    /** One line of {@code rpm -q --qf '%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\n'}. */
    static String rpm(String name, String epoch, String version, String release, String arch) {
        return name + "\t" + epoch + "\t" + version + "\t" + release + "\t" + arch + "\n";
    }

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(dir.resolve("root"));
        installed = dir.resolve("installed");
        Files.writeString(
                installed, rpm("other", "0", "9", "1", "x86_64") + rpm("fixpoint-testpkg", "0", "1.0", "1", "noarch"));
        rpmLock = dir.resolve(".rpm.lock");
        Files.writeString(rpmLock, "");
        pidFile = dir.resolve("rpmdb_lock.pid");
        executable(
                "rpm",
                "printf '%s\\n' \"$@\" > '" + dir.resolve("rpm-argv") + "'\n"
                        + "echo \"$LC_ALL\" > '" + dir.resolve("rpm-env") + "'\n"
                        + "while [ \"$1\" != \"--\" ]; do shift; done; shift\n"
                        + "missing=0\n"
                        + "for n in \"$@\"; do\n"
                        + "  out=$(awk -F '\\t' -v n=\"$n\" '$1 == n' '" + installed + "')\n"
                        + "  if [ -n \"$out\" ]; then printf '%s\\n' \"$out\";"
                        + " else echo \"package $n is not installed\"; missing=$((missing+1)); fi\n"
                        + "done\n"
                        + "exit $missing\n");
    }

    private Path executable(String name, String body) throws Exception {
        Path script = dir.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    /** A fake dnf: records its arguments, environment and input, then puts {@code after} in place. */
    private String fakeDnf(String after, int exit, String says) throws Exception {
        Path afterFile = dir.resolve("after");
        Files.writeString(afterFile, after);
        return executable(
                        "dnf",
                        "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" + dir.resolve("argv") + "'\n"
                                + "echo \"$LC_ALL\" > '" + dir.resolve("env") + "'\n"
                                + "cat > '" + dir.resolve("stdin") + "'\n"
                                + "cp '" + afterFile + "' '" + installed + "'\n"
                                + "echo '" + says + "'\n"
                                + "exit " + exit + "\n")
                .toString();
    }

    /** The executor on the host's root ({@code /}), with the fakes and this test's lock files. */
    private DnfExecutor executor(String dnf) {
        return new DnfExecutor(config(dnf, Path.of("/")));
    }

    private DnfExecutor.Config config(String dnf, Path rootDir) {
        return DnfExecutor.Config.under(rootDir)
                .withPrograms(dnf, dir.resolve("rpm").toString())
                .withLocks(List.of(rpmLock, dir.resolve("absent-lock")), List.of(pidFile))
                .withDiskPaths(List.of(dir), 1)
                .withTimeout(Duration.ofSeconds(20));
    }

    private static VerifiedJob verified(JobType type, PackageTarget... targets) {
        return new VerifiedJob(TestJobs.job(type, NOW, targets), PackageFamily.RPM);
    }

    @Test
    void installsTheExactBuildAndVerifiesThePostState() throws Exception {
        String dnf = fakeDnf(rpm("fixpoint-testpkg", "0", "1.1", "1", "noarch"), 0, "Upgraded: fixpoint-testpkg");
        JobResult r = executor(dnf).execute(verified(JobType.INSTALL, V11));
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.SUCCEEDED);
        assertThat(r.before()).containsExactly(new PackageState("fixpoint-testpkg", "noarch", "1.0-1", "installed"));
        assertThat(r.after()).containsExactly(new PackageState("fixpoint-testpkg", "noarch", "1.1-1", "installed"));
        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).contains("Upgraded: fixpoint-testpkg");
        assertThat(Files.readAllLines(dir.resolve("argv")))
                .containsExactly(
                        "-y",
                        "-q",
                        "--setopt=install_weak_deps=False",
                        "--setopt=exit_on_lock=True",
                        "install",
                        "--",
                        "fixpoint-testpkg-1.1-1.noarch");
        assertThat(Files.readString(dir.resolve("env")).strip()).isEqualTo("C");
        assertThat(Files.readString(dir.resolve("stdin"))).isEmpty();
        // the read-only query: no --root on the host's own root, the names after --
        assertThat(Files.readAllLines(dir.resolve("rpm-argv")))
                .containsExactly("-q", "--qf", RpmDatabase.QUERY_FORMAT, "--", "fixpoint-testpkg");
        assertThat(Files.readString(dir.resolve("rpm-env")).strip()).isEqualTo("C");
    }

    @Test
    void anotherRootIsDnfsInstallrootAndRpmsRoot() throws Exception {
        String dnf = fakeDnf(rpm("fixpoint-testpkg", "0", "1.1", "1", "noarch"), 0, "ok");
        JobResult r = new DnfExecutor(config(dnf, root).withDnfOptions(List.of("--setopt=reposdir=/nowhere")))
                .execute(verified(JobType.INSTALL, V11));
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.SUCCEEDED);
        assertThat(Files.readAllLines(dir.resolve("argv")))
                .containsSubsequence(
                        "--setopt=exit_on_lock=True", "--installroot=" + root, "--setopt=reposdir=/nowhere")
                .endsWith("install", "--", "fixpoint-testpkg-1.1-1.noarch");
        assertThat(Files.readAllLines(dir.resolve("rpm-argv"))).startsWith("--root", root.toString(), "-q");
    }

    @Test
    void rollbackIsADowngradeOfExactBuilds() throws Exception {
        Files.writeString(installed, rpm("fixpoint-testpkg", "0", "1.1", "1", "noarch"));
        String dnf = fakeDnf(rpm("fixpoint-testpkg", "0", "1.0", "1", "noarch"), 0, "Downgraded");
        JobResult r = executor(dnf)
                .execute(verified(JobType.ROLLBACK, new PackageTarget("fixpoint-testpkg", "1.0-1", "noarch")));
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.SUCCEEDED);
        assertThat(Files.readAllLines(dir.resolve("argv")))
                .endsWith("downgrade", "--", "fixpoint-testpkg-1.0-1.noarch");
        assertThat(r.after()).containsExactly(new PackageState("fixpoint-testpkg", "noarch", "1.0-1", "installed"));
    }

    @Test
    void targetsAlreadyInPlaceRunNothingWithAZeroEpochOrNone() throws Exception {
        Files.writeString(
                installed, rpm("fixpoint-testpkg", "0", "1.1", "1", "noarch") + rpm("e", "2", "3", "4", "x86_64"));
        String dnf = dir.resolve("no-such-dnf").toString();
        for (PackageTarget t : List.of(V11, new PackageTarget("fixpoint-testpkg", "0:1.1-1", "noarch"))) {
            JobResult r =
                    executor(dnf).execute(verified(JobType.INSTALL, t, new PackageTarget("e", "2:3-4", "x86_64")));
            assertThat(r.status()).as(r.detail()).isEqualTo(Status.ALREADY_DONE);
            assertThat(r.exitCode()).isEqualTo(JobResult.NOT_RUN);
            assertThat(r.before()).isEqualTo(r.after());
            assertThat(r.before().get(1)).isEqualTo(new PackageState("e", "x86_64", "2:3-4", "installed"));
        }
        // the same version and release under another epoch is another build
        JobResult r = executor(dnf).execute(verified(JobType.INSTALL, new PackageTarget("e", "3-4", "x86_64")));
        assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(r.detail()).contains("never downgrades: e:x86_64 is 2:3-4, newer than 3-4");
    }

    @Test
    void severalInstalledBuildsReachATargetWhenOneIsExactlyIt() throws Exception {
        Files.writeString(
                installed,
                rpm("kernel", "0", "5.14.0", "284.el9", "x86_64")
                        + rpm("kernel", "0", "5.14.0", "362.el9", "x86_64")
                        + rpm("glibc", "0", "2.34", "60.el9", "x86_64")
                        + rpm("glibc", "0", "2.34", "83.el9", "i686"));
        String dnf = dir.resolve("no-such-dnf").toString();
        JobResult done = executor(dnf)
                .execute(verified(
                        JobType.INSTALL,
                        new PackageTarget("kernel", "5.14.0-284.el9", "x86_64"),
                        new PackageTarget("glibc", "2.34-60.el9", "x86_64")));
        assertThat(done.status()).as(done.detail()).isEqualTo(Status.ALREADY_DONE);
        assertThat(done.before())
                .containsExactly(
                        new PackageState("kernel", "x86_64", "5.14.0-284.el9", "installed"),
                        new PackageState("glibc", "x86_64", "2.34-60.el9", "installed"));

        // a newer kernel beside the others
        String fake = fakeDnf(
                Files.readString(installed) + rpm("kernel", "0", "5.14.0", "427.el9", "x86_64"), 0, "Installed");
        JobResult r = executor(fake)
                .execute(verified(JobType.INSTALL, new PackageTarget("kernel", "5.14.0-427.el9", "x86_64")));
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.SUCCEEDED);
        assertThat(r.before()).containsExactly(new PackageState("kernel", "x86_64", "5.14.0-362.el9", "installed"));
        assertThat(r.after()).containsExactly(new PackageState("kernel", "x86_64", "5.14.0-427.el9", "installed"));

        // the i686 build is a different target from the x86_64 one
        JobResult multilib = executor(dir.resolve("no-such-dnf").toString())
                .execute(verified(JobType.INSTALL, new PackageTarget("glibc", "2.34-83.el9", "x86_64")));
        assertThat(multilib.before()).containsExactly(new PackageState("glibc", "x86_64", "2.34-60.el9", "installed"));
    }

    @Test
    void anInstallThatWouldDowngradeIsNotStarted() throws Exception {
        Files.writeString(installed, rpm("fixpoint-testpkg", "0", "1.2", "1", "noarch"));
        String dnf = fakeDnf(rpm("fixpoint-testpkg", "0", "1.1", "1", "noarch"), 0, "Downgraded");
        JobResult r = executor(dnf).execute(verified(JobType.INSTALL, V11));
        assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(r.detail())
                .isEqualTo("an INSTALL never downgrades: fixpoint-testpkg:noarch is 1.2-1, newer than 1.1-1"
                        + " (a ROLLBACK job downgrades)");
        assertThat(dir.resolve("argv")).doesNotExist();
    }

    @Test
    void aRollbackCanOnlyGoDown() throws Exception {
        String dnf = fakeDnf("", 0, "nothing");
        JobResult up = executor(dnf).execute(verified(JobType.ROLLBACK, V11)); // 1.0-1 is installed
        assertThat(up.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(up.detail()).contains("cannot upgrade fixpoint-testpkg:noarch from 1.0-1 to 1.1-1");
        JobResult absent =
                executor(dnf).execute(verified(JobType.ROLLBACK, new PackageTarget("gone", "1-1", "noarch")));
        assertThat(absent.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(absent.detail()).contains("cannot install gone:noarch: it is not installed");
        assertThat(dir.resolve("argv")).doesNotExist();
    }

    @Test
    void aRollbackToABuildNoRepositoryHasSaysSo() throws Exception {
        Files.writeString(installed, rpm("fixpoint-testpkg", "0", "1.1", "1", "noarch"));
        String dnf = fakeDnf(
                rpm("fixpoint-testpkg", "0", "1.1", "1", "noarch"), 1, "Error: No packages marked for downgrade.");
        JobResult r = executor(dnf)
                .execute(verified(JobType.ROLLBACK, new PackageTarget("fixpoint-testpkg", "0.9-1", "noarch")));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.detail())
                .startsWith("dnf exited 1; fixpoint-testpkg:noarch is 1.1-1 (installed), wanted 0.9-1; ")
                .contains("an old version that no repository has any more cannot be rolled back this way");
    }

    @Test
    void theWrongBuildAfterwardsIsAFailureEvenWithExitZero() throws Exception {
        String dnf = fakeDnf(rpm("fixpoint-testpkg", "0", "1.1", "2", "noarch"), 0, "Nothing to do.");
        JobResult r = executor(dnf).execute(verified(JobType.INSTALL, V11));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.detail()).isEqualTo("dnf exited 0; fixpoint-testpkg:noarch is 1.1-2 (installed), wanted 1.1-1");
        assertThat(r.after()).containsExactly(new PackageState("fixpoint-testpkg", "noarch", "1.1-2", "installed"));
    }

    @Test
    void aNonZeroExitIsAFailureEvenAtTheRightVersions() throws Exception {
        String dnf = fakeDnf(rpm("fixpoint-testpkg", "0", "1.1", "1", "noarch"), 1, "Error: Transaction test error");
        JobResult r = executor(dnf).execute(verified(JobType.INSTALL, V11));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.detail()).isEqualTo("dnf exited 1");
        assertThat(r.output()).contains("Transaction test error");
    }

    @Test
    void aLockTakenMeanwhileIsNamed() throws Exception {
        String dnf = fakeDnf(
                rpm("fixpoint-testpkg", "0", "1.0", "1", "noarch"), 200, "Error: metadata already locked by 4242");
        JobResult r = executor(dnf).execute(verified(JobType.INSTALL, V11));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.detail()).startsWith("dnf exited 200 (the package manager lock was taken meanwhile); ");
    }

    @Test
    void aMissingPackageIsAbsentAndThenInstalled() throws Exception {
        String dnf =
                fakeDnf(Files.readString(installed) + rpm("fixpoint-new", "1", "2.0", "3", "x86_64"), 0, "Installed");
        JobResult r = executor(dnf)
                .execute(verified(JobType.INSTALL, new PackageTarget("fixpoint-new", "1:2.0-3", "x86_64")));
        assertThat(r.before()).containsExactly(new PackageState("fixpoint-new", "x86_64", null, "not-installed"));
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.SUCCEEDED);
        assertThat(Files.readAllLines(dir.resolve("argv"))).endsWith("fixpoint-new-1:2.0-3.x86_64");
    }

    @Test
    void anRpmDatabaseThatCannotBeReadStopsTheJob() throws Exception {
        executable("rpm", "echo 'error: cannot open Packages database in /var/lib/rpm' >&2\nexit 1\n");
        JobResult r = executor(fakeDnf("", 0, "")).execute(verified(JobType.INSTALL, V11));
        assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(r.detail()).startsWith("cannot read the rpm database: rpm -q exited 1: error: cannot open");
        assertThat(dir.resolve("argv")).doesNotExist();
    }

    @Test
    void anRpmLockHeldByAnotherProcessStopsTheJob() throws Exception {
        String dnf = fakeDnf(rpm("fixpoint-testpkg", "0", "1.1", "1", "noarch"), 0, "ok");
        Process p = LockHolders.fcntl(dir, rpmLock);
        try {
            JobResult r = executor(dnf).execute(verified(JobType.INSTALL, V11));
            assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
            assertThat(r.detail()).isEqualTo(rpmLock + " is locked by another process (rpm or dnf is running)");
            assertThat(r.before())
                    .containsExactly(new PackageState("fixpoint-testpkg", "noarch", "1.0-1", "installed"));
        } finally {
            LockHolders.release(p);
        }
        assertThat(dir.resolve("argv")).doesNotExist();
        assertThat(executor(dnf).execute(verified(JobType.INSTALL, V11)).status())
                .isEqualTo(Status.SUCCEEDED);
    }

    @Test
    void aLockHeldByThisProcessStopsTheJob() throws Exception {
        try (FileChannel ch = FileChannel.open(rpmLock, StandardOpenOption.WRITE)) {
            FileLock held = ch.lock();
            JobResult r = executor(fakeDnf("", 0, "")).execute(verified(JobType.INSTALL, V11));
            assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
            assertThat(r.detail()).contains(".rpm.lock is locked by this agent");
            held.release();
        }
        assertThat(dir.resolve("argv")).doesNotExist();
    }

    /** dnf 4's lock: a pid file naming a live process is held, one naming a dead process is not. */
    @Test
    void aDnf4PidFileOfALiveProcessStopsTheJob() throws Exception {
        String dnf = fakeDnf(rpm("fixpoint-testpkg", "0", "1.1", "1", "noarch"), 0, "ok");
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            Files.writeString(pidFile, Long.toString(sleeper.pid()));
            JobResult r = executor(dnf).execute(verified(JobType.INSTALL, V11));
            assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
            assertThat(r.detail()).isEqualTo(pidFile + " is held by process " + sleeper.pid() + " (dnf is running)");
        } finally {
            sleeper.destroyForcibly();
            sleeper.waitFor(10, TimeUnit.SECONDS);
        }
        Files.writeString(pidFile, "nonsense");
        assertThat(executor(dnf).execute(verified(JobType.INSTALL, V11)).detail())
                .isEqualTo(pidFile + " is not a pid file (dnf refuses to run until it is removed)");
        assertThat(dir.resolve("argv")).doesNotExist();
        Files.writeString(pidFile, Long.toString(sleeper.pid())); // that process is gone now
        assertThat(executor(dnf).execute(verified(JobType.INSTALL, V11)).status())
                .isEqualTo(Status.SUCCEEDED);
    }

    @Test
    void tooLittleDiskStopsTheJob() throws Exception {
        String dnf = fakeDnf(rpm("fixpoint-testpkg", "0", "1.1", "1", "noarch"), 0, "ok");
        JobResult r = new DnfExecutor(config(dnf, Path.of("/")).withDiskPaths(List.of(dir), Long.MAX_VALUE))
                .execute(verified(JobType.INSTALL, V11));
        assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(r.detail()).contains("MiB usable under " + dir).contains("MiB required");
        assertThat(dir.resolve("argv")).doesNotExist();
    }

    @Test
    void aMissingDnfIsNotStarted() {
        JobResult r = executor(dir.resolve("no-such-dnf").toString()).execute(verified(JobType.INSTALL, V11));
        assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(r.detail()).startsWith("cannot run ");
        assertThat(r.exitCode()).isEqualTo(JobResult.NOT_RUN);
    }

    @Test
    void otherFamiliesAndJobTypesAreNotStarted() {
        DnfExecutor x = executor("dnf");
        assertThat(x.execute(new VerifiedJob(TestJobs.job(JobType.INSTALL, NOW, V11), PackageFamily.DPKG))
                        .detail())
                .isEqualTo("verified for DPKG, not for rpm");
        assertThat(x.execute(verified(JobType.REBOOT)).status()).isEqualTo(Status.NOT_STARTED);
        assertThat(x.execute(verified(JobType.REFRESH_INVENTORY)).detail()).contains("not executed by this agent yet");
    }

    /** A dnf that hangs is killed at the timeout, with what it started. */
    @Test
    void aProgramThatHangsIsKilledWithItsChildrenAtTheTimeout() throws Exception {
        Path childPid = dir.resolve("child-pid");
        Path hang = executable("hang", "sleep 60 &\necho $! > '" + childPid + "'\necho started\nexec sleep 60\n");
        long t0 = System.nanoTime();
        JobResult r = new DnfExecutor(config(hang.toString(), Path.of("/")).withTimeout(Duration.ofMillis(700)))
                .execute(verified(JobType.INSTALL, V11));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.detail()).startsWith("dnf did not finish within PT0.7S and was killed; ");
        assertThat(r.output()).contains("started");
        long child = Long.parseLong(Files.readString(childPid).strip());
        assertThat(waitGone(child)).as("child " + child + " killed").isTrue();
    }

    /** Megabytes of output, invalid UTF-8 and control characters: the result keeps a bounded excerpt. */
    @Test
    void hostileOutputIsBounded() throws Exception {
        Path afterFile = dir.resolve("after");
        Files.writeString(afterFile, rpm("fixpoint-testpkg", "0", "1.1", "1", "noarch"));
        Path loud = executable(
                "loud",
                "echo FIRST-LINE\n"
                        + "head -c 5000000 /dev/zero | tr '\\0' 'x'\n"
                        + "printf '\\377\\376\\033[2J\\000'\n"
                        + "cp '" + afterFile + "' '" + installed + "'\n"
                        + "echo LAST-LINE\n");
        JobResult r = executor(loud.toString()).execute(verified(JobType.INSTALL, V11));
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.SUCCEEDED);
        assertThat(r.output().length()).isLessThan(ManagerProcess.OUTPUT_HEAD + ManagerProcess.OUTPUT_TAIL + 100);
        assertThat(r.output()).startsWith("FIRST-LINE").endsWith("LAST-LINE\n").contains(" bytes left out ");
    }

    static boolean waitGone(long pid) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                Thread.sleep(100);
            } else {
                return true;
            }
        }
        return false;
    }

    /** Processes that hold a lock the way a package manager does, for the lock tests. */
    static final class LockHolders {
        private LockHolders() {}

        /** A child JVM holding an fcntl lock on {@code file}, as rpm, dnf 5, apt and dpkg do. */
        static Process fcntl(Path dir, Path file) throws Exception {
            Path holder = dir.resolve("LockHolder.java");
            Files.writeString(
                    holder,
                    "import java.nio.channels.FileChannel;\n"
                            + "import java.nio.file.*;\n"
                            + "public class LockHolder { public static void main(String[] a) throws Exception {\n"
                            + "  try (FileChannel ch = FileChannel.open(Path.of(a[0]), StandardOpenOption.WRITE)) {\n"
                            + "    ch.lock(); System.out.println(\"locked\"); System.out.flush(); System.in.read(); } } }\n");
            String javaCmd = ProcessHandle.current().info().command().orElse("java");
            return started(new ProcessBuilder(javaCmd, holder.toString(), file.toString()));
        }

        /** util-linux flock(1) holding a flock lock on {@code file}, as apk does. */
        static Process flock(Path file) throws Exception {
            return started(
                    new ProcessBuilder("flock", "--exclusive", file.toString(), "sh", "-c", "echo locked; read x"));
        }

        private static Process started(ProcessBuilder pb) throws Exception {
            Process p = pb.redirectErrorStream(true).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("locked");
            return p;
        }

        static void release(Process p) throws Exception {
            p.getOutputStream().close();
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }
}
