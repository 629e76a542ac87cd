package dev.fixpoint.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.JobResult.Status;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.PackageState;
import dev.fixpoint.core.job.PackageTarget;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor's logic against a fake status file and a fake apt-get; the real one is AptExecutorRealTest. */
class AptExecutorTest {
    static final Instant NOW = Instant.now();
    static final PackageTarget V11 = new PackageTarget("fixpoint-testpkg", "1.1", "all");

    @TempDir
    Path dir;

    Path status;
    Path lock;
    AptExecutor.Config config;

    static String stanza(String name, String arch, String version, String state) {
        return "Package: " + name + "\nStatus: install ok " + state + "\nPriority: optional\nArchitecture: " + arch
                + "\nVersion: " + version + "\nDescription: test\n continued line\n\n";
    }

    @BeforeEach
    void setUp() throws Exception {
        status = dir.resolve("status");
        Files.writeString(
                status,
                stanza("other", "amd64", "9", "installed") + stanza("fixpoint-testpkg", "all", "1.0", "installed"));
        lock = dir.resolve("lock-frontend");
        Files.writeString(lock, "");
        config = new AptExecutor.Config(
                dir.resolve("no-such-apt-get").toString(),
                status,
                List.of(lock, dir.resolve("absent-lock")),
                List.of(dir),
                1,
                List.of(),
                Duration.ofSeconds(20));
    }

    private static VerifiedJob verified(JobType type, PackageTarget... targets) {
        return new VerifiedJob(TestJobs.job(type, NOW, targets), PackageFamily.DPKG);
    }

    /** A fake apt-get: records its arguments and environment, then puts {@code after} in place of the status. */
    private String fakeAptGet(String after, int exit) throws Exception {
        Path afterFile = dir.resolve("after");
        Files.writeString(afterFile, after);
        Path script = dir.resolve("apt-get");
        Files.writeString(
                script,
                "#!/bin/sh\n"
                        + "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" + dir.resolve("argv") + "'\n"
                        + "echo \"$DEBIAN_FRONTEND $LC_ALL\" > '" + dir.resolve("env") + "'\n"
                        + "cat > '" + dir.resolve("stdin") + "'\n"
                        + "cp '" + afterFile + "' '" + status + "'\n"
                        + "echo 'Setting up fixpoint-testpkg (1.1) ...'\n"
                        + "exit " + exit + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script.toString();
    }

    private AptExecutor with(String aptGet) {
        return new AptExecutor(new AptExecutor.Config(
                aptGet,
                status,
                config.lockFiles(),
                config.diskPaths(),
                config.minFreeBytes(),
                config.aptOptions(),
                config.timeout()));
    }

    @Test
    void installsAndVerifiesTheExactPostState() throws Exception {
        String apt = fakeAptGet(stanza("fixpoint-testpkg", "all", "1.1", "installed"), 0);
        JobResult r = with(apt).execute(verified(JobType.INSTALL, V11));
        assertThat(r.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(r.before()).containsExactly(new PackageState("fixpoint-testpkg", "all", "1.0", "installed"));
        assertThat(r.after()).containsExactly(new PackageState("fixpoint-testpkg", "all", "1.1", "installed"));
        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).contains("Setting up fixpoint-testpkg (1.1)");
        assertThat(Files.readAllLines(dir.resolve("argv")))
                .containsExactly(
                        "install",
                        "-y",
                        "-q",
                        "--no-install-recommends",
                        "--no-remove",
                        "-o",
                        "Dpkg::Options::=--force-confold",
                        "-o",
                        "Dpkg::Options::=--force-confdef",
                        "--",
                        "fixpoint-testpkg=1.1");
        assertThat(Files.readString(dir.resolve("env")).strip()).isEqualTo("noninteractive C");
        assertThat(Files.readString(dir.resolve("stdin"))).isEmpty();
    }

    @Test
    void theWrongVersionAfterwardsIsAFailureEvenWithExitZero() throws Exception {
        String apt = fakeAptGet(stanza("fixpoint-testpkg", "all", "1.0", "installed"), 0);
        JobResult r = with(apt).execute(verified(JobType.INSTALL, V11));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.detail()).contains("fixpoint-testpkg:all is 1.0 (installed), wanted 1.1");
    }

    @Test
    void halfConfiguredAtTheRightVersionIsNotDone() throws Exception {
        String apt = fakeAptGet(stanza("fixpoint-testpkg", "all", "1.1", "half-configured"), 100);
        JobResult r = with(apt).execute(verified(JobType.INSTALL, V11));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.exitCode()).isEqualTo(100);
        assertThat(r.detail()).startsWith("apt-get exited 100").contains("1.1 (half-configured)");
    }

    @Test
    void targetsAlreadyInPlaceRunNothing() throws Exception {
        Files.writeString(status, stanza("fixpoint-testpkg", "all", "1.1", "installed"));
        JobResult r = new AptExecutor(config).execute(verified(JobType.INSTALL, V11)); // apt-get does not exist
        assertThat(r.status()).isEqualTo(Status.ALREADY_DONE);
        assertThat(r.exitCode()).isEqualTo(JobResult.NOT_RUN);
        assertThat(r.before()).isEqualTo(r.after());
    }

    @Test
    void aLockHeldByThisProcessStopsTheJobBeforeAnythingRuns() throws Exception {
        String apt = fakeAptGet(stanza("fixpoint-testpkg", "all", "1.1", "installed"), 0);
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock held = ch.lock();
            JobResult r = with(apt).execute(verified(JobType.INSTALL, V11));
            assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
            assertThat(r.detail()).contains("lock-frontend is locked by this agent");
            assertThat(r.before()).containsExactly(new PackageState("fixpoint-testpkg", "all", "1.0", "installed"));
            held.release();
        }
        assertThat(dir.resolve("argv")).doesNotExist();
    }

    /** Another process holds an fcntl lock, as apt and dpkg do: a child JVM stands in for them. */
    @Test
    void aLockHeldByAnotherProcessStopsTheJob() throws Exception {
        String apt = fakeAptGet(stanza("fixpoint-testpkg", "all", "1.1", "installed"), 0);
        Path holder = dir.resolve("LockHolder.java");
        Files.writeString(
                holder,
                "import java.nio.channels.FileChannel;\n"
                        + "import java.nio.file.*;\n"
                        + "public class LockHolder { public static void main(String[] a) throws Exception {\n"
                        + "  try (FileChannel ch = FileChannel.open(Path.of(a[0]), StandardOpenOption.WRITE)) {\n"
                        + "    ch.lock(); System.out.println(\"locked\"); System.out.flush(); System.in.read(); } } }\n");
        String javaCmd = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(javaCmd, holder.toString(), lock.toString())
                .redirectErrorStream(true)
                .start();
        try {
            java.io.BufferedReader r = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("locked");
            JobResult res = with(apt).execute(verified(JobType.INSTALL, V11));
            assertThat(res.status()).isEqualTo(Status.NOT_STARTED);
            assertThat(res.detail()).contains("lock-frontend is locked by another process");
        } finally {
            p.getOutputStream().close();
            p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            p.destroyForcibly();
        }
        assertThat(dir.resolve("argv")).doesNotExist();
        assertThat(with(apt).execute(verified(JobType.INSTALL, V11)).status()).isEqualTo(Status.SUCCEEDED);
    }

    @Test
    void tooLittleDiskStopsTheJob() throws Exception {
        String apt = fakeAptGet(stanza("fixpoint-testpkg", "all", "1.1", "installed"), 0);
        JobResult r = new AptExecutor(new AptExecutor.Config(
                        apt, status, List.of(), List.of(dir), Long.MAX_VALUE, List.of(), Duration.ofSeconds(5)))
                .execute(verified(JobType.INSTALL, V11));
        assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(r.detail()).contains("MiB required");
        assertThat(dir.resolve("argv")).doesNotExist();
    }

    @Test
    void aMissingPackageIsAbsentInThePreState() throws Exception {
        String apt = fakeAptGet(stanza("fixpoint-new", "amd64", "2.0", "installed"), 0);
        JobResult r = with(apt).execute(verified(JobType.INSTALL, new PackageTarget("fixpoint-new", "2.0", "amd64")));
        assertThat(r.before()).containsExactly(new PackageState("fixpoint-new", "amd64", null, "not-installed"));
        assertThat(r.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(Files.readAllLines(dir.resolve("argv"))).endsWith("fixpoint-new:amd64=2.0");
    }

    @Test
    void aMissingAptGetIsNotStarted() {
        JobResult r = new AptExecutor(config).execute(verified(JobType.INSTALL, V11));
        assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(r.detail()).startsWith("cannot run ");
        assertThat(r.exitCode()).isEqualTo(JobResult.NOT_RUN);
    }

    @Test
    void rebootAndRefreshAreNotExecutedYet() {
        assertThat(new AptExecutor(config).execute(verified(JobType.REBOOT)).status())
                .isEqualTo(Status.NOT_STARTED);
        assertThat(new AptExecutor(config)
                        .execute(verified(JobType.REFRESH_INVENTORY))
                        .detail())
                .contains("not executed by this agent yet");
    }

    @Test
    void aProgramThatHangsIsKilledAtTheTimeout() throws Exception {
        Path script = dir.resolve("hang");
        Files.writeString(script, "#!/bin/sh\necho started\nexec sleep 30\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        long t0 = System.nanoTime();
        JobResult r = new AptExecutor(new AptExecutor.Config(
                        script.toString(), status, List.of(), List.of(), 0, List.of(), Duration.ofMillis(500)))
                .execute(verified(JobType.INSTALL, V11));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.detail()).contains("did not finish within");
        assertThat(r.output()).contains("started");
    }

    @Test
    void outputIsBoundedHeadAndTail() {
        BoundedOutput out = new BoundedOutput(10, 10);
        byte[] b = "0123456789abcdefghijKLMNOPQRSTUVWXYZ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(b, b.length);
        assertThat(out.total()).isEqualTo(36);
        assertThat(out.text()).isEqualTo("0123456789\n[… 16 bytes left out …]\nQRSTUVWXYZ");
        BoundedOutput small = new BoundedOutput(10, 10);
        small.write(b, 15);
        assertThat(small.text()).isEqualTo("0123456789abcde");
    }
}
