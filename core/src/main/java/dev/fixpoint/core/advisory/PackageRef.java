package dev.fixpoint.core.advisory;

import dev.fixpoint.core.platform.Ecosystem;
import java.util.Objects;

/**
 * The package an advisory concerns, in one ecosystem. For Debian and Ubuntu the name is the
 * <em>source</em> package; for rpm distributions the binary package; for Alpine the origin package.
 *
 * @param purl the package-url as the source gives it, or null
 */
public record PackageRef(Ecosystem ecosystem, String name, String purl) {
    public PackageRef {
        Objects.requireNonNull(ecosystem, "ecosystem");
        Objects.requireNonNull(name, "name");
    }

    public PackageRef(Ecosystem ecosystem, String name) {
        this(ecosystem, name, null);
    }
}
