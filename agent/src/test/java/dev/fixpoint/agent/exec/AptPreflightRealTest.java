package dev.fixpoint.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.JobResult.Status;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.PackageState;
import dev.fixpoint.core.job.PackageTarget;
import dev.fixpoint.core.testing.Ci;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    static Path tmp;
    static Path repo;
    static List<String> aptOptions;
    static boolean installedSomething;

    @BeforeAll
    static void repository() throws Exception {
        Ci.require(
                isRoot()
                        && Files.isExecutable(Path.of("/usr/bin/apt-get"))
                        && Files.isExecutable(Path.of("/usr/bin/apt-cache"))
                        && Files.isExecutable(Path.of("/usr/bin/dpkg-deb"))
                        && Files.isRegularFile(Path.of("/var/lib/dpkg/status")),
                "root on a dpkg/apt host (apt-get, apt-cache, dpkg-deb, /var/lib/dpkg/status)");
        tmp = Files.createTempDirectory("fixpoint-preflight-");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        repo = Files.createDirectories(tmp.resolve("repo"));
        for (String v : List.of("1.0", "1.1")) {
            build(v, repo.resolve(PKG + "_" + v + "_all.deb"));
        }
        publish("1.0", "1.1");
        Files.writeString(tmp.resolve("sources.list"), "deb [trusted=yes] file:" + repo + " ./\n");
        Files.createDirectories(tmp.resolve("lists/partial"));
        Files.createDirectories(tmp.resolve("cache/archives/partial"));
        aptOptions = List.of(
                "Dir::Etc::SourceList=" + tmp.resolve("sources.list"),
                "Dir::Etc::SourceParts=/dev/null",
                "Dir::State::Lists=" + tmp.resolve("lists"),
                "Dir::Cache=" + tmp.resolve("cache"),
                "Dir::Cache::Archives=" + tmp.resolve("cache/archives"));
        run(apt("update"));
        run(List.of("dpkg", "--purge", PKG));
        installedSomething = true;
        run(apt("install", "-y", "-q", "--no-install-recommends", "--no-remove", PKG + "=1.0"));
        run(apt("clean")); // the downloaded (here: copied) 1.0 leaves the archive cache
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try {
            if (installedSomething) {
                run(List.of("dpkg", "--purge", PKG));
            }
        } finally {
            if (tmp != null) {
                try (Stream<Path> s = Files.walk(tmp)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
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
        publish("1.1");
        Files.move(repo.resolve(PKG + "_1.0_all.deb"), tmp.resolve(PKG + "_1.0_all.deb"));
        run(apt("update"));
        assertThat(run(apt("-cache", "policy", PKG))).contains("100 /var/lib/dpkg/status");
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

    /** Writes the repository's Packages file with these versions. */
    private static void publish(String... versions) throws Exception {
        StringBuilder packages = new StringBuilder();
        for (String v : versions) {
            Path deb = repo.resolve(PKG + "_" + v + "_all.deb");
            byte[] bytes = Files.readAllBytes(deb);
            packages.append(run(List.of("dpkg-deb", "-f", deb.toString())).strip())
                    .append("\nFilename: ./")
                    .append(deb.getFileName())
                    .append("\nSize: ")
                    .append(bytes.length)
                    .append("\nSHA256: ")
                    .append(HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
                    .append("\n\n");
        }
        Files.writeString(repo.resolve("Packages"), packages);
    }

    private static String dpkgPackages() throws Exception {
        return run(List.of(
                "dpkg-query", "--show", "--showformat=${Package}:${Architecture} ${db:Status-Abbrev} ${Version}\\n"));
    }

    private static void build(String version, Path deb) throws Exception {
        Path root = tmp.resolve("build-" + version);
        Files.createDirectories(root.resolve("DEBIAN"));
        Files.createDirectories(root.resolve("usr/share/" + PKG));
        Files.writeString(
                root.resolve("DEBIAN/control"),
                "Package: " + PKG + "\nVersion: " + version
                        + "\nArchitecture: all\nMaintainer: Fixpoint tests <tests@fixpoint.invalid>\nSection: misc\n"
                        + "Priority: optional\nDescription: Fixpoint test package\n Throwaway package of the agent tests.\n");
        Files.writeString(root.resolve("usr/share/" + PKG + "/VERSION"), version + "\n");
        run(List.of("dpkg-deb", "--root-owner-group", "-Zgzip", "--build", root.toString(), deb.toString()));
    }

    /** apt-get (or, with "-cache" first, apt-cache) with the test repository's options. */
    private static List<String> apt(String... args) {
        boolean cache = args.length > 0 && args[0].equals("-cache");
        List<String> argv = new ArrayList<>(List.of(cache ? "apt-cache" : "apt-get"));
        for (String o : aptOptions) {
            argv.add("-o");
            argv.add(o);
        }
        argv.addAll(List.of(args).subList(cache ? 1 : 0, args.length));
        return argv;
    }

    private static String run(List<String> argv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
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
