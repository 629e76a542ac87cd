package dev.fixpoint.bench.agent;

import dev.fixpoint.agent.exec.AptExecutor;
import dev.fixpoint.agent.exec.JobVerifier;
import dev.fixpoint.agent.exec.SeenJobs;
import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.PackageTarget;
import dev.fixpoint.core.job.SignedJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Issue #4's "overhead of Fixpoint's agent around a package install versus the bare apt-get install of
 * the same package". A throwaway package {@code fixpoint-bench-pkg} 1.0 and 1.1 (about 1 MiB each) is
 * built with dpkg-deb into a flat apt repository in a temporary directory that only this harness's apt
 * sees. Each round upgrades 1.0 → 1.1 and rolls back 1.1 → 1.0 twice: once with bare {@code apt-get}
 * (the same argument list the agent uses), once through the agent's own path — signature check,
 * replay store (fsync'd), pre-state from dpkg's status file, lock and disk checks, apt-get, post-state —
 * alternating which goes first. Prints the medians and the ratio. Root on a dpkg/apt host only; the
 * package is purged at the end.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.fixpoint.bench.agent.AgentOverhead
 * [--rounds 15]}
 */
public final class AgentOverhead {
    static final String PKG = "fixpoint-bench-pkg";

    private final Path tmp;
    private final List<String> aptOptions;

    private AgentOverhead(Path tmp, List<String> aptOptions) {
        this.tmp = tmp;
        this.aptOptions = aptOptions;
    }

    public static void main(String[] args) throws Exception {
        int rounds = 15;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[++i]);
            } else {
                System.err.println("usage: AgentOverhead [--rounds N]");
                System.exit(2);
            }
        }
        if (!Files.isWritable(Path.of("/var/lib/dpkg/status")) || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            System.err.println("needs root on a dpkg/apt host");
            System.exit(2);
        }
        Path tmp = Files.createTempDirectory("fixpoint-overhead-");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            AgentOverhead o = new AgentOverhead(tmp, repository(tmp));
            o.measure(rounds);
        } finally {
            run(List.of("dpkg", "--purge", PKG), false);
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private void measure(int rounds) throws Exception {
        run(apt("install", "-y", "-q", "--no-install-recommends", "--no-remove", PKG + "=1.0"), true);
        KeyPair server = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path state = Files.createDirectories(tmp.resolve("agent-state"));
        JobVerifier verifier = new JobVerifier(
                server.getPublic(), "bench-host", PackageFamily.DPKG, SeenJobs.open(state, SeenJobs.DEFAULT_CAPACITY));
        AptExecutor apt = new AptExecutor(AptExecutor.Config.defaults().withAptOptions(aptOptions));
        PackageTarget v10 = new PackageTarget(PKG, "1.0", "all");
        PackageTarget v11 = new PackageTarget(PKG, "1.1", "all");
        List<Double> bareUp = new ArrayList<>();
        List<Double> bareDown = new ArrayList<>();
        List<Double> agentUp = new ArrayList<>();
        List<Double> agentDown = new ArrayList<>();
        for (int r = -2; r < rounds; r++) { // two warm-up rounds
            boolean agentFirst = r % 2 == 0;
            for (int k = 0; k < 2; k++) {
                boolean agent = (k == 0) == agentFirst;
                double up;
                double down;
                if (agent) {
                    up = viaAgent(verifier, apt, server, JobType.INSTALL, v11);
                    down = viaAgent(verifier, apt, server, JobType.ROLLBACK, v10);
                } else {
                    up = bare(v11, false);
                    down = bare(v10, true);
                }
                if (r >= 0) {
                    (agent ? agentUp : bareUp).add(up);
                    (agent ? agentDown : bareDown).add(down);
                }
            }
        }
        double bu = median(bareUp);
        double au = median(agentUp);
        double bd = median(bareDown);
        double ad = median(agentDown);
        System.out.printf(Locale.ROOT, "rounds %d (after 2 warm-up rounds), medians:%n", rounds);
        System.out.printf(
                Locale.ROOT,
                "upgrade 1.0->1.1   bare apt-get %7.1f ms   agent %7.1f ms   overhead %+6.1f ms   ratio %.3f%n",
                bu,
                au,
                au - bu,
                au / bu);
        System.out.printf(
                Locale.ROOT,
                "rollback 1.1->1.0  bare apt-get %7.1f ms   agent %7.1f ms   overhead %+6.1f ms   ratio %.3f%n",
                bd,
                ad,
                ad - bd,
                ad / bd);
        System.out.printf(
                Locale.ROOT,
                "RESULT agent_overhead upgrade_ratio=%.3f rollback_ratio=%.3f upgrade_overhead_ms=%.1f"
                        + " rollback_overhead_ms=%.1f%n",
                au / bu,
                ad / bd,
                au - bu,
                ad - bd);
    }

    private double viaAgent(JobVerifier verifier, AptExecutor apt, KeyPair server, JobType type, PackageTarget t)
            throws Exception {
        Instant now = Instant.now();
        Job job = new Job(
                UUID.randomUUID().toString(),
                "bench-host",
                type,
                List.of(t),
                now.minusSeconds(5),
                now.plusSeconds(3600),
                UUID.randomUUID().toString().replace("-", ""));
        SignedJob signed = SignedJob.sign(job, server.getPrivate()); // the server's part, not timed
        long start = System.nanoTime();
        JobResult r = apt.execute(verifier.verify(signed));
        double ms = (System.nanoTime() - start) / 1e6;
        if (r.status() != JobResult.Status.SUCCEEDED) {
            throw new IllegalStateException(type + " " + t + ": " + r.status() + " " + r.detail() + "\n" + r.output());
        }
        return ms;
    }

    private double bare(PackageTarget t, boolean downgrade) throws Exception {
        List<String> argv = new ArrayList<>(List.of(
                "apt-get",
                "install",
                "-y",
                "-q",
                "--no-install-recommends",
                "--no-remove",
                "-o",
                "Dpkg::Options::=--force-confold",
                "-o",
                "Dpkg::Options::=--force-confdef"));
        if (downgrade) {
            argv.add("--allow-downgrades");
        }
        for (String o : aptOptions) {
            argv.add("-o");
            argv.add(o);
        }
        argv.add("--");
        argv.add(t.name() + "=" + t.version());
        long start = System.nanoTime();
        run(argv, true);
        return (System.nanoTime() - start) / 1e6;
    }

    private List<String> apt(String... args) {
        List<String> argv = new ArrayList<>(List.of("apt-get"));
        for (String o : aptOptions) {
            argv.add("-o");
            argv.add(o);
        }
        argv.addAll(List.of(args));
        return argv;
    }

    private static List<String> repository(Path tmp) throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        StringBuilder packages = new StringBuilder();
        byte[] payload = new byte[1 << 20];
        new java.util.Random(42).nextBytes(payload);
        for (String v : List.of("1.0", "1.1")) {
            Path root = tmp.resolve("build-" + v);
            Files.createDirectories(root.resolve("DEBIAN"));
            Path share = Files.createDirectories(root.resolve("usr/share/" + PKG));
            Files.writeString(
                    root.resolve("DEBIAN/control"),
                    "Package: " + PKG + "\nVersion: " + v + "\nArchitecture: all\nMaintainer: Fixpoint bench"
                            + " <bench@fixpoint.invalid>\nSection: misc\nPriority: optional\nDescription: Fixpoint"
                            + " benchmark package\n Throwaway package of the agent-overhead benchmark.\n");
            Files.write(share.resolve("payload"), payload);
            Files.writeString(share.resolve("VERSION"), v + "\n");
            Path deb = repo.resolve(PKG + "_" + v + "_all.deb");
            run(List.of("dpkg-deb", "--root-owner-group", "-Zgzip", "--build", root.toString(), deb.toString()), true);
            byte[] bytes = Files.readAllBytes(deb);
            packages.append(run(List.of("dpkg-deb", "-f", deb.toString()), true).strip())
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
        Path sources = tmp.resolve("sources.list");
        Files.writeString(sources, "deb [trusted=yes] file:" + repo + " ./\n");
        Files.createDirectories(tmp.resolve("lists/partial"));
        Files.createDirectories(tmp.resolve("cache/archives/partial"));
        List<String> options = List.of(
                "Dir::Etc::SourceList=" + sources,
                "Dir::Etc::SourceParts=/dev/null",
                "Dir::State::Lists=" + tmp.resolve("lists"),
                "Dir::Cache=" + tmp.resolve("cache"),
                "Dir::Cache::Archives=" + tmp.resolve("cache/archives"));
        List<String> update = new ArrayList<>(List.of("apt-get"));
        for (String o : options) {
            update.add("-o");
            update.add(o);
        }
        update.add("update");
        run(update, true);
        return options;
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String run(List<String> argv, boolean check) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        pb.environment().put("APT_LISTCHANGES_FRONTEND", "none");
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(argv + " timed out");
        }
        if (check && p.exitValue() != 0) {
            throw new IllegalStateException(argv + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }
}
