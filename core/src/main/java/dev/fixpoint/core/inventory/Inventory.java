package dev.fixpoint.core.inventory;

import dev.fixpoint.core.platform.Ecosystem;
import java.util.List;

/**
 * What one host (or image, or SBOM) has installed.
 *
 * @param ecosystem the operating system's ecosystem ({@code Debian:12}), or null when unknown (an SBOM
 *     of application dependencies, or an input without os-release and no {@code --os})
 * @param packages the installed packages, each with its own ecosystem
 * @param origin what was read, for messages: a path, {@code /} for the live system, or a label
 */
public record Inventory(Ecosystem ecosystem, List<InstalledPackage> packages, String origin) {
    public Inventory {
        packages = List.copyOf(packages);
    }
}
