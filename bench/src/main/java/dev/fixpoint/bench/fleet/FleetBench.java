package dev.fixpoint.bench.fleet;

import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.advisory.Affected;
import dev.fixpoint.core.advisory.Event;
import dev.fixpoint.core.advisory.PackageRef;
import dev.fixpoint.core.advisory.Range;
import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.matching.AdvisoryIndex;
import dev.fixpoint.core.matching.FleetEvaluator;
import dev.fixpoint.core.platform.Ecosystem;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * The fleet benchmark of issue #2: a synthetic fleet built from real package data, fully evaluated,
 * then re-evaluated after one new advisory. Not JMH: each figure is one cold-to-warm run of a large
 * job, reported with the heap it needed.
 *
 * <p>The fleet: half Debian 12 hosts, half AlmaLinux 9 hosts, each with {@code --packages} packages.
 * Package pools are real: Debian's bookworm-security binary index (3,000+ packages with their source
 * packages) plus the debootstrap minbase status, and the packages that AlmaLinux 9's own OSV
 * advisories name plus the UBI 9 rpm inventory. Hosts follow a few dozen profiles (fleets repeat
 * themselves: web servers look alike) on top of the base system every host has, and each host lags on
 * some packages: a package is at the pool's version (70%), or one to four updates behind (a numeric
 * component of the version decremented per update).
 *
 * <p>Advisories: all AlmaLinux 9 OSV advisories (real), and for Debian one synthetic advisory per
 * bookworm-security source package, fixed in the version the archive carries (Debian's own OSV data
 * is not in the shared data set in bulk).
 *
 * <p>Usage: {@code java -Xmx8g -cp bench/target/benchmarks.jar dev.fixpoint.bench.fleet.FleetBench
 * [--hosts N] [--packages N] [--data DIR]}
 */
public final class FleetBench {

    static final Ecosystem DEBIAN = Ecosystem.of("Debian:12");
    static final Ecosystem ALMA = Ecosystem.of("AlmaLinux:9");
    static final int VARIANTS = 5;

    private FleetBench() {}

    public static void main(String[] args) throws IOException {
        int hosts = 100_000;
        int perHost = 500;
        int profiles = 40;
        Path data = Path.of(System.getenv().getOrDefault("FIXPOINT_SHARED_DATA", "../shared/data"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--hosts" -> hosts = Integer.parseInt(args[++i]);
                case "--packages" -> perHost = Integer.parseInt(args[++i]);
                case "--profiles" -> profiles = Integer.parseInt(args[++i]);
                case "--data" -> data = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (!Files.isDirectory(data.resolve("osv/almalinux/almalinux9"))) {
            System.err.println("FleetBench: the shared data set is not at " + data.toAbsolutePath()
                    + " (set FIXPOINT_SHARED_DATA or --data)");
            System.exit(2);
        }

        long t0 = System.nanoTime();
        Pools pools = Pools.load(data);
        List<Advisory> advisories = new ArrayList<>(pools.almaAdvisories());
        advisories.addAll(syntheticDebianAdvisories(pools.debian()));
        AdvisoryIndex index = AdvisoryIndex.of(advisories);
        System.out.printf(
                Locale.ROOT,
                "data: %d Debian and %d AlmaLinux packages in the pools; %d advisories (%d keys); loaded in %.1f s%n",
                pools.debian().size(),
                pools.alma().size(),
                index.advisoryCount(),
                index.keyCount(),
                secondsSince(t0));

        long heapBefore = usedHeapAfterGc();
        long t1 = System.nanoTime();
        FleetEvaluator fleet = new FleetEvaluator(index);
        buildFleet(fleet, pools, hosts, perHost, profiles);
        double build = secondsSince(t1);
        System.out.printf(
                Locale.ROOT,
                "fleet: %,d hosts x %d packages = %,d installed packages, %,d distinct tuples; built in %.1f s%n",
                fleet.hostCount(),
                perHost,
                (long) fleet.hostCount() * perHost,
                fleet.tupleCount(),
                build);

        long t2 = System.nanoTime();
        FleetEvaluator.Summary full = fleet.evaluateAll();
        double fullSeconds = secondsSince(t2);
        long heapAfter = usedHeapAfterGc();
        System.out.printf(
                Locale.ROOT,
                "full evaluation: %.2f s (%,d tuples judged, %,d affected pairs, %,d vulnerable hosts)%n",
                fullSeconds,
                full.tuplesJudged(),
                full.affectedPairs(),
                full.vulnerableHosts());
        System.out.printf(
                Locale.ROOT,
                "heap: %,d MiB for the fleet and its verdicts (%,d MiB before, %,d MiB after, -Xmx %,d MiB)%n",
                (heapAfter - heapBefore) >> 20,
                heapBefore >> 20,
                heapAfter >> 20,
                Runtime.getRuntime().maxMemory() >> 20);

        // One new advisory: for the most widespread Debian source package, then for 20 others.
        Random rnd = new Random(7);
        List<Pools.Pkg> debian = pools.debian();
        String widest = "glibc";
        reeval(fleet, index, "a new advisory for " + widest + " (on every Debian host)", newAdvisory(widest, "0", 1));
        double[] times = new double[20];
        for (int i = 0; i < times.length; i++) {
            Pools.Pkg p = debian.get(rnd.nextInt(debian.size()));
            times[i] = reeval(fleet, index, null, newAdvisory(p.sourceName(), "0", 2 + i));
        }
        Arrays.sort(times);
        System.out.printf(
                Locale.ROOT,
                "re-evaluation after one new advisory for a random package: median %.2f ms, max %.2f ms (20 runs)%n",
                times[times.length / 2],
                times[times.length - 1]);
        System.out.printf(
                Locale.ROOT,
                "machine: %d CPUs, %s %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
    }

    private static double reeval(FleetEvaluator fleet, AdvisoryIndex index, String label, Advisory a) {
        long t = System.nanoTime();
        Set<String> touched = index.put(a);
        FleetEvaluator.Summary s = fleet.reevaluate(touched);
        double ms = (System.nanoTime() - t) / 1e6;
        if (label != null) {
            System.out.printf(
                    Locale.ROOT,
                    "re-evaluation after %s: %.2f ms (%,d tuples judged, %,d hosts updated)%n",
                    label,
                    ms,
                    s.tuplesJudged(),
                    s.hostsUpdated());
        }
        return ms;
    }

    /** An advisory for a Debian source package that every version before "9999" is affected by. */
    static Advisory newAdvisory(String sourcePackage, String introduced, int n) {
        Affected affected = new Affected(
                new PackageRef(DEBIAN, sourcePackage),
                List.of(new Range(Range.Type.ECOSYSTEM, List.of(Event.introduced(introduced), Event.fixed("9999")))));
        return advisory("BENCH-NEW-" + n, List.of(affected));
    }

    static List<Advisory> syntheticDebianAdvisories(List<Pools.Pkg> debian) {
        List<Advisory> out = new ArrayList<>();
        java.util.Map<String, String> sources = new java.util.TreeMap<>();
        for (Pools.Pkg p : debian) {
            if (p.fromSecurityArchive()) {
                sources.putIfAbsent(p.sourceName(), p.sourceVersion());
            }
        }
        int n = 0;
        for (var e : sources.entrySet()) {
            Affected affected = new Affected(
                    new PackageRef(DEBIAN, e.getKey()),
                    List.of(new Range(
                            Range.Type.ECOSYSTEM, List.of(Event.introduced("0"), Event.fixed(e.getValue())))));
            out.add(advisory("BENCH-DSA-" + (++n), List.of(affected)));
        }
        return out;
    }

    private static Advisory advisory(String id, List<Affected> affected) {
        return new Advisory(
                id, "bench", null, List.of(), List.of(), null, null, List.of(), null, null, null, affected, List.of(),
                List.of());
    }

    private static void buildFleet(FleetEvaluator fleet, Pools pools, int hosts, int perHost, int profiles) {
        Random rnd = new Random(42);
        int[][] debianProfiles = profiles(pools.debian(), perHost, profiles, rnd);
        int[][] almaProfiles = profiles(pools.alma(), perHost, profiles, rnd);
        // Per pool package: the tuple ids of its current, one-behind and two-behind versions.
        int[][] debianTuples = tuples(fleet, pools.debian());
        int[][] almaTuples = tuples(fleet, pools.alma());
        for (int h = 0; h < hosts; h++) {
            boolean isDebian = (h & 1) == 0;
            int[] profile = (isDebian ? debianProfiles : almaProfiles)[rnd.nextInt(profiles)];
            int[][] tuples = isDebian ? debianTuples : almaTuples;
            int[] host = new int[profile.length];
            for (int i = 0; i < profile.length; i++) {
                int r = rnd.nextInt(100);
                // most packages current, some one to four updates behind
                int variant = r < 70 ? 0 : r < 85 ? 1 : r < 93 ? 2 : r < 98 ? 3 : 4;
                host[i] = tuples[profile[i]][variant];
            }
            fleet.addHost(host);
        }
    }

    private static int[][] tuples(FleetEvaluator fleet, List<Pools.Pkg> pool) {
        int[][] out = new int[pool.size()][VARIANTS];
        for (int i = 0; i < pool.size(); i++) {
            Pools.Pkg p = pool.get(i);
            for (int v = 0; v < VARIANTS; v++) {
                InstalledPackage ip = new InstalledPackage(
                        p.ecosystem(),
                        p.name(),
                        Versions.behind(p.version(), v),
                        p.arch(),
                        p.sourceName(),
                        Versions.behind(p.sourceVersion(), v));
                out[i][v] = fleet.tuple(ip);
            }
        }
        return out;
    }

    /**
     * Host profiles: every profile starts with the pool's base system (the packages every host of
     * that OS has: Debian's minbase, the UBI 9 image) and fills up with packages drawn at random.
     */
    private static int[][] profiles(List<Pools.Pkg> pool, int perHost, int profiles, Random rnd) {
        int[][] out = new int[profiles][];
        int poolSize = pool.size();
        int n = Math.min(perHost, poolSize);
        List<Integer> base = new ArrayList<>();
        List<Integer> rest = new ArrayList<>();
        for (int i = 0; i < poolSize; i++) {
            (pool.get(i).base() ? base : rest).add(i);
        }
        for (int p = 0; p < profiles; p++) {
            List<Integer> chosen = new ArrayList<>(base.subList(0, Math.min(base.size(), n)));
            List<Integer> shuffled = new ArrayList<>(rest);
            java.util.Collections.shuffle(shuffled, rnd);
            for (int i = 0; chosen.size() < n && i < shuffled.size(); i++) {
                chosen.add(shuffled.get(i));
            }
            out[p] = chosen.stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    private static double secondsSince(long t) {
        return (System.nanoTime() - t) / 1e9;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
