package dev.fixpoint.core.inventory;

import dev.fixpoint.core.platform.Ecosystem;
import java.util.Objects;

/**
 * A package installed on a host (or listed in an SBOM).
 *
 * @param ecosystem the ecosystem it belongs to ({@code Debian:12} for a dpkg package on Debian 12,
 *     {@code npm} for an npm dependency)
 * @param name the binary package name
 * @param version the installed version, as the package manager records it
 * @param arch the architecture ({@code amd64}, {@code x86_64}, {@code noarch}), or null
 * @param sourceName the source package (Debian/Ubuntu {@code Source:}, Alpine origin, rpm source rpm
 *     name); equal to {@code name} when the database does not give one
 * @param sourceVersion the source package's version; equal to {@code version} when not given
 */
public record InstalledPackage(
        Ecosystem ecosystem, String name, String version, String arch, String sourceName, String sourceVersion) {

    public InstalledPackage {
        Objects.requireNonNull(ecosystem, "ecosystem");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        sourceName = sourceName == null || sourceName.isEmpty() ? name : sourceName;
        sourceVersion = sourceVersion == null || sourceVersion.isEmpty() ? version : sourceVersion;
    }

    public InstalledPackage(Ecosystem ecosystem, String name, String version, String arch) {
        this(ecosystem, name, version, arch, null, null);
    }
}
