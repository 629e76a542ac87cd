package dev.fixpoint.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.agent.exec.DnfExecutorTest.LockHolders;
import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.JobResult.Status;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.PackageState;
import dev.fixpoint.core.job.PackageTarget;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor's logic against a root directory holding a real Alpine 3.18 installed database (see
 * {@code src/test/resources/exec/SOURCES.md}) and a fake {@code apk}. No apk-tools package exists for
 * the Debian 12 build machine, so apk itself is not run by any test.
 */
class ApkExecutorTest {
    static final Instant NOW = Instant.now();
    static final PackageTarget BUSYBOX = new PackageTarget("busybox", "1.36.1-r2", "x86_64");

    @TempDir
    Path dir;

    Path root;
    Path installed;
    String alpine;

    static String record(String name, String version, String arch) {
        return "C:Q1fake=\nP:" + name + "\nV:" + version + "\nA:" + arch + "\nS:1\nI:1\nT:test\no:" + name + "\n\n";
    }

    static String alpine318() throws Exception {
        try (InputStream in = Objects.requireNonNull(
                ApkExecutorTest.class.getResourceAsStream("/exec/alpine-3.18-scalibr.installed"))) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        root = dir.resolve("root");
        installed = Files.createDirectories(root.resolve("lib/apk/db")).resolve("installed");
        alpine = alpine318();
        Files.writeString(installed, alpine);
        Files.writeString(root.resolve("lib/apk/db/lock"), "");
        Files.createDirectories(root.resolve("etc/apk"));
        Files.writeString(root.resolve("etc/apk/arch"), "x86_64\n");
    }

    /** A fake apk: records its arguments, environment and input, then puts {@code after} in place. */
    private String fakeApk(String after, int exit, String says) throws Exception {
        Path afterFile = dir.resolve("after");
        Files.writeString(afterFile, after);
        return executable(
                "apk",
                "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" + dir.resolve("argv") + "'\n"
                        + "echo \"$LC_ALL\" > '" + dir.resolve("env") + "'\n"
                        + "cat > '" + dir.resolve("stdin") + "'\n"
                        + "cp '" + afterFile + "' '" + installed + "'\n"
                        + "echo '" + says + "'\n"
                        + "exit " + exit + "\n");
    }

    private String executable(String name, String body) throws Exception {
        Path script = dir.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script.toString();
    }

    private ApkExecutor.Config config(String apk) {
        return ApkExecutor.Config.under(root)
                .withApk(apk)
                .withDiskPaths(List.of(dir), 1)
                .withTimeout(Duration.ofSeconds(20));
    }

    private ApkExecutor executor(String apk) {
        return new ApkExecutor(config(apk));
    }

    private static VerifiedJob verified(JobType type, PackageTarget... targets) {
        return new VerifiedJob(TestJobs.job(type, NOW, targets), PackageFamily.APK);
    }

    /** The database with busybox at another version. */
    private String withBusybox(String version, String arch) {
        return alpine.replace("P:busybox\nV:1.36.0-r9\nA:x86_64", "P:busybox\nV:" + version + "\nA:" + arch);
    }

    @Test
    void addsTheExactVersionAndVerifiesThePostState() throws Exception {
        String apk = fakeApk(withBusybox("1.36.1-r2", "x86_64"), 0, "(1/1) Upgrading busybox");
        JobResult r = executor(apk).execute(verified(JobType.INSTALL, BUSYBOX));
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.SUCCEEDED);
        assertThat(r.before()).containsExactly(new PackageState("busybox", "x86_64", "1.36.0-r9", "installed"));
        assertThat(r.after()).containsExactly(new PackageState("busybox", "x86_64", "1.36.1-r2", "installed"));
        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).contains("Upgrading busybox");
        assertThat(Files.readAllLines(dir.resolve("argv")))
                .containsExactly("add", "--quiet", "--no-progress", "--root=" + root, "--", "busybox=1.36.1-r2");
        assertThat(Files.readString(dir.resolve("env")).strip()).isEqualTo("C");
        assertThat(Files.readString(dir.resolve("stdin"))).isEmpty();
    }

    @Test
    void theHostsOwnRootPassesNoRootOption() throws Exception {
        String apk = fakeApk(withBusybox("1.36.1-r2", "x86_64"), 0, "ok");
        ApkExecutor.Config c = config(apk);
        ApkExecutor.Config host = new ApkExecutor.Config(
                c.apk(),
                Path.of("/"),
                c.installedDb(),
                c.archFile(),
                c.lockFiles(),
                c.diskPaths(),
                c.minFreeBytes(),
                List.of("--repositories-file=/etc/fixpoint/repositories"),
                c.timeout());
        JobResult r = new ApkExecutor(host).execute(verified(JobType.INSTALL, BUSYBOX));
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.SUCCEEDED);
        assertThat(Files.readAllLines(dir.resolve("argv")))
                .containsExactly(
                        "add",
                        "--quiet",
                        "--no-progress",
                        "--repositories-file=/etc/fixpoint/repositories",
                        "--",
                        "busybox=1.36.1-r2");
    }

    @Test
    void targetsAlreadyInPlaceRunNothing() throws Exception {
        JobResult r = executor(dir.resolve("no-such-apk").toString())
                .execute(verified(
                        JobType.INSTALL,
                        new PackageTarget("busybox", "1.36.0-r9", "x86_64"),
                        new PackageTarget("libssl3", "3.1.0-r4", "x86_64")));
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.ALREADY_DONE);
        assertThat(r.exitCode()).isEqualTo(JobResult.NOT_RUN);
        assertThat(r.before()).isEqualTo(r.after());
        assertThat(r.before())
                .containsExactly(
                        new PackageState("busybox", "x86_64", "1.36.0-r9", "installed"),
                        new PackageState("libssl3", "x86_64", "3.1.0-r4", "installed"));
    }

    @Test
    void aRollbackAddsTheOlderVersion() throws Exception {
        String apk = fakeApk(withBusybox("1.36.0-r8", "x86_64"), 0, "(1/1) Downgrading busybox");
        JobResult r =
                executor(apk).execute(verified(JobType.ROLLBACK, new PackageTarget("busybox", "1.36.0-r8", "x86_64")));
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.SUCCEEDED);
        assertThat(Files.readAllLines(dir.resolve("argv"))).endsWith("--", "busybox=1.36.0-r8");
    }

    @Test
    void anInstallThatWouldDowngradeIsNotStarted() throws Exception {
        String apk = fakeApk(withBusybox("1.36.0-r8", "x86_64"), 0, "Downgrading");
        JobResult r =
                executor(apk).execute(verified(JobType.INSTALL, new PackageTarget("busybox", "1.36.0-r8", "x86_64")));
        assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(r.detail())
                .isEqualTo("an INSTALL never downgrades: busybox:x86_64 is 1.36.0-r9, newer than 1.36.0-r8"
                        + " (a ROLLBACK job downgrades)");
        assertThat(dir.resolve("argv")).doesNotExist();
    }

    @Test
    void anotherArchitectureIsNotStarted() throws Exception {
        String apk = fakeApk(alpine, 0, "ok");
        JobResult r =
                executor(apk).execute(verified(JobType.INSTALL, new PackageTarget("busybox", "1.36.1-r2", "aarch64")));
        assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(r.detail())
                .isEqualTo("busybox:aarch64: apk installs packages of this host's architecture (x86_64) only,"
                        + " and an apk dependency cannot name another");
        assertThat(dir.resolve("argv")).doesNotExist();
    }

    @Test
    void noarchIsEveryHostsAndMustBeRecordedSo() throws Exception {
        PackageTarget tz = new PackageTarget("tzdata-doc", "2024a-r0", "noarch");
        String apk = fakeApk(alpine + record("tzdata-doc", "2024a-r0", "noarch"), 0, "ok");
        assertThat(executor(apk).execute(verified(JobType.INSTALL, tz)).status())
                .isEqualTo(Status.SUCCEEDED);
        // the right version under another architecture than the job's is not the target
        Files.writeString(installed, alpine);
        String wrongArch = fakeApk(alpine + record("tzdata-doc", "2024a-r0", "x86_64"), 0, "ok");
        JobResult r = executor(wrongArch).execute(verified(JobType.INSTALL, tz));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.detail())
                .isEqualTo("apk exited 0; tzdata-doc:noarch is 2024a-r0 (installed, x86_64), wanted 2024a-r0");
    }

    @Test
    void theWrongVersionAfterwardsIsAFailureEvenWithExitZero() throws Exception {
        String apk = fakeApk(withBusybox("1.36.1-r1", "x86_64"), 0, "ok");
        JobResult r = executor(apk).execute(verified(JobType.INSTALL, BUSYBOX));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.detail()).isEqualTo("apk exited 0; busybox:x86_64 is 1.36.1-r1 (installed), wanted 1.36.1-r2");
    }

    @Test
    void aNonZeroExitIsAFailure() throws Exception {
        String apk = fakeApk(alpine, 1, "ERROR: unable to select packages:\n  busybox-1.36.1-r2: breaks: world");
        JobResult r = executor(apk).execute(verified(JobType.INSTALL, BUSYBOX));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.detail()).isEqualTo("apk exited 1; busybox:x86_64 is 1.36.0-r9 (installed), wanted 1.36.1-r2");
        assertThat(r.output()).contains("unable to select packages");
    }

    @Test
    void aLockTakenMeanwhileIsNamed() throws Exception {
        String apk = fakeApk(alpine, 99, "ERROR: Unable to lock database: Resource temporarily unavailable");
        JobResult r = executor(apk).execute(verified(JobType.INSTALL, BUSYBOX));
        assertThat(r.detail()).startsWith("apk exited 99 (the package manager lock was taken meanwhile); ");
    }

    /** apk flocks its lock file; util-linux flock(1) stands in for it. */
    @Test
    void aLockHeldByAnotherProcessStopsTheJob() throws Exception {
        String apk = fakeApk(withBusybox("1.36.1-r2", "x86_64"), 0, "ok");
        Path lock = root.resolve("lib/apk/db/lock");
        Process p = LockHolders.flock(lock);
        try {
            JobResult r = executor(apk).execute(verified(JobType.INSTALL, BUSYBOX));
            assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
            assertThat(r.detail())
                    .startsWith(lock + " is locked by another process (pid ")
                    .endsWith("; apk is running)");
            assertThat(r.before()).containsExactly(new PackageState("busybox", "x86_64", "1.36.0-r9", "installed"));
        } finally {
            LockHolders.release(p);
        }
        assertThat(dir.resolve("argv")).doesNotExist();
        assertThat(executor(apk).execute(verified(JobType.INSTALL, BUSYBOX)).status())
                .isEqualTo(Status.SUCCEEDED);
    }

    @Test
    void apkTools3sLockCountsToo() throws Exception {
        String apk = fakeApk(withBusybox("1.36.1-r2", "x86_64"), 0, "ok");
        Path lock = Files.createDirectories(root.resolve("run/apk")).resolve("db.lock");
        Files.writeString(lock, "");
        Process p = LockHolders.flock(lock);
        try {
            assertThat(executor(apk).execute(verified(JobType.INSTALL, BUSYBOX)).detail())
                    .startsWith(lock + " is locked by another process");
        } finally {
            LockHolders.release(p);
        }
    }

    @Test
    void tooLittleDiskStopsTheJob() throws Exception {
        String apk = fakeApk(withBusybox("1.36.1-r2", "x86_64"), 0, "ok");
        JobResult r = new ApkExecutor(config(apk).withDiskPaths(List.of(dir), Long.MAX_VALUE))
                .execute(verified(JobType.INSTALL, BUSYBOX));
        assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(r.detail()).contains("MiB required");
        assertThat(dir.resolve("argv")).doesNotExist();
    }

    @Test
    void anUnreadableDatabaseOrArchitectureStopsTheJob() throws Exception {
        String apk = fakeApk(alpine, 0, "ok");
        Files.delete(root.resolve("etc/apk/arch"));
        JobResult noArch = executor(apk).execute(verified(JobType.INSTALL, BUSYBOX));
        assertThat(noArch.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(noArch.detail()).startsWith("cannot tell this host's architecture: ");
        Files.writeString(installed, "P:busybox\nA:x86_64\n\n"); // no V:
        JobResult broken = executor(apk).execute(verified(JobType.INSTALL, BUSYBOX));
        assertThat(broken.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(broken.detail()).startsWith("cannot read " + installed).contains("has no V:");
        assertThat(dir.resolve("argv")).doesNotExist();
    }

    @Test
    void aMissingApkAndOtherJobsAreNotStarted() {
        ApkExecutor x = executor(dir.resolve("no-such-apk").toString());
        JobResult r = x.execute(verified(JobType.INSTALL, BUSYBOX));
        assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(r.detail()).startsWith("cannot run ");
        assertThat(x.execute(new VerifiedJob(TestJobs.job(JobType.INSTALL, NOW, BUSYBOX), PackageFamily.RPM))
                        .detail())
                .isEqualTo("verified for RPM, not for apk");
        assertThat(x.execute(verified(JobType.REBOOT)).detail()).contains("not executed by this agent yet");
    }

    @Test
    void aProgramThatHangsIsKilledAtTheTimeout() throws Exception {
        String hang = executable("hang", "echo started\nexec sleep 60\n");
        long t0 = System.nanoTime();
        JobResult r = new ApkExecutor(config(hang).withTimeout(Duration.ofMillis(500)))
                .execute(verified(JobType.INSTALL, BUSYBOX));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.detail()).startsWith("apk did not finish within PT0.5S and was killed; ");
        assertThat(r.output()).contains("started");
    }

    @Test
    void hostileOutputIsBounded() throws Exception {
        Path afterFile = dir.resolve("after");
        Files.writeString(afterFile, withBusybox("1.36.1-r2", "x86_64"));
        String loud = executable(
                "loud",
                "echo FIRST-LINE\n"
                        + "head -c 3000000 /dev/urandom\n"
                        + "cp '" + afterFile + "' '" + installed + "'\n"
                        + "echo LAST-LINE\n");
        JobResult r = executor(loud).execute(verified(JobType.INSTALL, BUSYBOX));
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.SUCCEEDED);
        assertThat(r.output().length()).isLessThan(ManagerProcess.OUTPUT_HEAD + ManagerProcess.OUTPUT_TAIL + 100);
        assertThat(r.output()).startsWith("FIRST-LINE").endsWith("LAST-LINE\n");
    }
}
