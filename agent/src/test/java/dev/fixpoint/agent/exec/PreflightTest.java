package dev.fixpoint.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.JobResult.Status;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.PackageState;
import dev.fixpoint.core.job.PackageTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PREFLIGHT checks of the three families against stand-in apt-cache, dnf, rpm and apk programs. */
class PreflightTest {
    static final Instant NOW = Instant.parse("2026-11-29T05:00:00Z");

    @TempDir
    Path dir;

    /** A stand-in program: writes its arguments (one a line) and LC_ALL to FILE.argv, prints out, exits. */
    private String fake(String name, String out, String err, int exit) throws Exception {
        Path outFile = dir.resolve(name + ".out");
        Path errFile = dir.resolve(name + ".err");
        Files.writeString(outFile, out);
        Files.writeString(errFile, err);
        Path script = dir.resolve(name);
        Files.writeString(
                script,
                "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + dir.resolve(name + ".argv") + "'\n"
                        + "echo \"LC_ALL=$LC_ALL\" >> '" + dir.resolve(name + ".argv") + "'\n"
                        + "cat '" + outFile + "'\ncat '" + errFile + "' >&2\nexit " + exit + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script.toString();
    }

    private List<String> argv(String name) throws Exception {
        return Files.readAllLines(dir.resolve(name + ".argv"));
    }

    private static VerifiedJob preflight(PackageFamily f, PackageTarget... targets) {
        return new VerifiedJob(TestJobs.job(JobType.PREFLIGHT, NOW, targets), f);
    }

    // ---- apt ----

    static final PackageTarget LIBFOO = new PackageTarget("libfoo", "1:1.2-1", "amd64");
    static final PackageTarget DATA = new PackageTarget("foo-data", "1.2-1", "all");
    static final PackageTarget GONE = new PackageTarget("libbar", "2.0-3", "amd64");

    private Path status() throws Exception {
        Path status = dir.resolve("status");
        Files.writeString(
                status,
                "Package: libfoo\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:1.2-1\n\n"
                        + "Package: libbar\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.0-3\n\n");
        return status;
    }

    private AptExecutor apt(String aptCache, List<String> options) throws Exception {
        return new AptExecutor(
                new AptExecutor.Config(
                        dir.resolve("apt-get-never-run").toString(),
                        status(),
                        List.of(),
                        List.of(),
                        0,
                        options,
                        Duration.ofSeconds(20)),
                aptCache,
                dir.resolve("root"));
    }

    @Test
    void aptFindsRepositoryVersionsAndTheArchiveCacheAndNamesWhatIsNowhere() throws Exception {
        // libfoo from a repository; foo-data only in the archive cache; libbar only from dpkg's status file
        String out = "Package: libfoo\nArchitecture: amd64\nVersion: 1:1.2-1\nDescription: x\n continued\n"
                + "Filename: pool/main/libf/libfoo_1.2-1_amd64.deb\n\n"
                + "Package: libbar\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.0-3\n\n";
        String aptCache = fake("apt-cache", out, "", 0);
        Path archives = Files.createDirectories(dir.resolve("root/var/cache/apt/archives"));
        Files.writeString(archives.resolve("foo-data_1.2-1_all.deb"), "!<arch>\n");
        JobResult r = apt(aptCache, List.of("Acquire::Retries=3"))
                .preflight(preflight(PackageFamily.DPKG, LIBFOO, DATA, GONE));

        assertThat(argv("apt-cache"))
                .containsExactly(
                        "-o",
                        "Acquire::Retries=3",
                        "show",
                        "--",
                        "libfoo:amd64=1:1.2-1",
                        "foo-data=1.2-1",
                        "libbar:amd64=2.0-3",
                        "LC_ALL=C");
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.detail())
                .startsWith("foo-data:all 1.2-1 is only in apt's cache (" + archives + ")")
                .contains("libbar:amd64 2.0-3 is in no repository and not in apt's cache (" + archives
                        + "): a rollback could not restore it")
                .contains("could not restore it")
                .doesNotContain("libfoo");
        assertThat(r.exitCode()).isEqualTo(JobResult.NOT_RUN);
        assertThat(r.before()).isEqualTo(r.after());
        assertThat(r.before())
                .containsExactly(
                        new PackageState("libfoo", "amd64", "1:1.2-1", "installed"),
                        PackageState.absent(DATA),
                        new PackageState("libbar", "amd64", "2.0-3", "installed"));
        assertThat(r.health()).isEmpty();
        assertThat(Files.exists(dir.resolve("apt-get-never-run.argv"))).isFalse();
    }

    @Test
    void aptArchiveCacheHonoursTheAgentsOptionsAndWritesTheEpochAsApt() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("libfoo_1%3a1.2-1_amd64.deb"), "!<arch>\n");
        String aptCache = fake("apt-cache", "", "", 0);
        JobResult r = apt(aptCache, List.of("Dir::Cache::Archives=" + elsewhere))
                .preflight(preflight(PackageFamily.DPKG, LIBFOO));
        // found where the options say — and still not restorable: apt-get installs by version from its lists
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.FAILED);
        assertThat(r.detail()).contains("libfoo:amd64 1:1.2-1 is only in apt's cache (" + elsewhere + ")");

        AptPreflight relative = new AptPreflight(
                "apt-cache",
                Path.of("/r"),
                List.of("Dir::Cache=/c/", "Dir::Cache::archives=arch"),
                status(),
                Duration.ofSeconds(1));
        assertThat(relative.archives()).isEqualTo(Path.of("/c/arch"));
        assertThat(new AptPreflight("apt-cache", Path.of("/"), List.of(), status(), Duration.ofSeconds(1)).archives())
                .isEqualTo(Path.of("/var/cache/apt/archives"));
    }

    @Test
    void aptEverythingInARepositorySucceeds() throws Exception {
        String out = "Package: foo-data\nVersion: 1.2-1\nArchitecture: all\nFilename: pool/f/foo-data_1.2-1_all.deb\n";
        JobResult r = apt(fake("apt-cache", out, "", 0), List.of()).preflight(preflight(PackageFamily.DPKG, DATA));
        assertThat(r.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(r.detail()).isEqualTo("every listed version is obtainable");
    }

    @Test
    void aptCheckThatCannotRunIsNotStarted() throws Exception {
        JobResult r = apt(
                        fake("apt-cache", "", "E: The package lists or status file could not be parsed\n", 100),
                        List.of())
                .preflight(preflight(PackageFamily.DPKG, DATA));
        assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(r.detail()).contains("apt-cache show exited 100").contains("could not be parsed");

        JobResult missing = apt(dir.resolve("no-such-apt-cache").toString(), List.of())
                .preflight(preflight(PackageFamily.DPKG, DATA));
        assertThat(missing.status()).isEqualTo(Status.NOT_STARTED);

        JobResult notFound = apt(fake("apt-cache", "", "E: No packages found\n", 100), List.of())
                .preflight(preflight(PackageFamily.DPKG, DATA));
        assertThat(notFound.status()).isEqualTo(Status.FAILED);
    }

    @Test
    void anInstallIsNotAPreflight() throws Exception {
        JobResult r = apt(fake("apt-cache", "", "", 0), List.of())
                .preflight(new VerifiedJob(TestJobs.job(JobType.INSTALL, NOW, DATA), PackageFamily.DPKG));
        assertThat(r.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(Files.exists(dir.resolve("apt-cache.argv"))).isFalse();
    }

    // ---- dnf ----

    @Test
    void dnfAsksCachedRepositoryMetadataOnly() throws Exception {
        PackageTarget openssl = new PackageTarget("openssl", "1:3.0.7-25.el9", "x86_64");
        PackageTarget tzdata = new PackageTarget("tzdata", "2024a-1.el9", "noarch");
        String rpm = fake("rpm", "openssl\t1\t3.0.7\t25.el9\tx86_64\ntzdata\t0\t2024a\t1.el9\tnoarch\n", "", 0);
        String dnf = fake(
                "dnf", "openssl\t1\t3.0.7\t25.el9\tx86_64\tbaseos\ntzdata\t0\t2024a\t1.el9\tnoarch\t@System\n", "", 0);
        DnfExecutor executor = new DnfExecutor(DnfExecutor.Config.under(dir.resolve("root"))
                .withPrograms(dnf, rpm)
                .withDnfOptions(List.of("--setopt=reposdir=/etc/fp.repos.d")));
        JobResult r = executor.preflight(preflight(PackageFamily.RPM, openssl, tzdata));
        assertThat(argv("dnf"))
                .containsExactly(
                        "-q",
                        "--cacheonly",
                        "--setopt=exit_on_lock=True",
                        "--installroot=" + dir.resolve("root"),
                        "--setopt=reposdir=/etc/fp.repos.d",
                        "repoquery",
                        "--qf",
                        DnfPreflight.QUERY_FORMAT,
                        "--",
                        "openssl-1:3.0.7-25.el9.x86_64",
                        "tzdata-2024a-1.el9.noarch",
                        "LC_ALL=C");
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.detail())
                .isEqualTo("tzdata:noarch 2024a-1.el9 is in no repository and not in dnf's cached repository"
                        + " metadata: a rollback could not restore it");
        assertThat(r.before()).isEqualTo(r.after());
        assertThat(r.before().get(0)).isEqualTo(new PackageState("openssl", "x86_64", "1:3.0.7-25.el9", "installed"));
        assertThat(r.exitCode()).isEqualTo(JobResult.NOT_RUN);

        JobResult noCache = new DnfExecutor(DnfExecutor.Config.defaults()
                        .withPrograms(fake("dnf", "", "Error: Cache-only enabled but no cache for 'baseos'\n", 1), rpm))
                .preflight(preflight(PackageFamily.RPM, openssl));
        assertThat(noCache.status()).isEqualTo(Status.NOT_STARTED);
        assertThat(noCache.detail()).contains("no cache for 'baseos'");
        assertThat(argv("dnf")).doesNotContain("--installroot=/");
    }

    // ---- apk ----

    @Test
    void apkPolicyCountsRepositoriesNotTheInstalledDatabase() throws Exception {
        Path root = dir.resolve("alpine");
        Files.createDirectories(root.resolve("lib/apk/db"));
        Files.createDirectories(root.resolve("etc/apk/cache"));
        Files.writeString(root.resolve("etc/apk/arch"), "x86_64\n");
        Files.writeString(
                root.resolve("lib/apk/db/installed"),
                "P:busybox\nV:1.36.1-r15\nA:x86_64\n\nP:musl\nV:1.2.4-r2\nA:x86_64\n\nP:zlib\nV:1.3.1-r0\nA:x86_64\n\n");
        Files.writeString(root.resolve("etc/apk/cache/zlib-1.3.1-r0.1a2b3c4d.apk"), "x");
        String policy = "busybox policy:\n  1.36.1-r15:\n    lib/apk/db/installed\n"
                + "    https://dl-cdn.alpinelinux.org/alpine/v3.19/main\n"
                + "musl policy:\n  1.2.4-r3:\n    https://dl-cdn.alpinelinux.org/alpine/v3.19/main\n"
                + "  1.2.4-r2:\n    lib/apk/db/installed\n"
                + "zlib policy:\n  1.3.1-r0:\n    lib/apk/db/installed\n";
        String apk = fake("apk", policy, "", 0);
        ApkExecutor executor = new ApkExecutor(ApkExecutor.Config.under(root).withApk(apk));
        JobResult r = executor.preflight(preflight(
                PackageFamily.APK,
                new PackageTarget("busybox", "1.36.1-r15", "x86_64"),
                new PackageTarget("musl", "1.2.4-r2", "x86_64"),
                new PackageTarget("zlib", "1.3.1-r0", "x86_64")));
        assertThat(argv("apk"))
                .containsExactly(
                        "--no-network", "--root=" + root, "policy", "--", "busybox", "musl", "zlib", "LC_ALL=C");
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.detail())
                .startsWith("musl:x86_64 1.2.4-r2 is in no repository and not in apk's cache")
                .contains("only in apk's cache")
                .contains("zlib:x86_64 1.3.1-r0")
                .doesNotContain("busybox");
        assertThat(r.before()).isEqualTo(r.after());

        JobResult foreign =
                executor.preflight(preflight(PackageFamily.APK, new PackageTarget("musl", "1.2.4-r2", "aarch64")));
        assertThat(foreign.status()).isEqualTo(Status.FAILED);
        assertThat(foreign.detail()).contains("apk installs packages of this host's architecture (x86_64) only");
    }
}
