package dev.fixpoint.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway package and a private flat apt repository for tests that run the real apt and dpkg (as
 * root): versions built with {@code dpkg-deb} into a temporary directory, a {@code Packages} file
 * written here (no dpkg-dev needed), and apt options that point apt at that repository alone — its own
 * source list, package lists and cache — so the machine's own lists are neither read nor replaced.
 * Closing it purges the package if it was installed and deletes the directory.
 */
public final class ThrowawayApt implements AutoCloseable {
    /** Writes a version's files into its build root (beside {@code DEBIAN/control}). */
    public interface Contents {
        void write(Path root, String version) throws IOException;
    }

    public final String pkg;
    public final Path dir;
    public final Path repo;
    /** The {@code -o Key=Value} options (without {@code -o}) that make apt see only this repository. */
    public final List<String> options;

    private final Contents contents;
    private boolean installed;

    private ThrowawayApt(String pkg, Path dir, Contents contents) throws IOException {
        this.pkg = pkg;
        this.dir = dir;
        this.contents = contents;
        this.repo = Files.createDirectories(dir.resolve("repo"));
        Path sources = dir.resolve("sources.list");
        Files.writeString(sources, "deb [trusted=yes] file:" + repo + " ./\n");
        Files.createDirectories(dir.resolve("lists/partial"));
        Files.createDirectories(dir.resolve("cache/archives/partial"));
        this.options = List.of(
                "Dir::Etc::SourceList=" + sources,
                "Dir::Etc::SourceParts=/dev/null",
                "Dir::State::Lists=" + dir.resolve("lists"),
                "Dir::Cache=" + dir.resolve("cache"),
                "Dir::Cache::Archives=" + dir.resolve("cache/archives"));
    }

    /** Whether this machine can run such tests: root on a dpkg/apt host with dpkg-deb. */
    public static boolean available() {
        return isRoot()
                && Files.isExecutable(Path.of("/usr/bin/apt-get"))
                && Files.isExecutable(Path.of("/usr/bin/apt-cache"))
                && Files.isExecutable(Path.of("/usr/bin/dpkg-deb"))
                && Files.isRegularFile(Path.of("/var/lib/dpkg/status"));
    }

    /**
     * Builds {@code versions} of {@code pkg} (architecture {@code all}) with {@code contents}, publishes
     * them all and runs {@code apt-get update} against the repository. The package is purged first, in
     * case an earlier run left it.
     */
    public static ThrowawayApt create(String pkg, Contents contents, String... versions) throws Exception {
        Path dir = Files.createTempDirectory("fixpoint-apt-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // apt's _apt user reads it
        ThrowawayApt a = new ThrowawayApt(pkg, dir, contents);
        for (String v : versions) {
            a.build(v);
        }
        a.publish(versions);
        run(a.apt("update"));
        a.purge();
        return a;
    }

    /** The .deb of a built version. */
    public Path deb(String version) {
        return repo.resolve(pkg + "_" + version + "_all.deb");
    }

    private void build(String version) throws Exception {
        Path root = dir.resolve("build-" + version);
        Files.createDirectories(root.resolve("DEBIAN"));
        Files.writeString(
                root.resolve("DEBIAN/control"),
                "Package: " + pkg + "\nVersion: " + version
                        + "\nArchitecture: all\nMaintainer: Fixpoint tests <tests@fixpoint.invalid>\nSection: misc\n"
                        + "Priority: optional\nDescription: Fixpoint test package\n Throwaway package of a test.\n");
        contents.write(root, version);
        run(List.of(
                "dpkg-deb",
                "--root-owner-group",
                "-Zgzip",
                "--build",
                root.toString(),
                deb(version).toString()));
    }

    /** Writes the repository's {@code Packages} file with exactly these versions (then run apt-get update). */
    public void publish(String... versions) throws Exception {
        StringBuilder packages = new StringBuilder();
        for (String v : versions) {
            Path deb = deb(v);
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

    /** Installs exactly {@code version} with apt-get, as an administrator would. */
    public void install(String version) throws Exception {
        installed = true;
        run(apt("install", "-y", "-q", "--no-install-recommends", "--no-remove", pkg + "=" + version));
    }

    /** {@code apt-get} with this repository's options. */
    public List<String> apt(String... args) {
        return withOptions("apt-get", args);
    }

    /** {@code apt-cache} with this repository's options. */
    public List<String> aptCache(String... args) {
        return withOptions("apt-cache", args);
    }

    private List<String> withOptions(String program, String... args) {
        List<String> argv = new ArrayList<>(List.of(program));
        for (String o : options) {
            argv.add("-o");
            argv.add(o);
        }
        argv.addAll(List.of(args));
        return argv;
    }

    /** dpkg's own answer for the package: its version when installed, else empty. */
    public String installedVersion() throws Exception {
        return run(List.of("dpkg-query", "--show", "--showformat=${db:Status-Status} ${Version}", pkg))
                .replaceFirst("^installed ", "");
    }

    /** Every package but this one, as dpkg-query lists them: to show that nothing else changed. */
    public String otherPackages() throws Exception {
        return run(List.of(
                        "dpkg-query",
                        "--show",
                        "--showformat=${Package}:${Architecture} ${db:Status-Abbrev} ${Version}\\n"))
                .lines()
                .filter(l -> !l.startsWith(pkg + ":"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    private void purge() throws IOException, InterruptedException {
        runAllowingFailure(List.of("dpkg", "--purge", pkg));
    }

    @Override
    public void close() throws IOException {
        try {
            if (installed) {
                purge();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while purging " + pkg, e);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Runs a command (noninteractive, C locale, stdin closed); its output, or an AssertionError on failure. */
    public static String run(List<String> argv) throws IOException, InterruptedException {
        String[] out = new String[1];
        int code = exec(argv, out);
        if (code != 0) {
            throw new AssertionError(argv + " exited " + code + ":\n" + out[0]);
        }
        return out[0];
    }

    /** As {@link #run}, but a failure is returned, not thrown. */
    public static String runAllowingFailure(List<String> argv) throws IOException, InterruptedException {
        String[] out = new String[1];
        exec(argv, out);
        return out[0];
    }

    private static int exec(List<String> argv, String[] out) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        p.getOutputStream().close();
        out[0] = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(argv + " timed out");
        }
        return p.exitValue();
    }

    /** Whether this process runs as root (from /proc/self/status: no native call needed). */
    public static boolean isRoot() {
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
