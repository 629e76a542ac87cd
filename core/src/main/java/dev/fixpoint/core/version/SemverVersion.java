package dev.fixpoint.core.version;

/**
 * A version parsed by {@link SemverScheme}: main version numbers and pre-release identifiers; build
 * metadata is not kept because it never takes part in the order.
 *
 * <p>Caveat inherited from node-semver: numeric pre-release identifiers compare as doubles, and the
 * first pair of identifiers that differ as text decides, so {@code 1.0.0-9007199254740993.a} equals
 * {@code 1.0.0-9007199254740992.b} while {@code -9007199254740992.b} is greater than {@code
 * -9007199254740992.a}. Equality, and therefore the order, is not transitive for identifiers above 2^53;
 * below that it is a total order. {@link #hashCode} stays consistent with {@link #equals}.
 */
final class SemverVersion extends SchemeVersion<SemverVersion> {
    private static final double TWO_POW_53 = 9_007_199_254_740_992.0;

    private final long major;
    private final long minor;
    private final long patch;
    private final String[] pre;
    /** The numeric value of each pre-release identifier as a JavaScript number, or NaN if not numeric. */
    private final double[] preNumbers;

    SemverVersion(String text, long major, long minor, long patch, String[] pre) {
        super(text, SemverVersion.class);
        this.major = major;
        this.minor = minor;
        this.patch = patch;
        this.pre = pre;
        this.preNumbers = new double[pre.length];
        for (int i = 0; i < pre.length; i++) {
            String id = pre[i];
            preNumbers[i] = isNumeric(id, 0, id.length()) ? Double.parseDouble(id) : Double.NaN;
        }
    }

    @Override
    public VersionScheme scheme() {
        return SemverScheme.INSTANCE;
    }

    static boolean isNumeric(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Digits.isAsciiDigit(s.charAt(i))) {
                return false;
            }
        }
        return to > from;
    }

    @Override
    int compareSame(SemverVersion o) {
        int c = Long.compare(major, o.major);
        if (c == 0) {
            c = Long.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Long.compare(patch, o.patch);
        }
        return c != 0 ? c : comparePre(o);
    }

    /** node-semver's {@code comparePre}: no pre-release sorts last; the first differing identifier decides. */
    private int comparePre(SemverVersion o) {
        if (pre.length == 0 || o.pre.length == 0) {
            return Integer.compare(o.pre.length == 0 ? 0 : 1, pre.length == 0 ? 0 : 1);
        }
        for (int i = 0; ; i++) {
            boolean endA = i >= pre.length;
            boolean endB = i >= o.pre.length;
            if (endA || endB) {
                return endA == endB ? 0 : (endA ? -1 : 1);
            }
            if (!pre[i].equals(o.pre[i])) {
                return compareIdentifiers(preNumbers[i], o.preNumbers[i], pre[i], o.pre[i]);
            }
        }
    }

    private static int compareIdentifiers(double a, double b, String as, String bs) {
        boolean aNum = !Double.isNaN(a);
        boolean bNum = !Double.isNaN(b);
        if (aNum && bNum) {
            return Double.compare(a, b);
        }
        if (aNum != bNum) {
            return aNum ? -1 : 1;
        }
        return Integer.signum(as.compareTo(bs));
    }

    @Override
    int orderHash() {
        int h = Long.hashCode(major) * 961 + Long.hashCode(minor) * 31 + Long.hashCode(patch);
        h = h * 31 + (pre.length == 0 ? 0 : 1);
        for (int i = 0; i < pre.length; i++) {
            if (preNumbers[i] >= TWO_POW_53) {
                // Identifiers from here on may be skipped by an equal version (see the class comment).
                return h * 31 + Double.hashCode(preNumbers[i]);
            }
            h = h * 31 + pre[i].hashCode();
        }
        return h;
    }
}
