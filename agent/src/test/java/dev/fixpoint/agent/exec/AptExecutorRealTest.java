package dev.fixpoint.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.agent.exec.JobRejectedException.Reason;
import dev.fixpoint.core.job.HealthCheck;
import dev.fixpoint.core.job.HealthResult;
import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.JobResult.Status;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.PackageState;
import dev.fixpoint.core.job.PackageTarget;
import dev.fixpoint.core.job.SignedJob;
import dev.fixpoint.core.testing.Ci;
import dev.fixpoint.core.testing.ThrowawayApt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The executor against the real apt and dpkg of this machine (root on a dpkg/apt host; skipped
 * elsewhere, failing under CI). It builds a throwaway package {@code fixpoint-testpkg} in versions 1.0
 * and 1.1 with {@code dpkg-deb}, publishes them in a flat apt repository in a temporary directory
 * (Packages file written here, no dpkg-dev needed), and points apt at that repository alone: its own
 * source list, package lists and cache under the temporary directory, so the machine's own lists are
 * neither read nor replaced. Only {@code fixpoint-testpkg} is installed, and it is purged at the end.
 */
class AptExecutorRealTest {
    static final String PKG = "fixpoint-testpkg";

    static ThrowawayApt repo;
    static Path tmp;
    static List<String> aptOptions;

    @BeforeAll
    static void repository() throws Exception {
        Ci.require(
                ThrowawayApt.available(),
                "root on a dpkg/apt host (apt-get, apt-cache, dpkg-deb, /var/lib/dpkg/status)");
        repo = ThrowawayApt.create(
                PKG,
                (root, version) -> Files.writeString(
                        Files.createDirectories(root.resolve("usr/share/" + PKG))
                                .resolve("VERSION"),
                        version + "\n"),
                "1.0",
                "1.1");
        tmp = repo.dir;
        aptOptions = repo.options;
        repo.install("1.0");
        assertThat(installedVersion()).isEqualTo("1.0");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (repo != null) {
            repo.close();
        }
    }

    @Test
    void installRollBackAndRefuse() throws Exception {
        TestJobs keys = new TestJobs();
        Path state = tmp.resolve("agent-state");
        JobKeyFile.pin(state, keys.server.getPublic());
        JobVerifier verifier = new JobVerifier(
                JobKeyFile.load(state).orElseThrow(),
                TestJobs.HOST,
                PackageFamily.DPKG,
                SeenJobs.open(state, SeenJobs.DEFAULT_CAPACITY));
        AptExecutor apt = new AptExecutor(AptExecutor.Config.defaults().withAptOptions(aptOptions));
        PackageTarget v10 = new PackageTarget(PKG, "1.0", "all");
        PackageTarget v11 = new PackageTarget(PKG, "1.1", "all");
        Instant now = Instant.now();
        String others = otherPackages();

        // install 1.1
        SignedJob install = keys.sign(TestJobs.job(JobType.INSTALL, now, v11));
        JobResult r = apt.execute(verifier.verify(install));
        assertThat(r.status()).as(r.detail() + "\n" + r.output()).isEqualTo(Status.SUCCEEDED);
        assertThat(r.before()).containsExactly(new PackageState(PKG, "all", "1.0", "installed"));
        assertThat(r.after()).containsExactly(new PackageState(PKG, "all", "1.1", "installed"));
        assertThat(r.exitCode()).isZero();
        assertThat(installedVersion()).isEqualTo("1.1");
        assertThat(Files.readString(Path.of("/usr/share/fixpoint-testpkg/VERSION"))
                        .strip())
                .isEqualTo("1.1");

        // a second job for the same state does nothing
        JobResult again = apt.execute(verifier.verify(keys.sign(TestJobs.job(JobType.INSTALL, now, v11))));
        assertThat(again.status()).isEqualTo(Status.ALREADY_DONE);
        assertThat(again.exitCode()).isEqualTo(JobResult.NOT_RUN);

        // an INSTALL never downgrades
        JobResult noDowngrade = apt.execute(verifier.verify(keys.sign(TestJobs.job(JobType.INSTALL, now, v10))));
        assertThat(noDowngrade.status()).isEqualTo(Status.FAILED);
        assertThat(installedVersion()).isEqualTo("1.1");

        // roll back to exactly 1.0
        JobResult back = apt.execute(verifier.verify(keys.sign(TestJobs.job(JobType.ROLLBACK, now, v10))));
        assertThat(back.status()).as(back.detail() + "\n" + back.output()).isEqualTo(Status.SUCCEEDED);
        assertThat(back.before()).containsExactly(new PackageState(PKG, "all", "1.1", "installed"));
        assertThat(back.after()).containsExactly(new PackageState(PKG, "all", "1.0", "installed"));
        assertThat(installedVersion()).isEqualTo("1.0");

        // refused before anything runs: tampered, replayed, expired, for another host
        SignedJob fresh = keys.sign(TestJobs.job(JobType.INSTALL, now, v11));
        Job j = fresh.job();
        Job altered = new Job(
                j.id(),
                j.hostId(),
                j.type(),
                List.of(new PackageTarget(PKG, "1.1", "all")),
                j.notBefore(),
                j.expires().plusSeconds(86_400),
                j.nonce());
        assertThat(rejection(verifier, new SignedJob(altered, fresh.signature())))
                .isEqualTo(Reason.BAD_SIGNATURE);
        assertThat(rejection(verifier, install)).isEqualTo(Reason.REPLAYED);
        Job expired = TestJobs.job(
                "expired-" + UUID.randomUUID(), JobType.INSTALL, now.minusSeconds(7200), now.minusSeconds(3600), v11);
        assertThat(rejection(verifier, keys.sign(expired))).isEqualTo(Reason.EXPIRED);
        Job otherHost = new Job(
                "other-" + UUID.randomUUID(),
                "host-2",
                JobType.INSTALL,
                List.of(v11),
                now,
                now.plusSeconds(600),
                TestJobs.nonce());
        assertThat(rejection(verifier, keys.sign(otherHost))).isEqualTo(Reason.WRONG_HOST);
        assertThat(installedVersion()).isEqualTo("1.0");

        // a restarted agent still refuses the replay
        JobVerifier restarted = new JobVerifier(
                JobKeyFile.load(state).orElseThrow(),
                TestJobs.HOST,
                PackageFamily.DPKG,
                SeenJobs.open(state, SeenJobs.DEFAULT_CAPACITY));
        assertThat(rejection(restarted, install)).isEqualTo(Reason.REPLAYED);
        assertThat(installedVersion()).isEqualTo("1.0");

        // nothing else on the machine changed
        assertThat(otherPackages()).isEqualTo(others);
    }

    /**
     * 1.1 "breaks the service": the allow-listed health command (a script that passes only while
     * /usr/share/fixpoint-testpkg/VERSION says 1.0) fails after the upgrade, so the INSTALL is UNHEALTHY
     * with 1.1 installed; the ROLLBACK returns to exactly 1.0 and the same check passes.
     */
    @Test
    void anUnhealthyInstallIsRolledBackToExactlyThePreviousVersion() throws Exception {
        if (!installedVersion().equals("1.0")) {
            run(apt(
                    "install",
                    "-y",
                    "-q",
                    "--no-install-recommends",
                    "--no-remove",
                    "--allow-downgrades",
                    PKG + "=1.0"));
        }
        Path check = tmp.resolve("service-check");
        Files.writeString(
                check,
                "#!/bin/sh\ngrep -qx 1.0 /usr/share/" + PKG + "/VERSION || { echo \"service"
                        + " answers $(cat /usr/share/" + PKG + "/VERSION)\"; exit 1; }\n");
        Files.setPosixFilePermissions(check, PosixFilePermissions.fromString("rwx------"));
        HealthChecker health = new HealthChecker(HealthChecker.Config.defaults()
                .withCommands(Map.of("service", List.of(check.toString())))
                .withSettle(Duration.ofSeconds(1), Duration.ofMillis(250))
                .withTimeout(Duration.ofSeconds(10)));
        List<HealthCheck> checks = List.of(new HealthCheck(HealthCheck.Kind.COMMAND, "service"));
        TestJobs keys = new TestJobs();
        Path state = tmp.resolve("agent-state-health");
        JobVerifier verifier =
                new JobVerifier(keys.server.getPublic(), TestJobs.HOST, PackageFamily.DPKG, SeenJobs.open(state, 100));
        PackageExecutor apt = new AptExecutor(AptExecutor.Config.defaults().withAptOptions(aptOptions));
        Instant now = Instant.now();
        String others = otherPackages();

        VerifiedJob install = verifier.verify(keys.sign(
                withChecks(TestJobs.job(JobType.INSTALL, now, new PackageTarget(PKG, "1.1", "all")), checks)));
        JobResult r = health.afterPackages(install, apt.execute(install));
        assertThat(r.status()).as(r.detail() + "\n" + r.output()).isEqualTo(Status.UNHEALTHY);
        assertThat(r.after()).containsExactly(new PackageState(PKG, "all", "1.1", "installed"));
        assertThat(r.exitCode()).isZero();
        assertThat(r.health()).hasSize(1);
        HealthResult failed = r.health().get(0);
        assertThat(failed.ok()).isFalse();
        assertThat(failed.detail()).startsWith("exit 1: service answers 1.1 (still failing after ");
        assertThat(r.detail()).contains("health check failed: COMMAND service");
        assertThat(installedVersion()).isEqualTo("1.1");

        VerifiedJob rollback = verifier.verify(keys.sign(
                withChecks(TestJobs.job(JobType.ROLLBACK, now, new PackageTarget(PKG, "1.0", "all")), checks)));
        JobResult back = health.afterPackages(rollback, apt.execute(rollback));
        assertThat(back.status()).as(back.detail() + "\n" + back.output()).isEqualTo(Status.SUCCEEDED);
        assertThat(back.before()).containsExactly(new PackageState(PKG, "all", "1.1", "installed"));
        assertThat(back.after()).containsExactly(new PackageState(PKG, "all", "1.0", "installed"));
        assertThat(back.health()).containsExactly(new HealthResult(checks.get(0), true, "exit 0"));
        assertThat(installedVersion()).isEqualTo("1.0");
        assertThat(Files.readString(Path.of("/usr/share/" + PKG + "/VERSION")).strip())
                .isEqualTo("1.0");
        assertThat(otherPackages()).isEqualTo(others);
    }

    private static Job withChecks(Job j, List<HealthCheck> checks) {
        return new Job(j.id(), j.hostId(), j.type(), j.packages(), j.notBefore(), j.expires(), j.nonce(), checks);
    }

    private static Reason rejection(JobVerifier v, SignedJob s) {
        try {
            v.verify(s);
        } catch (JobRejectedException e) {
            return e.reason();
        }
        throw new AssertionError("accepted " + s.job());
    }

    private static String otherPackages() throws Exception {
        return repo.otherPackages();
    }

    /** dpkg's own answer, independent of the executor's status reader; empty when not installed. */
    private static String installedVersion() throws Exception {
        return repo.installedVersion();
    }

    private static List<String> apt(String... args) {
        return repo.apt(args);
    }

    private static String run(List<String> argv) throws Exception {
        return ThrowawayApt.run(argv);
    }
}
