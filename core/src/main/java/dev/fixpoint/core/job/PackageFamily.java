package dev.fixpoint.core.job;

import dev.fixpoint.core.platform.Ecosystem;
import dev.fixpoint.core.version.InvalidVersionException;
import dev.fixpoint.core.version.VersionScheme;
import dev.fixpoint.core.version.VersionSchemes;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A package manager family and the grammar of what a job may hand it. Everything is ASCII and
 * whitelisted: a string with a blank, a control character, a shell metacharacter, a path separator, a
 * non-ASCII look-alike or a leading {@code -} (which a package manager would read as an option) never
 * matches. On top of the character rules, versions must parse in the family's {@link VersionScheme}
 * (what it rejects is rejected here), and architectures come from a fixed list.
 *
 * <table>
 *   <caption>Grammars</caption>
 *   <tr><th>family</th><th>name</th><th>version</th><th>arch</th></tr>
 *   <tr><td>DPKG (apt)</td><td>{@code [a-z0-9][a-z0-9+.-]+} (Debian policy 5.6.1)</td>
 *       <td>{@code [epoch:]upstream[-revision]}, epoch digits, upstream starting with a digit, then
 *       {@code [A-Za-z0-9.+~-]} (policy 5.6.12; no colon after the epoch), and dpkg's parser</td>
 *       <td>{@code all amd64 arm64 armel armhf i386 mips64el mipsel ppc64el riscv64 s390x}</td></tr>
 *   <tr><td>RPM (dnf)</td><td>{@code [A-Za-z0-9][A-Za-z0-9._+-]*}</td>
 *       <td>{@code [epoch:]version-release}, both parts {@code [A-Za-z0-9][A-Za-z0-9._+~^]*}, a release
 *       required (an exact version names one build), and the rpm EVR parser</td>
 *       <td>{@code noarch x86_64 aarch64 i686 ppc64le s390x armv7hl riscv64}</td></tr>
 *   <tr><td>APK</td><td>{@code [A-Za-z0-9][A-Za-z0-9._+-]*}</td>
 *       <td>{@code [0-9][A-Za-z0-9._~-]*}, valid for {@code apk version -c}</td>
 *       <td>{@code noarch x86_64 x86 aarch64 armhf armv7 ppc64le s390x riscv64 loongarch64}</td></tr>
 * </table>
 *
 * <p>Names are at most {@value #MAX_NAME} characters and versions at most {@value #MAX_VERSION}.
 */
public enum PackageFamily {
    DPKG(
            "dpkg",
            Pattern.compile("[a-z0-9][a-z0-9+.-]+"),
            Pattern.compile("(?:[0-9]{1,9}:)?[0-9][A-Za-z0-9.+~-]*"),
            Set.of(
                    "all",
                    "amd64",
                    "arm64",
                    "armel",
                    "armhf",
                    "i386",
                    "mips64el",
                    "mipsel",
                    "ppc64el",
                    "riscv64",
                    "s390x")),
    RPM(
            "rpm-evr",
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*"),
            Pattern.compile("(?:[0-9]{1,9}:)?[A-Za-z0-9][A-Za-z0-9._+~^]*-[A-Za-z0-9][A-Za-z0-9._+~^]*"),
            Set.of("noarch", "x86_64", "aarch64", "i686", "ppc64le", "s390x", "armv7hl", "riscv64")),
    APK(
            "apk",
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*"),
            Pattern.compile("[0-9][A-Za-z0-9._~-]*"),
            Set.of(
                    "noarch",
                    "x86_64",
                    "x86",
                    "aarch64",
                    "armhf",
                    "armv7",
                    "ppc64le",
                    "s390x",
                    "riscv64",
                    "loongarch64"));

    public static final int MAX_NAME = 128;
    public static final int MAX_VERSION = 128;

    private final VersionScheme scheme;
    private final Pattern name;
    private final Pattern version;
    private final Set<String> arches;

    PackageFamily(String schemeId, Pattern name, Pattern version, Set<String> arches) {
        this.scheme = VersionSchemes.byName(schemeId).orElseThrow();
        this.name = name;
        this.version = version;
        this.arches = arches;
    }

    /** The family of a distribution's package manager; empty for language ecosystems and unknowns. */
    public static Optional<PackageFamily> of(Ecosystem.Family f) {
        String purl = f.distribution() ? f.purlType() : null;
        if ("deb".equals(purl)) {
            return Optional.of(DPKG);
        }
        if ("rpm".equals(purl)) {
            return Optional.of(RPM);
        }
        if ("apk".equals(purl)) {
            return Optional.of(APK);
        }
        return Optional.empty();
    }

    public VersionScheme scheme() {
        return scheme;
    }

    /** The architectures a job may name. */
    public Set<String> arches() {
        return arches;
    }

    /** Checks every package of {@code job}. */
    public void check(Job job) throws InvalidJobException {
        for (int i = 0; i < job.packages().size(); i++) {
            try {
                check(job.packages().get(i));
            } catch (InvalidJobException e) {
                throw new InvalidJobException("job " + job.id() + ", package " + (i + 1) + ": " + e.getMessage());
            }
        }
    }

    /** Checks one target's name, version and architecture. */
    public void check(PackageTarget t) throws InvalidJobException {
        checkName(t.name());
        checkVersion(t.version());
        checkArch(t.arch());
    }

    public void checkName(String s) throws InvalidJobException {
        if (s.length() > MAX_NAME) {
            throw invalid("name", s, "longer than " + MAX_NAME + " characters");
        }
        if (!name.matcher(s).matches()) {
            throw invalid("name", s, "not a " + this + " package name " + name.pattern());
        }
    }

    public void checkVersion(String s) throws InvalidJobException {
        if (s.length() > MAX_VERSION) {
            throw invalid("version", s, "longer than " + MAX_VERSION + " characters");
        }
        if (!version.matcher(s).matches()) {
            throw invalid("version", s, "not a " + this + " version " + version.pattern());
        }
        try {
            scheme.parse(s);
        } catch (InvalidVersionException e) {
            throw invalid("version", s, e.reason());
        }
    }

    public void checkArch(String s) throws InvalidJobException {
        if (!arches.contains(s)) {
            throw invalid("arch", s, "not one of " + new java.util.TreeSet<>(arches));
        }
    }

    /**
     * Whether two versions are the same string as the package manager records it: identical, or
     * identical once an explicit zero epoch ({@code 0:}) is dropped (dpkg and rpm record {@code 1.0}
     * for {@code 0:1.0}). Deliberately not "compares equal": dpkg orders {@code 1.0} and {@code 1.00}
     * alike, yet they are different packages.
     */
    public boolean sameVersion(String a, String b) {
        if (this == APK) {
            return a.equals(b);
        }
        return dropZeroEpoch(a).equals(dropZeroEpoch(b));
    }

    private static String dropZeroEpoch(String v) {
        int i = 0;
        while (i < v.length() && v.charAt(i) == '0') {
            i++;
        }
        return i > 0 && i < v.length() && v.charAt(i) == ':' ? v.substring(i + 1) : v;
    }

    private InvalidJobException invalid(String field, String value, String why) {
        return new InvalidJobException("invalid " + field + " " + Strings.quote(value) + ": " + why);
    }
}
