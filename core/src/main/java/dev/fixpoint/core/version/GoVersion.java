package dev.fixpoint.core.version;

import java.util.Arrays;

/**
 * A version parsed by {@link GoScheme}: the numbers as canonical digit strings (exact at any size, as
 * x/mod compares them by length, then text) and the pre-release identifiers; build metadata is dropped.
 */
final class GoVersion extends SchemeVersion<GoVersion> {
    private final String major;
    private final String minor;
    private final String patch;
    private final String[] pre;

    GoVersion(String text, String major, String minor, String patch, String[] pre) {
        super(text, GoVersion.class);
        this.major = major;
        this.minor = minor;
        this.patch = patch;
        this.pre = pre;
    }

    @Override
    public VersionScheme scheme() {
        return GoScheme.INSTANCE;
    }

    static boolean isNumeric(String id) {
        for (int i = 0; i < id.length(); i++) {
            if (!Digits.isAsciiDigit(id.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    int compareSame(GoVersion o) {
        int c = Digits.compare(major, o.major);
        if (c == 0) {
            c = Digits.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Digits.compare(patch, o.patch);
        }
        return c != 0 ? c : comparePre(o);
    }

    /** x/mod's {@code comparePrerelease}: none sorts last, then identifier by identifier, shorter first. */
    private int comparePre(GoVersion o) {
        if (pre.length == 0 || o.pre.length == 0) {
            return Integer.compare(o.pre.length == 0 ? 0 : 1, pre.length == 0 ? 0 : 1);
        }
        int n = Math.min(pre.length, o.pre.length);
        for (int i = 0; i < n; i++) {
            int c = compareIdentifiers(pre[i], o.pre[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(pre.length, o.pre.length);
    }

    private static int compareIdentifiers(String x, String y) {
        if (x.equals(y)) {
            return 0;
        }
        boolean xNum = isNumeric(x);
        boolean yNum = isNumeric(y);
        if (xNum != yNum) {
            return xNum ? -1 : 1;
        }
        return xNum ? Digits.compare(x, y) : Integer.signum(x.compareTo(y));
    }

    @Override
    int orderHash() {
        int h = ((major.hashCode() * 31) + minor.hashCode()) * 31 + patch.hashCode();
        return h * 31 + Arrays.hashCode(pre);
    }
}
