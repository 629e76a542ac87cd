package dev.fixpoint.agent.exec;

import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.PackageState;
import dev.fixpoint.core.job.PackageTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The PREFLIGHT check on an rpm/dnf host: one read-only query, as an argument list with {@code
 * LC_ALL=C} and a timeout:
 *
 * <pre>
 * dnf -q --cacheonly --setopt=exit_on_lock=True [--installroot=ROOT] [option …]
 *     repoquery --qf '%{name}\t%{epoch}\t%{version}\t%{release}\t%{arch}\t%{reponame}' -- name-[epoch:]version-release.arch …
 * </pre>
 *
 * <p>What this checks, honestly: whether an enabled repository offers exactly that build according to
 * the repository metadata dnf already has in its cache. {@code --cacheonly} never refreshes metadata
 * over the network, so an expired cache answers as it was when last refreshed, and a repository with
 * no cached metadata makes dnf fail (NOT_STARTED, "no cache"). {@code repoquery} without {@code
 * --installed} leaves out the installed packages ({@code @System}), so an installed build counts only
 * when a repository still offers it. A downloaded {@code .rpm} in dnf's package cache is not counted:
 * {@code dnf downgrade name-version-release.arch}, as the executor runs it, resolves builds from
 * repository metadata only, so a cached file whose repository dropped the build could not be used; and
 * when the repository still lists it, the query above already found it. dnf 4 takes no transaction
 * lock for a query; {@code exit_on_lock} makes it fail rather than wait should it want its metadata
 * lock.
 */
final class DnfPreflight {
    static final String QUERY_FORMAT = "%{name}\\t%{epoch}\\t%{version}\\t%{release}\\t%{arch}\\t%{reponame}";

    private final String dnf;
    private final Path root;
    private final List<String> options;
    private final RpmDatabase rpm;
    private final Duration timeout;

    DnfPreflight(String dnf, Path root, List<String> options, RpmDatabase rpm, Duration timeout) {
        this.dnf = dnf;
        this.root = root;
        this.options = List.copyOf(options);
        this.rpm = rpm;
        this.timeout = timeout;
    }

    List<String> argv(List<PackageTarget> targets) {
        List<String> argv = new ArrayList<>(List.of(dnf, "-q", "--cacheonly", "--setopt=exit_on_lock=True"));
        if (!ManagerProcess.isHostRoot(root)) {
            argv.add("--installroot=" + root);
        }
        argv.addAll(options);
        argv.addAll(List.of("repoquery", "--qf", QUERY_FORMAT, "--"));
        for (PackageTarget t : targets) {
            argv.add(t.name() + "-" + t.version() + "." + t.arch());
        }
        return argv;
    }

    JobResult check(Job job) {
        long start = System.nanoTime();
        List<PackageState> states;
        try {
            states = DnfExecutor.states(job.packages(), rpm.versions(job.packages()));
        } catch (IOException e) {
            return Preflight.notStarted(job, List.of(), "cannot read " + rpm.describe() + ": " + e.getMessage(), start);
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
                    job,
                    states,
                    "dnf repoquery exited " + q.exitCode() + ": " + Preflight.clip(q.stderr() + "\n" + q.stdout()),
                    start);
        }
        Set<String> offered;
        try {
            offered = parse(q.stdout());
        } catch (IOException e) {
            return Preflight.notStarted(job, states, e.getMessage(), start);
        }
        List<Preflight.Where> found = new ArrayList<>();
        for (PackageTarget t : job.packages()) {
            boolean hit = offered.stream()
                    .anyMatch(k -> k.startsWith(t.name() + " ")
                            && k.endsWith(" " + t.arch())
                            && PackageFamily.RPM.sameVersion(
                                    k.substring(
                                            t.name().length() + 1,
                                            k.length() - t.arch().length() - 1),
                                    t.version()));
            found.add(hit ? Preflight.Where.REPOSITORY : Preflight.Where.NOWHERE);
        }
        return Preflight.result(job, states, found, "dnf's cached repository metadata", String.join(" ", argv), start);
    }

    /** "name [epoch:]version-release arch" of each build a repository (not {@code @System}) offers. */
    static Set<String> parse(String stdout) throws IOException {
        Set<String> out = new HashSet<>();
        for (String line : stdout.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 6 || !f[1].matches("[0-9]{1,10}")) {
                throw new IOException("unexpected line from dnf repoquery: \"" + Preflight.clip(line) + "\"");
            }
            if (f[5].equals("@System")) {
                continue;
            }
            out.add(f[0] + " " + (f[1].equals("0") ? "" : f[1] + ":") + f[2] + "-" + f[3] + " " + f[4]);
        }
        return out;
    }
}
