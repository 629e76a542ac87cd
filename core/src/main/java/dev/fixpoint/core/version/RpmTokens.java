package dev.fixpoint.core.version;

/**
 * A version string (or a range of one) cut into what {@link RpmVercmp} compares: runs of ASCII digits,
 * runs of ASCII letters, and the {@code ~} and {@code ^} marks; separators only split runs, so they are
 * dropped. Comparing two token lists gives exactly rpmvercmp's answer, without rescanning characters —
 * this is what parsed rpm versions keep. Numbers of up to 18 digits are also kept as {@code long}s.
 */
final class RpmTokens {
    static final byte DIGITS = 1;
    static final byte LETTERS = 2;
    static final byte TILDE = 3;
    static final byte CARET = 4;

    private final String s;
    private final byte[] kind;
    private final int[] start; // for DIGITS, after the leading zeros
    private final int[] end;
    private final long[] number; // DIGITS of at most 18 significant digits, else -1
    private final int count;

    RpmTokens(String s, int from, int to) {
        this.s = s;
        int n = 0;
        byte[] k = new byte[8];
        int[] st = new int[8];
        int[] en = new int[8];
        long[] num = new long[8];
        int i = from;
        while (i < to) {
            char c = s.charAt(i);
            byte type;
            int a = i;
            long value = -1;
            if (c == '~' || c == '^') {
                type = c == '~' ? TILDE : CARET;
                i++;
            } else if (Digits.isAsciiDigit(c)) {
                type = DIGITS;
                while (i < to && s.charAt(i) == '0') {
                    i++;
                }
                a = i;
                while (i < to && Digits.isAsciiDigit(s.charAt(i))) {
                    i++;
                }
                if (i - a <= 18) {
                    value = 0;
                    for (int j = a; j < i; j++) {
                        value = value * 10 + (s.charAt(j) - '0');
                    }
                }
            } else if (RpmVercmp.isAlpha(c)) {
                type = LETTERS;
                while (i < to && RpmVercmp.isAlpha(s.charAt(i))) {
                    i++;
                }
            } else {
                i++;
                continue;
            }
            if (n == k.length) {
                k = java.util.Arrays.copyOf(k, n * 2);
                st = java.util.Arrays.copyOf(st, n * 2);
                en = java.util.Arrays.copyOf(en, n * 2);
                num = java.util.Arrays.copyOf(num, n * 2);
            }
            k[n] = type;
            st[n] = a;
            en[n] = i;
            num[n] = value;
            n++;
        }
        this.kind = k;
        this.start = st;
        this.end = en;
        this.number = num;
        this.count = n;
    }

    /** rpmvercmp of the two token lists (see {@link RpmVercmp}). */
    int compareTo(RpmTokens o) {
        int i = 0;
        int j = 0;
        while (true) {
            byte a = i < count ? kind[i] : 0;
            byte b = j < o.count ? o.kind[j] : 0;
            if (a == TILDE || b == TILDE) {
                if (a != TILDE) {
                    return 1;
                }
                if (b != TILDE) {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            if (a == CARET || b == CARET) {
                if (a == 0) {
                    return -1;
                }
                if (b == 0) {
                    return 1;
                }
                if (a != CARET) {
                    return 1;
                }
                if (b != CARET) {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            if (a == 0 || b == 0) {
                return a == 0 && b == 0 ? 0 : a == 0 ? -1 : 1;
            }
            if (a != b) {
                return a == DIGITS ? 1 : -1; // a number is newer than letters
            }
            int rc;
            if (a == DIGITS) {
                long x = number[i];
                long y = o.number[j];
                if (x >= 0 && y >= 0) {
                    rc = Long.compare(x, y);
                } else {
                    int lx = end[i] - start[i];
                    int ly = o.end[j] - o.start[j];
                    rc = lx != ly ? Integer.compare(lx, ly) : run(o, i, j);
                }
            } else {
                rc = run(o, i, j);
            }
            if (rc != 0) {
                return rc < 0 ? -1 : 1;
            }
            i++;
            j++;
        }
    }

    private int run(RpmTokens o, int i, int j) {
        int p = start[i];
        int q = o.start[j];
        int pe = end[i];
        int qe = o.end[j];
        while (p < pe && q < qe) {
            char x = s.charAt(p++);
            char y = o.s.charAt(q++);
            if (x != y) {
                return x < y ? -1 : 1;
            }
        }
        return Integer.compare(pe - p, qe - q);
    }

    /** Equal token lists hash alike. */
    int hash(int h) {
        for (int i = 0; i < count; i++) {
            h = h * 31 + kind[i];
            for (int p = start[i]; p < end[i]; p++) {
                h = h * 31 + s.charAt(p);
            }
        }
        return h;
    }
}
