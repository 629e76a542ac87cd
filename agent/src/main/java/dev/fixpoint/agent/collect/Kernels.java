package dev.fixpoint.agent.collect;

import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.version.InvalidVersionException;
import dev.fixpoint.core.version.VersionScheme;
import dev.fixpoint.core.version.VersionSchemes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The kernels a package database has installed, each with the release string {@code uname -r} would
 * print when it runs, and whether the running kernel is older than the newest of them.
 *
 * <ul>
 *   <li>dpkg: {@code linux-image-<release>} packages (and Ubuntu's {@code linux-image-unsigned-<release>});
 *       meta packages such as {@code linux-image-amd64} do not start with a digit and are not kernels.
 *   <li>rpm: {@code kernel-core} (or {@code kernel} where there is no {@code kernel-core}), release
 *       {@code version-release.arch}.
 *   <li>apk: {@code linux-<flavour>} for Alpine's kernel flavours, release {@code version-N-flavour} for
 *       package version {@code version-rN}.
 * </ul>
 */
final class Kernels {
    private Kernels() {}

    private static final Set<String> APK_FLAVOURS = Set.of("lts", "virt", "edge", "rpi", "rpi2", "rpi4", "stable");

    /** An installed kernel package. */
    record Kernel(String release, String packageName, String version) {}

    static List<Kernel> installed(Inventory inventory, String database) {
        List<Kernel> out = new ArrayList<>();
        switch (database) {
            case "dpkg" -> {
                for (InstalledPackage p : inventory.packages()) {
                    String n = p.name();
                    if (n.startsWith("linux-image-")) {
                        String release = n.substring("linux-image-".length());
                        if (release.startsWith("unsigned-")) {
                            release = release.substring("unsigned-".length());
                        }
                        if (!release.isEmpty() && Character.isDigit(release.charAt(0))) {
                            out.add(new Kernel(release, n, p.version()));
                        }
                    }
                }
            }
            case "rpm" -> {
                boolean hasCore =
                        inventory.packages().stream().anyMatch(p -> p.name().equals("kernel-core"));
                String wanted = hasCore ? "kernel-core" : "kernel";
                for (InstalledPackage p : inventory.packages()) {
                    if (p.name().equals(wanted)) {
                        String v = p.version().startsWith("0:") ? p.version().substring(2) : p.version();
                        int colon = v.indexOf(':');
                        String vr = colon >= 0 ? v.substring(colon + 1) : v;
                        out.add(new Kernel(vr + (p.arch() == null ? "" : "." + p.arch()), p.name(), p.version()));
                    }
                }
            }
            case "apk" -> {
                for (InstalledPackage p : inventory.packages()) {
                    String n = p.name();
                    if (n.startsWith("linux-") && APK_FLAVOURS.contains(n.substring("linux-".length()))) {
                        String flavour = n.substring("linux-".length());
                        String v = p.version();
                        int r = v.lastIndexOf("-r");
                        String release = r < 0
                                ? v + "-0-" + flavour
                                : v.substring(0, r) + "-" + v.substring(r + 2) + "-" + flavour;
                        out.add(new Kernel(release, n, v));
                    }
                }
            }
            default -> {}
        }
        out.sort((a, b) -> a.release().compareTo(b.release()));
        return out;
    }

    /**
     * The newest installed kernel when it is not the running one and is newer: a reboot would start it.
     * When the running kernel is not installed at all (apk replaces its kernel in place; a removed
     * package), any installed kernel counts as newer. Empty when nothing is known about the running
     * kernel, when no kernel package is installed (a container), or when the running one is the newest.
     */
    static Optional<Kernel> newerThanRunning(String running, List<Kernel> installed, String database) {
        if (running == null || installed.isEmpty()) {
            return Optional.empty();
        }
        VersionScheme scheme = VersionSchemes.byName(
                        database.equals("dpkg") ? "dpkg" : database.equals("rpm") ? "rpm-evr" : "apk")
                .orElseThrow();
        Kernel newest = null;
        Kernel current = null;
        for (Kernel k : installed) {
            if (k.release().equals(running)) {
                current = k;
            }
            if (newest == null || compare(scheme, k.version(), newest.version()) > 0) {
                newest = k;
            }
        }
        if (current == null) {
            return Optional.of(newest);
        }
        return compare(scheme, newest.version(), current.version()) > 0 ? Optional.of(newest) : Optional.empty();
    }

    /** Versions the scheme cannot read compare as equal: never claim a reboot on a guess. */
    private static int compare(VersionScheme scheme, String a, String b) {
        try {
            return scheme.compare(a, b);
        } catch (InvalidVersionException e) {
            return 0;
        }
    }
}
