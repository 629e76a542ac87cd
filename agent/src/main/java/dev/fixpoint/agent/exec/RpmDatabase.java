package dev.fixpoint.agent.exec;

import dev.fixpoint.core.job.PackageTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the exact installed builds of some packages from the rpm database, through rpm itself (the
 * database is rpm's own SQLite, Berkeley DB or NDB file): one read-only query, run as an argument list,
 *
 * <pre>
 * rpm [--root ROOT] -q --qf '%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\n' -- name …
 * </pre>
 *
 * <p>rpm prints one line per installed build and {@code package NAME is not installed} for a name with
 * none, exiting with the number of those. A name can have several installed builds: one per
 * architecture (multilib, {@code glibc.i686} beside {@code glibc.x86_64}), and several of one
 * architecture for install-only packages such as kernels. So each target gets every installed version
 * of its name <em>and</em> architecture. rpm reads a query argument as a label ({@code
 * name[-version[-release]]}), so only lines whose {@code NAME} is exactly the target's count. No
 * {@code --dbpath} is given: rpm finds its database where its own configuration says, which is where
 * dnf, using the same rpm library, will write.
 */
final class RpmDatabase {
    static final String QUERY_FORMAT = "%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n";
    private static final Pattern NOT_INSTALLED = Pattern.compile("package (\\S+) is not installed");
    private static final int MAX_OUTPUT = 16 * 1024 * 1024;

    private final String rpm;
    private final Path root;
    private final Duration timeout;

    /**
     * @param rpm the rpm program
     * @param root the root directory whose database is read ({@code --root} unless it is {@code /})
     * @param timeout how long the query may take
     */
    RpmDatabase(String rpm, Path root, Duration timeout) {
        this.rpm = rpm;
        this.root = root;
        this.timeout = timeout;
    }

    /** What is read, for messages. */
    String describe() {
        return "the rpm database" + (ManagerProcess.isHostRoot(root) ? "" : " under " + root);
    }

    /** The argument list of the query for these targets. */
    List<String> argv(List<PackageTarget> targets) {
        List<String> argv = new ArrayList<>(List.of(rpm));
        if (!ManagerProcess.isHostRoot(root)) {
            argv.add("--root");
            argv.add(root.toString());
        }
        argv.addAll(List.of("-q", "--qf", QUERY_FORMAT, "--"));
        Set<String> names = new LinkedHashSet<>();
        for (PackageTarget t : targets) {
            names.add(t.name());
        }
        argv.addAll(names);
        return argv;
    }

    /**
     * For each target in order, every installed version of its name and architecture as rpm records it,
     * {@code [epoch:]version-release} with a zero epoch left out (empty when none is installed).
     *
     * @throws IOException when rpm cannot be run or its answer is not what this query prints
     */
    List<List<String>> versions(List<PackageTarget> targets) throws IOException {
        List<String> argv = argv(targets);
        ManagerProcess.Query q = ManagerProcess.query(argv, Map.of("LC_ALL", "C"), timeout, MAX_OUTPUT);
        return parse(targets, q.exitCode(), q.stdout(), q.stderr());
    }

    /** Reads rpm's answer: see {@link #versions}. */
    static List<List<String>> parse(List<PackageTarget> targets, int exitCode, String stdout, String stderr)
            throws IOException {
        Map<String, List<String>> byKey = new HashMap<>();
        int notInstalled = 0;
        for (String line : stdout.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = NOT_INSTALLED.matcher(line);
            if (m.matches()) {
                notInstalled++;
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 5 || f[0].isEmpty() || !f[1].matches("[0-9]{1,10}") || f[2].isEmpty() || f[3].isEmpty()) {
                throw new IOException("unexpected line from rpm -q: \"" + JobJson.printable(clip(line)) + "\"");
            }
            String version = (f[1].equals("0") ? "" : f[1] + ":") + f[2] + "-" + f[3];
            byKey.computeIfAbsent(f[0] + ":" + f[4], k -> new ArrayList<>()).add(version);
        }
        boolean errors = stderr.lines().anyMatch(l -> l.startsWith("error:"));
        if (errors || (exitCode != 0 && notInstalled == 0)) {
            throw new IOException("rpm -q exited " + exitCode + ": " + JobJson.printable(clip(stderr.strip())));
        }
        List<List<String>> out = new ArrayList<>(targets.size());
        for (PackageTarget t : targets) {
            out.add(List.copyOf(byKey.getOrDefault(t.key(), List.of())));
        }
        return out;
    }

    private static String clip(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }
}
