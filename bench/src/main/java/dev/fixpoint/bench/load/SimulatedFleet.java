package dev.fixpoint.bench.load;

import dev.fixpoint.bench.fleet.Pools;
import dev.fixpoint.bench.fleet.Versions;
import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.inventory.InventoryHash;
import dev.fixpoint.core.platform.Ecosystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulated AlmaLinux 9 hosts: every host has the real UBI 9 image's rpms plus packages that
 * AlmaLinux 9's real OSV advisories fix (the pool of {@link Pools}), {@code packages} in all. Versions
 * differ per host, deterministically: a package is current (70%) or one to four updates behind, so
 * hosts really are affected by the loaded advisories and no two hosts share an inventory. Each host
 * has two inventories, {@code 0} and {@code 1}, that differ in {@code churn} packages (an update run
 * upgraded them), so a host alternating between them sends a changed inventory every time.
 */
final class SimulatedFleet {
    static final Ecosystem ALMA = Ecosystem.of("AlmaLinux:9");
    private static final int VARIANTS = 5;

    private final List<Pools.Pkg> pool;
    private final int churn;
    private final int poolOffsetSeed;

    private SimulatedFleet(List<Pools.Pkg> pool, int churn, int seed) {
        this.pool = pool;
        this.churn = churn;
        this.poolOffsetSeed = seed;
    }

    /** The first {@code packages} of the AlmaLinux pool (base image first). */
    static SimulatedFleet load(Path data, int packages, int churn) throws IOException {
        Pools pools = Pools.load(data);
        List<Pools.Pkg> base = new ArrayList<>();
        List<Pools.Pkg> rest = new ArrayList<>();
        for (Pools.Pkg p : pools.alma()) {
            (p.base() ? base : rest).add(p);
        }
        List<Pools.Pkg> chosen = new ArrayList<>(base);
        for (int i = 0; chosen.size() < packages && i < rest.size(); i++) {
            chosen.add(rest.get(i));
        }
        if (chosen.size() < packages) {
            throw new IllegalArgumentException(
                    "only " + chosen.size() + " distinct AlmaLinux 9 packages in the shared data; ask for fewer");
        }
        return new SimulatedFleet(List.copyOf(chosen.subList(0, packages)), churn, 42);
    }

    int packages() {
        return pool.size();
    }

    /** How many updates behind host {@code host} is on package {@code i} in inventory {@code which}. */
    private int lag(int host, int i, int which) {
        long x = mix(((long) host << 20) ^ i ^ ((long) poolOffsetSeed << 40));
        int r = (int) Math.floorMod(x, 100L);
        int lag = r < 70 ? 0 : r < 85 ? 1 : r < 93 ? 2 : r < 98 ? 3 : 4;
        if (which == 1 && churned(host, i)) {
            lag = lag == 0 ? 1 : lag - 1; // upgraded (or, if current, one behind: a downgrade is a change too)
        }
        return lag;
    }

    /** The {@code churn} packages that differ between a host's two inventories: a window at a per-host offset. */
    private boolean churned(int host, int i) {
        if (churn == 0) {
            return false;
        }
        int start = (int) Math.floorMod(mix(host * 31L + 7), (long) pool.size());
        int d = Math.floorMod(i - start, pool.size());
        return d < churn;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    List<InstalledPackage> inventory(int host, int which) {
        List<InstalledPackage> out = new ArrayList<>(pool.size());
        for (int i = 0; i < pool.size(); i++) {
            Pools.Pkg p = pool.get(i);
            int lag = Math.min(VARIANTS - 1, lag(host, i, which));
            out.add(new InstalledPackage(
                    ALMA,
                    p.name(),
                    Versions.behind(p.version(), lag),
                    p.arch(),
                    p.sourceName(),
                    Versions.behind(p.sourceVersion(), lag)));
        }
        return out;
    }

    /** A package every simulated host has, and the exact version a deployment installs on all of them. */
    record Upgrade(int index, String name, String arch, String version) {}

    /**
     * The deploy mode's package: {@code preferred} if the pool has it (else {@code openssl-libs}, else the
     * first rpm-style {@code version-release}), and as the version its newest pool version with the
     * release's first number bumped: newer than every host's (hosts are current or behind), valid for rpm.
     */
    Upgrade upgrade(String preferred) {
        int chosen = -1;
        for (String want : new String[] {preferred, "openssl-libs"}) {
            for (int i = 0; want != null && chosen < 0 && i < pool.size(); i++) {
                if (pool.get(i).name().equals(want) && bumpRelease(pool.get(i).version()) != null) {
                    chosen = i;
                }
            }
        }
        for (int i = 0; chosen < 0 && i < pool.size(); i++) {
            if (bumpRelease(pool.get(i).version()) != null) {
                chosen = i;
            }
        }
        if (chosen < 0) {
            throw new IllegalStateException("no package with an rpm version-release in the pool");
        }
        if (preferred != null && !pool.get(chosen).name().equals(preferred)) {
            throw new IllegalArgumentException("--deploy-package " + preferred + ": not among the hosts' " + pool.size()
                    + " packages (or no rpm version-release)");
        }
        Pools.Pkg p = pool.get(chosen);
        return new Upgrade(chosen, p.name(), p.arch(), bumpRelease(p.version()));
    }

    /** The version of pool package {@code index} on host {@code host} in its inventory {@code which}. */
    String installedVersion(int host, int index, int which) {
        return Versions.behind(pool.get(index).version(), Math.min(VARIANTS - 1, lag(host, index, which)));
    }

    /** {@code 1:3.0.7-24.el9} becomes {@code 1:3.0.7-25.el9}; null without a release holding a number. */
    static String bumpRelease(String version) {
        int dash = version.lastIndexOf('-');
        if (dash <= 0) {
            return null;
        }
        int start = dash + 1;
        while (start < version.length() && !Character.isDigit(version.charAt(start))) {
            start++;
        }
        int end = start;
        while (end < version.length() && Character.isDigit(version.charAt(end))) {
            end++;
        }
        if (start == end || end - start > 9) {
            return null;
        }
        return version.substring(0, start)
                + (Long.parseLong(version.substring(start, end)) + 1)
                + version.substring(end);
    }

    static String hash(List<InstalledPackage> packages) {
        return InventoryHash.of(new Inventory(ALMA, packages, "load generator"));
    }

    /** The {@code PUT /api/v1/agent/inventory} body, written directly (no object mapping on the client). */
    static String inventoryBody(List<InstalledPackage> packages, String hash) {
        StringBuilder b = new StringBuilder(packages.size() * 120 + 200);
        b.append("{\"inventoryHash\":\"")
                .append(hash)
                .append("\",\"ecosystem\":\"")
                .append(ALMA.name())
                .append("\",\"source\":\"rpm\",\"packages\":[");
        for (int i = 0; i < packages.size(); i++) {
            InstalledPackage p = packages.get(i);
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"name\":");
            str(b, p.name());
            b.append(",\"version\":");
            str(b, p.version());
            b.append(",\"arch\":");
            str(b, p.arch());
            b.append(",\"sourceName\":");
            str(b, p.sourceName());
            b.append(",\"sourceVersion\":");
            str(b, p.sourceVersion());
            b.append('}');
        }
        return b.append("]}").toString();
    }

    /** A check-in as the agent sends it: facts, two pending updates, the inventory hash. */
    static String checkinBody(String hostname, String hash, int packageCount) {
        StringBuilder b = new StringBuilder(800);
        b.append("{\"agentTime\":\"2026-11-29T05:00:00Z\",\"hostname\":");
        str(b, hostname);
        b.append(",\"os\":{\"id\":\"almalinux\",\"versionId\":\"9.3\",\"prettyName\":\"AlmaLinux 9.3 (Shamrock Pampas"
                        + " Cat)\",\"ecosystem\":\"AlmaLinux:9\"},\"kernel\":{\"running\":\"5.14.0-362.8.1.el9_3.x86_64\","
                        + "\"installed\":[\"5.14.0-362.8.1.el9_3.x86_64\",\"5.14.0-362.13.1.el9_3.x86_64\"]},"
                        + "\"rebootRequired\":true,\"rebootReasons\":[\"kernel-5.14.0-362.13.1.el9_3.x86_64\"],"
                        + "\"inventoryHash\":\"")
                .append(hash)
                .append("\",\"packageCount\":")
                .append(packageCount)
                .append(",\"pendingUpdates\":[{\"name\":\"openssl-libs\",\"arch\":\"x86_64\",\"installed\":"
                        + "\"1:3.0.7-24.el9\",\"available\":\"1:3.0.7-27.el9\",\"origin\":\"baseos\",\"security\":true},"
                        + "{\"name\":\"tzdata\",\"arch\":\"noarch\",\"installed\":\"2023c-1.el9\",\"available\":"
                        + "\"2024a-1.el9\",\"origin\":\"baseos\",\"security\":false}]}");
        return b.toString();
    }

    private static void str(StringBuilder b, String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('"');
    }
}
