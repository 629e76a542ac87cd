package dev.fixpoint.agent.exec;

import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.PackageState;
import dev.fixpoint.core.job.PackageTarget;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The PREFLIGHT check on an apk host (Alpine, Wolfi):
 *
 * <ol>
 *   <li>one read-only query, as an argument list with {@code LC_ALL=C} and a timeout:
 *       <pre>apk --no-network [--root=ROOT] [option …] policy -- name …</pre>
 *       apk prints, per name, {@code NAME policy:}, then each version it knows ({@code "  VERSION:"})
 *       with the places it has it from, one per line ({@code "    https://…/main"}, {@code "    @tag …"},
 *       {@code "    lib/apk/db/installed"}). A version counts when a place other than the installed
 *       database ({@code lib/apk/db/installed}) lists it: a repository index as apk has it cached.
 *       {@code --no-network} keeps apk from fetching indexes; it opens its database read-only and takes
 *       no lock.
 *   <li>the package cache, {@code etc/apk/cache} under the root: a file {@code NAME-VERSION.*.apk}.
 * </ol>
 *
 * A target whose architecture is neither the host's nor {@code noarch} cannot be installed by apk at
 * all, so it is reported as not obtainable. Not tested against real apk-tools (none for the build host).
 */
final class ApkPreflight {
    private final String apk;
    private final Path root;
    private final List<String> options;
    private final ApkDatabase db;
    private final Path archFile;
    private final Duration timeout;

    ApkPreflight(String apk, Path root, List<String> options, ApkDatabase db, Path archFile, Duration timeout) {
        this.apk = apk;
        this.root = root;
        this.options = List.copyOf(options);
        this.db = db;
        this.archFile = archFile;
        this.timeout = timeout;
    }

    List<String> argv(List<PackageTarget> targets) {
        List<String> argv = new ArrayList<>(List.of(apk, "--no-network"));
        if (!ManagerProcess.isHostRoot(root)) {
            argv.add("--root=" + root);
        }
        argv.addAll(options);
        argv.addAll(List.of("policy", "--"));
        Set<String> names = new LinkedHashSet<>();
        for (PackageTarget t : targets) {
            names.add(t.name());
        }
        argv.addAll(names);
        return argv;
    }

    JobResult check(Job job) {
        long start = System.nanoTime();
        List<PackageState> states;
        try {
            states = db.states(job.packages());
        } catch (IOException e) {
            return Preflight.notStarted(job, List.of(), "cannot read " + db.path() + ": " + e.getMessage(), start);
        }
        String hostArch;
        try {
            hostArch = ApkDatabase.hostArch(archFile);
        } catch (IOException e) {
            return Preflight.notStarted(job, states, "cannot tell this host's architecture: " + e.getMessage(), start);
        }
        Optional<String> foreign = ApkExecutor.foreignArch(job, hostArch);
        if (foreign.isPresent()) {
            return new JobResult(
                    job.id(),
                    JobResult.Status.FAILED,
                    states,
                    states,
                    JobResult.NOT_RUN,
                    "",
                    Duration.ofNanos(System.nanoTime() - start),
                    foreign.get());
        }
        List<String> argv = argv(job.packages());
        ManagerProcess.Query q;
        try {
            q = ManagerProcess.query(argv, Map.of("LC_ALL", "C"), timeout, 16 * 1024 * 1024);
        } catch (IOException e) {
            return Preflight.notStarted(job, states, e.getMessage(), start);
        }
        if (q.exitCode() != 0) {
            return Preflight.notStarted(
                    job, states, "apk policy exited " + q.exitCode() + ": " + Preflight.clip(q.stderr()), start);
        }
        Set<String> offered = parse(q.stdout());
        Path cache = root.resolve("etc/apk/cache");
        List<Preflight.Where> found = new ArrayList<>();
        for (PackageTarget t : job.packages()) {
            if (offered.contains(t.name() + " " + t.version())) {
                found.add(Preflight.Where.REPOSITORY);
            } else if (cached(cache, t)) {
                found.add(Preflight.Where.CACHE);
            } else {
                found.add(Preflight.Where.NOWHERE);
            }
        }
        return Preflight.result(job, states, found, "apk's cache (" + cache + ")", String.join(" ", argv), start);
    }

    /** "name version" of each version that a place other than the installed database lists. */
    static Set<String> parse(String stdout) {
        Set<String> out = new HashSet<>();
        String name = null;
        String version = null;
        for (String line : stdout.split("\n")) {
            if (!line.startsWith(" ") && line.endsWith(" policy:")) {
                name = line.substring(0, line.length() - " policy:".length()).strip();
                version = null;
            } else if (line.startsWith("  ") && !line.startsWith("   ") && line.endsWith(":")) {
                version = line.substring(0, line.length() - 1).strip();
            } else if (line.startsWith("    ") && name != null && version != null) {
                String place = line.strip();
                if (!place.isEmpty() && !place.endsWith("lib/apk/db/installed")) {
                    out.add(name + " " + version);
                }
            }
        }
        return out;
    }

    /** Whether {@code etc/apk/cache} holds {@code NAME-VERSION.HASH.apk}. */
    private static boolean cached(Path cache, PackageTarget t) {
        if (!Files.isDirectory(cache)) {
            return false;
        }
        String prefix = t.name() + "-" + t.version() + ".";
        try (DirectoryStream<Path> s = Files.newDirectoryStream(cache, "*.apk")) {
            for (Path p : s) {
                String f = p.getFileName().toString();
                if (f.startsWith(prefix) && f.indexOf('.', prefix.length()) == f.length() - 4) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
