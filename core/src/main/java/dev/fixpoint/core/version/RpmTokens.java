package dev.fixpoint.core.version;

/**
 * A version string (or a range of one) cut into what {@link RpmVercmp} compares: runs of ASCII digits
 * (leading zeros dropped), runs of ASCII letters, and the {@code ~} and {@code ^} marks; separators
 * only split runs, so they are dropped. Two strings rpmvercmp calls equal have equal token lists, which
 * is what {@link #hash} relies on for {@code hashCode} consistent with the order.
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
