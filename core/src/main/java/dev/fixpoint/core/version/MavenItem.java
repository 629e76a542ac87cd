package dev.fixpoint.core.version;

import java.util.List;

/**
 * One non-list item of a Maven version (a typed number or a qualifier) and the comparison rules of
 * Maven 3.9's {@code ComparableVersion} items and lists.
 *
 * <p>A parsed version is a chain of lists ({@code 1.0-alpha-1} is {@code [1, [alpha, [1]]]}): each
 * list's last element may be the next list and nothing follows it. It is stored flat, as {@code
 * MavenItem[][]}, list {@code k} having list {@code k + 1} as its last element. Comparing two chains
 * only ever recurses into the last elements, so the comparison here is a loop and cannot overflow the
 * stack the way maven-artifact's recursion does on very deep inputs.
 */
final class MavenItem {
    /** Kinds, in Maven's order between numbers of different kinds (not by value!). */
    static final int INT = 0;

    static final int LONG = 1;
    static final int BIG_INTEGER = 2;
    static final int STRING = 3;

    private static final List<String> QUALIFIERS = List.of("alpha", "beta", "milestone", "rc", "snapshot", "", "sp");
    private static final int RELEASE = QUALIFIERS.indexOf("");
    private static final int UNKNOWN = QUALIFIERS.size();

    static final MavenItem ZERO = new MavenItem(INT, "0");

    private final int kind;
    /** Canonical ASCII digits for numbers; the qualifier after aliasing for strings. */
    private final String value;
    /** For qualifiers: the index in {@link #QUALIFIERS}, or {@link #UNKNOWN}. */
    private final int rank;

    private MavenItem(int kind, String value) {
        this.kind = kind;
        this.value = value;
        this.rank = kind == STRING ? rankOf(value) : 0;
    }

    static MavenItem number(int kind, String canonicalDigits) {
        return new MavenItem(kind, canonicalDigits);
    }

    /** A qualifier; {@code a1}, {@code b1}, {@code m1} mean alpha, beta, milestone; ga/final/release mean "". */
    static MavenItem qualifier(String lowerCase, boolean followedByDigit) {
        String q = lowerCase;
        if (followedByDigit && q.length() == 1) {
            q = switch (q.charAt(0)) {
                case 'a' -> "alpha";
                case 'b' -> "beta";
                case 'm' -> "milestone";
                default -> q;
            };
        }
        q = switch (q) {
            case "ga", "final", "release" -> "";
            case "cr" -> "rc";
            default -> q;
        };
        return new MavenItem(STRING, q);
    }

    private static int rankOf(String qualifier) {
        int i = QUALIFIERS.indexOf(qualifier);
        return i < 0 ? UNKNOWN : i;
    }

    /** Zero, or the release qualifier: dropped when trailing. */
    boolean isNull() {
        return kind == STRING ? rank == RELEASE : value.equals("0");
    }

    /** Compared with a missing item ({@code 1.0 == 1}, {@code 1-rc < 1}, {@code 1-sp > 1}). */
    int compareToNull() {
        return kind == STRING ? Integer.compare(rank, RELEASE) : (isNull() ? 0 : 1);
    }

    int compareTo(MavenItem o) {
        if (kind == STRING || o.kind == STRING) {
            if (kind != o.kind) {
                return kind == STRING ? -1 : 1; // 1.any < 1.1
            }
            if (rank != o.rank || rank != UNKNOWN) {
                return Integer.compare(rank, o.rank);
            }
            return Integer.signum(value.compareTo(o.value));
        }
        return kind != o.kind ? Integer.compare(kind, o.kind) : Digits.compare(value, o.value);
    }

    /** Compares two parsed versions (chains of lists). */
    static int compareLists(MavenItem[][] a, MavenItem[][] b) {
        int ia = 0;
        int ib = 0;
        while (true) {
            int lenA = a[ia].length + (ia + 1 < a.length ? 1 : 0);
            int lenB = b[ib].length + (ib + 1 < b.length ? 1 : 0);
            int n = Math.max(lenA, lenB);
            int i = 0;
            while (i < n && !(i == a[ia].length && i < lenA && i == b[ib].length && i < lenB)) {
                int c = compareElements(a, ia, lenA, b, ib, lenB, i);
                if (c != 0) {
                    return c;
                }
                i++;
            }
            if (i == n) {
                return 0;
            }
            ia++; // both lists end with a sub-list at i: those decide (a tail call in maven-artifact)
            ib++;
        }
    }

    /**
     * Element {@code i} of list {@code ia} of {@code a} against element {@code i} of list {@code ib} of
     * {@code b}, at most one of them being a sub-list; an element past the end is "null".
     */
    private static int compareElements(MavenItem[][] a, int ia, int lenA, MavenItem[][] b, int ib, int lenB, int i) {
        MavenItem[] x = a[ia];
        MavenItem[] y = b[ib];
        if (i >= lenA) {
            return i < y.length ? -y[i].compareToNull() : -listToNull(b, ib + 1);
        }
        if (i >= lenB) {
            return i < x.length ? x[i].compareToNull() : listToNull(a, ia + 1);
        }
        if (i == x.length) { // a list against an item: 1-1 < 1.1, 1-1 > 1-sp
            return y[i].kind == STRING ? 1 : -1;
        }
        if (i == y.length) {
            return x[i].kind == STRING ? -1 : 1;
        }
        return x[i].compareTo(y[i]);
    }

    /** List {@code k} of a chain compared with a missing item: its first element not equal to nothing decides. */
    private static int listToNull(MavenItem[][] chain, int k) {
        for (int list = k; list < chain.length; list++) {
            for (MavenItem item : chain[list]) {
                int c = item.compareToNull();
                if (c != 0) {
                    return c;
                }
            }
        }
        return 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MavenItem m && m.kind == kind && m.value.equals(value);
    }

    @Override
    public int hashCode() {
        return kind * 31 + value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
