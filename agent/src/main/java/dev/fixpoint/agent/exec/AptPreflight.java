package dev.fixpoint.agent.exec;

import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.PackageState;
import dev.fixpoint.core.job.PackageTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The PREFLIGHT check on a dpkg/apt host: is each listed exact version obtainable, changing nothing?
 *
 * <ol>
 *   <li><b>A configured repository</b>: one read-only query, as an argument list with {@code LC_ALL=C}
 *       and a timeout, with the agent's own apt options (those {@code apt-get} gets):
 *       <pre>apt-cache [-o Key=Value …] show -- name:arch=version …   (name=version for arch all)</pre>
 *       Its exit code says nothing (apt 2.6 exits 0 for a version it does not know), and it also prints
 *       a version known only from dpkg's status file (installed, in no repository): for each version it
 *       prints the record of a file that is a source ({@code Packages} of a repository) when there is
 *       one, else the status file's record. So a version is in a repository exactly when a record with
 *       its {@code Package}, {@code Version} and {@code Architecture} carries {@code Filename:}, which
 *       only repository records have (the status record has {@code Status:} instead). This reads apt's
 *       lists as the last {@code apt-get update} left them: nothing is refreshed.
 *   <li><b>apt's archive cache</b>: {@code NAME_VERSION_ARCH.deb} (the epoch colon written {@code
 *       %3a}, as apt names downloads) in {@code Dir::Cache::Archives}, by default {@code
 *       var/cache/apt/archives} under the root, or where the agent's apt options put it ({@code Dir},
 *       {@code Dir::Cache}, {@code Dir::Cache::Archives}, each relative to the one before as apt reads
 *       them). Only the name is looked at (a non-empty regular file), not its contents.
 * </ol>
 *
 * {@code apt-cache} takes no dpkg or apt lock. {@code apt-get install name=version}, as the executor
 * runs a rollback, only finds versions apt knows from its lists (real apt 2.6: "Version '1.0' for 'x'
 * was not found" with the .deb in the archive cache), so a version found only in the archive cache is
 * reported as not restorable, saying where it is.
 */
final class AptPreflight {
    private final String aptCache;
    private final Path root;
    private final List<String> aptOptions;
    private final DpkgDatabase dpkg;
    private final Duration timeout;

    /**
     * @param aptCache the apt-cache program
     * @param root the root directory the archive cache is found under (unless an apt option says otherwise)
     * @param aptOptions the agent's {@code Key=Value} apt options, passed as {@code -o}
     */
    AptPreflight(String aptCache, Path root, List<String> aptOptions, Path dpkgStatus, Duration timeout) {
        this.aptCache = aptCache;
        this.root = root;
        this.aptOptions = List.copyOf(aptOptions);
        this.dpkg = new DpkgDatabase(dpkgStatus);
        this.timeout = timeout;
    }

    /** The query's argument list. */
    List<String> argv(List<PackageTarget> targets) {
        List<String> argv = new ArrayList<>(List.of(aptCache));
        for (String o : aptOptions) {
            argv.add("-o");
            argv.add(o);
        }
        argv.add("show");
        argv.add("--");
        for (PackageTarget t : targets) {
            argv.add(t.name() + (t.arch().equals("all") ? "" : ":" + t.arch()) + "=" + t.version());
        }
        return argv;
    }

    /** Where apt keeps downloaded packages, as the agent's apt options and the root say. */
    Path archives() {
        Path dir = root;
        String cache = "var/cache/apt/";
        String archives = "archives/";
        for (String o : aptOptions) {
            int eq = o.indexOf('=');
            String key = o.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = o.substring(eq + 1);
            if (key.equals("dir")) {
                dir = Path.of(value.isEmpty() ? "/" : value);
            } else if (key.equals("dir::cache")) {
                cache = value;
            } else if (key.equals("dir::cache::archives")) {
                archives = value;
            }
        }
        Path c = cache.startsWith("/") ? Path.of(cache) : dir.resolve(cache);
        return archives.startsWith("/") ? Path.of(archives) : c.resolve(archives);
    }

    /** The file apt would have downloaded this version to. */
    static String debName(PackageTarget t) {
        return t.name() + "_" + normal(t.version()).replace(":", "%3a") + "_" + t.arch() + ".deb";
    }

    JobResult check(Job job) {
        long start = System.nanoTime();
        List<PackageState> states;
        try {
            states = dpkg.states(job.packages());
        } catch (IOException e) {
            return Preflight.notStarted(job, List.of(), "cannot read " + dpkg.path() + ": " + e.getMessage(), start);
        }
        List<String> argv = argv(job.packages());
        ManagerProcess.Query q;
        try {
            q = ManagerProcess.query(argv, Map.of("LC_ALL", "C"), timeout, 64 * 1024 * 1024);
        } catch (IOException e) {
            return Preflight.notStarted(job, states, e.getMessage(), start);
        }
        if (q.exitCode() != 0 && !onlyNotFound(q.stderr())) {
            return Preflight.notStarted(
                    job, states, "apt-cache show exited " + q.exitCode() + ": " + Preflight.clip(q.stderr()), start);
        }
        Set<String> inRepository = repositoryRecords(q.stdout());
        Path archives = archives();
        List<Preflight.Where> found = new ArrayList<>();
        for (PackageTarget t : job.packages()) {
            if (inRepository.contains(t.name() + " " + normal(t.version()) + " " + t.arch())) {
                found.add(Preflight.Where.REPOSITORY);
            } else if (cached(archives.resolve(debName(t)))) {
                found.add(Preflight.Where.CACHE);
            } else {
                found.add(Preflight.Where.NOWHERE);
            }
        }
        // apt-get install name=version (the rollback) resolves versions from apt's lists only, never from
        // the archive cache: a version only there cannot be restored (checked with real apt).
        return Preflight.result(
                job, states, found, "apt's cache (" + archives + ")", false, String.join(" ", argv), start);
    }

    /** "name version arch" of each record that came from a repository (has {@code Filename:}). */
    static Set<String> repositoryRecords(String stdout) {
        Set<String> out = new HashSet<>();
        String pkg = null;
        String version = null;
        String arch = null;
        boolean file = false;
        for (String line : (stdout + "\n\n").split("\n", -1)) {
            if (line.isEmpty()) {
                if (pkg != null && version != null && arch != null && file) {
                    out.add(pkg + " " + normal(version) + " " + arch);
                }
                pkg = version = arch = null;
                file = false;
            } else if (line.startsWith("Package:")) {
                pkg = line.substring(8).strip();
            } else if (line.startsWith("Version:")) {
                version = line.substring(8).strip();
            } else if (line.startsWith("Architecture:")) {
                arch = line.substring(13).strip();
            } else if (line.startsWith("Filename:")) {
                file = !line.substring(9).isBlank();
            }
        }
        return out;
    }

    /** Whether every error apt-cache reported is about a package or version it does not know. */
    static boolean onlyNotFound(String stderr) {
        boolean any = false;
        for (String line : stderr.split("\n")) {
            if (line.startsWith("E:")) {
                any = true;
                if (!(line.contains("No packages found")
                        || line.contains("Unable to locate package")
                        || line.contains("was not found"))) {
                    return false;
                }
            }
        }
        return any;
    }

    /** The version without an explicit zero epoch, as dpkg and apt record it. */
    private static String normal(String version) {
        return version.replaceFirst("^0+:", "");
    }

    private static boolean cached(Path deb) {
        try {
            return Files.isRegularFile(deb) && Files.size(deb) > 0;
        } catch (IOException e) {
            return false;
        }
    }
}
