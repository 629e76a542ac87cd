package dev.fixpoint.core.job;

import java.util.Objects;

/**
 * One package a job puts into an exact state. Only presence is checked here; {@link
 * PackageFamily#check(PackageTarget)} checks the strings against the host's package manager.
 *
 * @param name the binary package name
 * @param version the exact version, as the package manager spells it ({@code 3.0.13-1~deb12u1},
 *     {@code 1:3.0.7-27.el9}, {@code 3.1.4-r5})
 * @param arch the architecture ({@code amd64}, {@code all}, {@code x86_64}, {@code noarch})
 */
public record PackageTarget(String name, String version, String arch) {

    public PackageTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(arch, "arch");
    }

    /** {@code name:arch}, the key under which a host has at most one installed version. */
    public String key() {
        return name + ":" + arch;
    }
}
