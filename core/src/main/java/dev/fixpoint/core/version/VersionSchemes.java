package dev.fixpoint.core.version;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The registry of version schemes Fixpoint implements, found by id or alias. */
public final class VersionSchemes {

    /** Every comparator registers here, in the order the CLI lists them. */
    private static final List<VersionScheme> ALL = List.of(
            DpkgScheme.INSTANCE, // libdpkg; Debian, Ubuntu
            RpmScheme.INSTANCE, // rpmvercmp on plain version strings
            RpmEvrScheme.INSTANCE, // librpm [epoch:]version-release; RHEL family, SUSE
            ApkScheme.INSTANCE, // apk-tools; Alpine, Wolfi
            SemverScheme.INSTANCE, // node-semver strict; OSV SEMVER, npm, crates.io
            Pep440Scheme.INSTANCE, // pypa/packaging Version
            MavenScheme.INSTANCE, // Maven 3.9 ComparableVersion
            GoScheme.INSTANCE // golang.org/x/mod/semver
            );

    private static final Map<String, VersionScheme> BY_NAME = index(ALL);

    private VersionSchemes() {}

    /** All schemes, in a stable order. */
    public static List<VersionScheme> all() {
        return ALL;
    }

    /** The scheme with this id or alias (case-insensitive; {@code _} and {@code -} are the same). */
    public static Optional<VersionScheme> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(normalise(name)));
    }

    private static Map<String, VersionScheme> index(List<VersionScheme> schemes) {
        Map<String, VersionScheme> map = new HashMap<>();
        for (VersionScheme s : schemes) {
            map.put(normalise(s.id()), s);
            for (String alias : s.aliases()) {
                map.put(normalise(alias), s);
            }
        }
        return Map.copyOf(map);
    }

    private static String normalise(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
