package dev.fixpoint.core.platform;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A package ecosystem, named as OSV names it: {@code Debian:12}, {@code Ubuntu:22.04:LTS}, {@code
 * AlmaLinux:9}, {@code Alpine:v3.18}, {@code Red Hat:enterprise_linux:9::appstream}, {@code npm},
 * {@code Maven}, ...
 *
 * <p>The part before the first colon is the {@link #base() base} (the distribution or language), the
 * rest is the release and its qualifiers. The base decides the {@link Family family}, and with it
 * the version scheme and the package-identity rules.
 */
public record Ecosystem(String name) {

    public Ecosystem {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("ecosystem name is blank");
        }
        if (!name.equals(name.strip())) {
            throw new IllegalArgumentException("ecosystem name has leading or trailing blanks: \"" + name + "\"");
        }
    }

    public static Ecosystem of(String name) {
        return new Ecosystem(name);
    }

    /** The part before the first colon: {@code Debian}, {@code Red Hat}, {@code npm}. */
    public String base() {
        int i = name.indexOf(':');
        return i < 0 ? name : name.substring(0, i);
    }

    /**
     * The release as the distribution spells it, or empty for language ecosystems: {@code 12} for
     * {@code Debian:12}, {@code 22.04} for {@code Ubuntu:22.04:LTS} and {@code Ubuntu:Pro:22.04:LTS},
     * {@code v3.18} for {@code Alpine:v3.18}, {@code 9} for {@code Red Hat:enterprise_linux:9::baseos}.
     */
    public String release() {
        String[] parts = name.split(":", -1);
        if (parts.length < 2) {
            return "";
        }
        Family f = family();
        if (f == Family.UBUNTU && parts[1].equals("Pro") && parts.length > 2) {
            return parts[2];
        }
        if (f == Family.RED_HAT && parts.length > 2) {
            return parts[2]; // Red Hat:<product stream>:<release>::<repository>
        }
        return parts[1];
    }

    /** The family this ecosystem belongs to, {@link Family#OTHER} when Fixpoint does not know it. */
    public Family family() {
        return Family.ofBase(base());
    }

    /** The id of the version scheme that orders this ecosystem's versions, if Fixpoint has one. */
    public Optional<String> schemeId() {
        return Optional.ofNullable(family().schemeId());
    }

    /** Whether this is an operating-system distribution (as opposed to a language ecosystem). */
    public boolean isDistribution() {
        return family().distribution();
    }

    /**
     * Whether advisories published for {@code advisoryEcosystem} apply to packages installed in this
     * (host) ecosystem: both have the same {@link #matchKey() match key}.
     */
    public boolean covers(Ecosystem advisoryEcosystem) {
        return matchKey().equals(advisoryEcosystem.matchKey());
    }

    /**
     * The key under which host and advisory ecosystems meet. Language ecosystems and most
     * distributions use family and release ({@code Debian:12}, {@code Alpine:v3.18}, {@code npm}).
     * Ubuntu ignores the {@code LTS} qualifier but keeps {@code Pro} advisories apart ({@code
     * Ubuntu:22.04}, {@code Ubuntu:Pro:22.04}). Red Hat's {@code enterprise_linux} stream of a major
     * release, from any repository, meets a host's {@code Red Hat:9}; other streams ({@code rhel_eus},
     * {@code rhel_aus}, ...) keep their own key, which a plain RHEL host does not take.
     */
    public String matchKey() {
        Family f = family();
        if (f == Family.OTHER) {
            return name;
        }
        return switch (f) {
            case UBUNTU -> name.startsWith("Ubuntu:Pro:") ? "Ubuntu:Pro:" + release() : "Ubuntu:" + release();
            case RED_HAT -> redHatMatchKey();
            default -> release().isEmpty() ? f.base() : f.base() + ":" + release();
        };
    }

    /**
     * A package name as this ecosystem compares names: PyPI names are normalised per PEP 503 ({@code
     * Foo_Bar.baz} → {@code foo-bar-baz}); every other ecosystem compares names exactly.
     */
    public String matchName(String packageName) {
        if (family() == Family.PYPI) {
            return packageName.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
        }
        return packageName;
    }

    private String redHatMatchKey() {
        String[] parts = name.split(":", -1);
        if (parts.length <= 2) {
            return "Red Hat:" + major(parts.length == 2 ? parts[1] : "");
        }
        String stream = parts[1];
        return stream.equals("enterprise_linux") ? "Red Hat:" + major(parts[2]) : "Red Hat:" + stream + ":" + parts[2];
    }

    private static String major(String release) {
        int dot = release.indexOf('.');
        return dot < 0 ? release : release.substring(0, dot);
    }

    @Override
    public String toString() {
        return name;
    }

    /** The ecosystems Fixpoint knows, with their version scheme and purl type. */
    public enum Family {
        DEBIAN("Debian", "dpkg", "deb", true),
        UBUNTU("Ubuntu", "dpkg", "deb", true),
        ALMALINUX("AlmaLinux", "rpm-evr", "rpm", true),
        ROCKY("Rocky Linux", "rpm-evr", "rpm", true),
        RED_HAT("Red Hat", "rpm-evr", "rpm", true),
        SUSE("SUSE", "rpm-evr", "rpm", true),
        OPENSUSE("openSUSE", "rpm-evr", "rpm", true),
        MAGEIA("Mageia", "rpm-evr", "rpm", true),
        ALPINE("Alpine", "apk", "apk", true),
        WOLFI("Wolfi", "apk", "apk", true),
        CHAINGUARD("Chainguard", "apk", "apk", true),
        NPM("npm", "semver", "npm", false),
        CRATES_IO("crates.io", "semver", "cargo", false),
        PYPI("PyPI", "pep440", "pypi", false),
        MAVEN("Maven", "maven", "maven", false),
        GO("Go", "go", "golang", false),
        OTHER("", null, null, false);

        private final String base;
        private final String schemeId;
        private final String purlType;
        private final boolean distribution;

        Family(String base, String schemeId, String purlType, boolean distribution) {
            this.base = base;
            this.schemeId = schemeId;
            this.purlType = purlType;
            this.distribution = distribution;
        }

        public String base() {
            return base;
        }

        /** The version scheme id, or null when Fixpoint has no comparator for this family. */
        public String schemeId() {
            return schemeId;
        }

        /** The package-url type ({@code deb}, {@code rpm}, {@code apk}, {@code npm}, ...), or null. */
        public String purlType() {
            return purlType;
        }

        public boolean distribution() {
            return distribution;
        }

        static Family ofBase(String base) {
            for (Family f : values()) {
                if (f != OTHER && f.base.equals(base)) {
                    return f;
                }
            }
            // OSV spells these in one case; accept other spellings from hand-written input.
            for (Family f : values()) {
                if (f != OTHER && f.base.toLowerCase(Locale.ROOT).equals(base.toLowerCase(Locale.ROOT))) {
                    return f;
                }
            }
            return OTHER;
        }
    }
}
