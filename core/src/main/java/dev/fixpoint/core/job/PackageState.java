package dev.fixpoint.core.job;

import java.util.Objects;

/**
 * What the package database says about one targeted package, before or after a job.
 *
 * @param name the package name
 * @param arch the architecture
 * @param version the installed version, or null when the package is not installed
 * @param status the package manager's state word: for dpkg the last word of {@code Status:} ({@code
 *     installed}, {@code half-configured}, {@code config-files}, …), {@code not-installed} when there
 *     is no entry
 */
public record PackageState(String name, String arch, String version, String status) {

    public static final String NOT_INSTALLED = "not-installed";
    public static final String INSTALLED = "installed";

    public PackageState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(status, "status");
    }

    public static PackageState absent(PackageTarget t) {
        return new PackageState(t.name(), t.arch(), null, NOT_INSTALLED);
    }

    /** Whether the package is completely installed at exactly {@code target}'s version. */
    public boolean satisfies(PackageTarget target, PackageFamily family) {
        return INSTALLED.equals(status) && version != null && family.sameVersion(version, target.version());
    }
}
