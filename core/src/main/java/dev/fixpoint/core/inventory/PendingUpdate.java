package dev.fixpoint.core.inventory;

import java.util.Objects;

/**
 * An update the host's package manager would install.
 *
 * @param name the binary package
 * @param arch its architecture, or null
 * @param installed the installed version, or null for a new package pulled in
 * @param available the version the update installs
 * @param origin where it comes from, as the package manager names it ({@code
 *     Debian-Security:12/stable-security}, {@code baseos}), or null
 * @param security whether it comes from a security archive or is flagged as a security update; null
 *     when the package manager cannot say (apk)
 */
public record PendingUpdate(
        String name, String arch, String installed, String available, String origin, Boolean security) {
    public PendingUpdate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(available, "available");
    }
}
