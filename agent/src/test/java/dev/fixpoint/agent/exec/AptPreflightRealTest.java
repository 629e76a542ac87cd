package dev.fixpoint.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.JobResult.Status;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.PackageState;
import dev.fixpoint.core.job.PackageTarget;
import dev.fixpoint.core.testing.Ci;
import dev.fixpoint.core.testing.ThrowawayApt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The apt PREFLIGHT check against this machine's real apt-cache and dpkg (root on a dpkg/apt host;
 * skipped elsewhere, failing under CI), with AptExecutorRealTest's throwaway flat repository: its own
 * source list, lists and cache under a temporary directory. {@code fixpoint-preflightpkg} 1.0 is
 * installed from the repository, then 1.0 is dropped from the repository (and was never in the cache),
 * then its .deb is put into the archive cache alone. Purged at the end.
 */
class AptPreflightRealTest {
    static final String PKG = "fixpoint-preflightpkg";

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
        run(apt("clean")); // the downloaded (here: copied) 1.0 leaves the archive cache
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (repo != null) {
            repo.close();
        }
    }

    @Test
    void repositoryThenNowhereThenArchiveCacheOnly() throws Exception {
        AptExecutor apt = new AptExecutor(AptExecutor.Config.defaults().withAptOptions(aptOptions));
        PackageTarget v10 = new PackageTarget(PKG, "1.0", "all");
        PackageTarget v11 = new PackageTarget(PKG, "1.1", "all");
        PackageState installed = new PackageState(PKG, "all", "1.0", "installed");
        String packages = dpkgPackages();

        // in the repository: obtainable (the installed 1.0 and the not installed 1.1)
        JobResult inRepo = apt.preflight(preflight(v10));
        assertThat(inRepo.status()).as(inRepo.detail()).isEqualTo(Status.SUCCEEDED);
        assertThat(inRepo.detail()).isEqualTo("every listed version is obtainable");
        assertThat(inRepo.before()).containsExactly(installed);
        assertThat(inRepo.after()).containsExactly(installed);
        assertThat(apt.preflight(preflight(v11)).status()).isEqualTo(Status.SUCCEEDED);

        // 1.0 dropped from the repository, not in the cache: apt still prints it from dpkg's status file,
        // yet nothing could install it again
        repo.publish("1.1");
        Files.move(repo.deb("1.0"), tmp.resolve(PKG + "_1.0_all.deb"));
        run(apt("update"));
        assertThat(run(repo.aptCache("policy", PKG))).contains("100 /var/lib/dpkg/status");
        JobResult nowhere = apt.preflight(preflight(v10));
        assertThat(nowhere.status()).as(nowhere.detail()).isEqualTo(Status.FAILED);
        assertThat(nowhere.detail())
                .isEqualTo(PKG + ":all 1.0 is in no repository and not in apt's cache (" + tmp.resolve("cache/archives")
                        + "): a rollback could not restore it");
        assertThat(nowhere.before()).containsExactly(installed);
        assertThat(nowhere.exitCode()).isEqualTo(JobResult.NOT_RUN);

        // only in apt's archive cache: found, but apt-get install name=version (the rollback) cannot use it
        Files.copy(tmp.resolve(PKG + "_1.0_all.deb"), tmp.resolve("cache/archives/" + PKG + "_1.0_all.deb"));
        JobResult cached = apt.preflight(preflight(v10));
        assertThat(cached.status()).as(cached.detail()).isEqualTo(Status.FAILED);
        assertThat(cached.detail()).contains(PKG + ":all 1.0 is only in apt's cache");

        // nothing changed: the same packages, nothing downloaded
        assertThat(dpkgPackages()).isEqualTo(packages);
        try (Stream<Path> s = Files.list(tmp.resolve("cache/archives"))) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly(PKG + "_1.0_all.deb", "lock", "partial");
        }
    }

    private static VerifiedJob preflight(PackageTarget... targets) {
        return new VerifiedJob(TestJobs.job(JobType.PREFLIGHT, Instant.now(), targets), PackageFamily.DPKG);
    }

    private static String dpkgPackages() throws Exception {
        return run(List.of(
                "dpkg-query", "--show", "--showformat=${Package}:${Architecture} ${db:Status-Abbrev} ${Version}\\n"));
    }

    private static List<String> apt(String... args) {
        return repo.apt(args);
    }

    private static String run(List<String> argv) throws Exception {
        return ThrowawayApt.run(argv);
    }
}
