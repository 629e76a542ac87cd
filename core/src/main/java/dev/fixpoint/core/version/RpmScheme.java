package dev.fixpoint.core.version;

import java.util.List;

/**
 * Plain rpm version (or release) strings, ordered by {@code rpmvercmp()} — what {@code rpm.vercmp()}
 * and {@code rpmdev-vercmp} without epochs compare. For full {@code [epoch:]version-release} labels see
 * {@link RpmEvrScheme}.
 *
 * <p>rpmvercmp orders any string; like librpm's label parser, this rejects only the empty string and
 * (because rpm can never be given one) a NUL character.
 */
final class RpmScheme implements VersionScheme {
    static final RpmScheme INSTANCE = new RpmScheme();

    private RpmScheme() {}

    @Override
    public String id() {
        return "rpm";
    }

    @Override
    public List<String> aliases() {
        return List.of("rpmvercmp");
    }

    @Override
    public RpmVersion parse(String text) throws InvalidVersionException {
        check(id(), text);
        return new RpmVersion(text);
    }

    @Override
    public int compare(String a, String b) throws InvalidVersionException {
        check(id(), a);
        check(id(), b);
        return RpmVercmp.compare(a, b);
    }

    static void check(String scheme, String text) throws InvalidVersionException {
        if (text.isEmpty()) {
            throw new InvalidVersionException(scheme, text, "version is empty");
        }
        if (text.indexOf(0) >= 0) {
            throw new InvalidVersionException(scheme, text, "contains a NUL character");
        }
    }

    /** A plain rpm version string. */
    static final class RpmVersion extends SchemeVersion<RpmVersion> {
        RpmVersion(String text) {
            super(text, RpmVersion.class);
        }

        @Override
        public VersionScheme scheme() {
            return INSTANCE;
        }

        @Override
        int compareSame(RpmVersion other) {
            return RpmVercmp.compare(text(), other.text());
        }

        @Override
        int orderHash() {
            return new RpmTokens(text(), 0, text().length()).hash(0);
        }
    }
}
