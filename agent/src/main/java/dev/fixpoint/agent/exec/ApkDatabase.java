package dev.fixpoint.agent.exec;

import dev.fixpoint.core.inventory.ApkInstalledParser;
import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.inventory.InventoryParseException;
import dev.fixpoint.core.job.PackageState;
import dev.fixpoint.core.job.PackageTarget;
import dev.fixpoint.core.platform.Ecosystem;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the exact state of some packages from apk's installed database ({@code lib/apk/db/installed},
 * parsed by core's {@link ApkInstalledParser}) and the host's architecture from {@code etc/apk/arch}.
 *
 * <p>apk installs at most one package of a name, so a target is looked up by name; its state carries
 * the architecture the database records ({@code A:}), which may differ from the target's and then does
 * not satisfy it. apk keeps no half-installed state in this file: a package listed is installed. apk
 * replaces the file by renaming a complete new one into place, so a read never sees half a write.
 */
final class ApkDatabase {
    /** The architecture reported for a record without {@code A:} (very old databases): never a target's. */
    static final String UNKNOWN_ARCH = "unknown";

    private static final Ecosystem ALPINE = Ecosystem.of("Alpine");

    private final Path installed;

    ApkDatabase(Path installed) {
        this.installed = installed;
    }

    Path path() {
        return installed;
    }

    /** The state of each target, in the targets' order. */
    List<PackageState> states(List<PackageTarget> targets) throws IOException {
        Map<String, InstalledPackage> byName = new HashMap<>();
        try (Reader r = Files.newBufferedReader(installed, StandardCharsets.UTF_8)) {
            for (InstalledPackage p :
                    ApkInstalledParser.parse(r, ALPINE, installed.toString()).packages()) {
                byName.putIfAbsent(p.name(), p);
            }
        } catch (InventoryParseException e) {
            throw new IOException(e.getMessage(), e);
        }
        List<PackageState> out = new ArrayList<>(targets.size());
        for (PackageTarget t : targets) {
            InstalledPackage p = byName.get(t.name());
            out.add(
                    p == null
                            ? PackageState.absent(t)
                            : new PackageState(
                                    p.name(),
                                    p.arch() == null || p.arch().isEmpty() ? UNKNOWN_ARCH : p.arch(),
                                    p.version(),
                                    PackageState.INSTALLED));
        }
        return out;
    }

    /**
     * The host's architecture: the first line of {@code etc/apk/arch} (apk-tools 3 may list more; the
     * first is the one it installs for).
     *
     * @throws IOException when the file cannot be read or names none
     */
    static String hostArch(Path archFile) throws IOException {
        for (String line : Files.readAllLines(archFile, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        throw new IOException(archFile + " names no architecture");
    }
}
