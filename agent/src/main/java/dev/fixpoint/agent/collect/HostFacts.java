package dev.fixpoint.agent.collect;

import dev.fixpoint.core.inventory.OsRelease;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a check-in says about the host besides its packages: name, machine id, operating system, the
 * running and installed kernels, and whether a reboot is pending. Every file is read inside the collect
 * root ({@link RootFs}), so a test (or a chroot) gives its own {@code proc/sys/kernel/osrelease}; nothing
 * is executed.
 *
 * @param hostname {@code proc/sys/kernel/hostname}, else {@code etc/hostname}
 * @param machineId {@code etc/machine-id}, or empty
 * @param osId os-release {@code ID}, or null
 * @param osVersionId os-release {@code VERSION_ID}, or null
 * @param osPrettyName os-release {@code PRETTY_NAME}, or null
 * @param kernelRunning {@code proc/sys/kernel/osrelease}, or null when it cannot be read
 * @param kernelsInstalled the release strings of the installed kernel packages
 * @param rebootRequired whether a reboot is pending
 * @param rebootReasons the packages that want it (dpkg's {@code reboot-required.pkgs}, the newer kernel)
 */
public record HostFacts(
        String hostname,
        String machineId,
        String osId,
        String osVersionId,
        String osPrettyName,
        String kernelRunning,
        List<String> kernelsInstalled,
        boolean rebootRequired,
        List<String> rebootReasons) {

    private static final int MAX_SMALL_FILE = 64 * 1024;

    public HostFacts {
        kernelsInstalled = List.copyOf(kernelsInstalled);
        rebootReasons = List.copyOf(rebootReasons);
    }

    /** The host's identity for enrollment: its name and machine id. */
    public record Identity(String hostname, String machineId) {}

    public static Identity identity(Path root) throws CollectException {
        RootFs fs = new RootFs(root);
        try {
            return new Identity(hostname(fs), firstLine(fs, "etc/machine-id").orElse(""));
        } catch (IOException e) {
            throw new CollectException("cannot read the host's identity under " + fs.root() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The kernel's boot id, {@code proc/sys/kernel/random/boot_id} under the root, trimmed; empty when it
     * cannot be read. It changes with every boot, so the server can tell that a reboot happened.
     */
    public static String bootId(Path root) {
        try {
            String id = firstLine(new RootFs(root), "proc/sys/kernel/random/boot_id")
                    .orElse("");
            return id.length() > 64 ? id.substring(0, 64) : id;
        } catch (IOException e) {
            return "";
        }
    }

    /** Everything, given what {@link RootCollector} collected from the same root. */
    public static HostFacts collect(Path root, RootCollector.Collected collected) throws CollectException {
        RootFs fs = new RootFs(root);
        try {
            Identity id =
                    new Identity(hostname(fs), firstLine(fs, "etc/machine-id").orElse(""));
            OsRelease os = osRelease(fs);
            String running = firstLine(fs, "proc/sys/kernel/osrelease").orElse(null);
            List<Kernels.Kernel> kernels = Kernels.installed(collected.inventory(), collected.database());
            Set<String> reasons = new LinkedHashSet<>();
            boolean reboot = false;
            if (collected.database().equals("dpkg")) {
                for (String flag : List.of("var/run/reboot-required", "run/reboot-required")) {
                    if (fs.resolve(flag).isPresent()) {
                        reboot = true;
                        reasons.addAll(lines(fs, flag + ".pkgs"));
                    }
                }
            }
            Optional<Kernels.Kernel> newer = Kernels.newerThanRunning(running, kernels, collected.database());
            if (newer.isPresent()) {
                reboot = true;
                Kernels.Kernel k = newer.get();
                reasons.add(
                        collected.database().equals("dpkg") ? k.packageName() : k.packageName() + "-" + k.version());
            }
            List<String> releases = new ArrayList<>();
            kernels.forEach(k -> releases.add(k.release()));
            return new HostFacts(
                    id.hostname(),
                    id.machineId(),
                    os == null ? null : os.get("ID").orElse(null),
                    os == null ? null : os.get("VERSION_ID").orElse(null),
                    os == null ? null : os.get("PRETTY_NAME").orElse(null),
                    running,
                    releases,
                    reboot,
                    new ArrayList<>(reasons));
        } catch (IOException e) {
            throw new CollectException("cannot read host facts under " + fs.root() + ": " + e.getMessage(), e);
        }
    }

    private static String hostname(RootFs fs) throws IOException, CollectException {
        for (String file : List.of("proc/sys/kernel/hostname", "etc/hostname")) {
            Optional<String> name = firstLine(fs, file);
            if (name.isPresent()) {
                return name.get();
            }
        }
        throw new CollectException("cannot tell the host name: neither proc/sys/kernel/hostname nor etc/hostname"
                + " under " + fs.root() + " has one");
    }

    private static OsRelease osRelease(RootFs fs) throws IOException {
        Optional<Path> file = fs.resolve("etc/os-release");
        if (file.isEmpty()) {
            file = fs.resolve("usr/lib/os-release");
        }
        if (file.isEmpty()) {
            return null;
        }
        try (Reader r = new InputStreamReader(Files.newInputStream(file.get()), StandardCharsets.UTF_8)) {
            return OsRelease.parse(r, file.get().toString());
        }
    }

    /** The first non-blank line of a small file, stripped; empty when the file is missing or blank. */
    private static Optional<String> firstLine(RootFs fs, String relative) throws IOException {
        return lines(fs, relative).stream().findFirst();
    }

    /** The non-blank lines of a small text file (at most 64 KiB read), stripped and made printable. */
    private static List<String> lines(RootFs fs, String relative) throws IOException {
        Optional<Path> p = fs.resolve(relative);
        if (p.isEmpty() || !Files.isRegularFile(p.get())) {
            return List.of();
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(p.get())) {
            bytes = in.readNBytes(MAX_SMALL_FILE);
        }
        List<String> out = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            String l = line.strip().replaceAll("\\p{Cntrl}", "");
            if (!l.isEmpty()) {
                out.add(l.length() > 255 ? l.substring(0, 255) : l);
            }
        }
        return out;
    }
}
