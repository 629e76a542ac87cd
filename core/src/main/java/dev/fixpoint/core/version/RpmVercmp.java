package dev.fixpoint.core.version;

/**
 * rpm's {@code rpmvercmp()} (rpmio/rpmvercmp.c, rpm 4.18) over ranges of strings, without copying.
 *
 * <p>Hand-written: no Java library reproduces it exactly. Segments are maximal runs of ASCII digits or
 * ASCII letters; every other character separates them, and all separators are equivalent. {@code ~}
 * sorts before everything, even the end of the string; {@code ^} sorts after the end but before any
 * other segment. A numeric segment is newer than an alphabetic one; numbers compare by value (any
 * length), letters by ASCII.
 */
final class RpmVercmp {
    private RpmVercmp() {}

    static int compare(String a, String b) {
        return compare(a, 0, a.length(), b, 0, b.length());
    }

    static int compare(String s1, int one, int end1, String s2, int two, int end2) {
        // Skip the common prefix, then back up to where rpmvercmp's loop would stand: the start of the
        // alphanumeric run holding the first difference. Everything before compared equal, and the loop
        // carries no state but its positions, so resuming there gives the same answer (versions of one
        // package usually share a long prefix). Identical strings are equal, as rpmvercmp's first check.
        int n = Math.min(end1 - one, end2 - two);
        int k = 0;
        while (k < n && s1.charAt(one + k) == s2.charAt(two + k)) {
            k++;
        }
        if (k == end1 - one && k == end2 - two) {
            return 0;
        }
        while (k > 0
                && !isSeparator(s1.charAt(one + k - 1))
                && s1.charAt(one + k - 1) != '~'
                && s1.charAt(one + k - 1) != '^') {
            k--;
        }
        one += k;
        two += k;
        while (one < end1 || two < end2) {
            while (one < end1 && isSeparator(s1.charAt(one))) {
                one++;
            }
            while (two < end2 && isSeparator(s2.charAt(two))) {
                two++;
            }
            char c1 = one < end1 ? s1.charAt(one) : 0;
            char c2 = two < end2 ? s2.charAt(two) : 0;
            if (c1 == '~' || c2 == '~') {
                if (c1 != '~') {
                    return 1;
                }
                if (c2 != '~') {
                    return -1;
                }
                one++;
                two++;
                continue;
            }
            if (c1 == '^' || c2 == '^') {
                if (one >= end1) {
                    return -1;
                }
                if (two >= end2) {
                    return 1;
                }
                if (c1 != '^') {
                    return 1;
                }
                if (c2 != '^') {
                    return -1;
                }
                one++;
                two++;
                continue;
            }
            if (one >= end1 || two >= end2) {
                break;
            }
            int str1 = one;
            int str2 = two;
            boolean isNum = Digits.isAsciiDigit(c1);
            if (isNum) {
                while (str1 < end1 && Digits.isAsciiDigit(s1.charAt(str1))) {
                    str1++;
                }
                while (str2 < end2 && Digits.isAsciiDigit(s2.charAt(str2))) {
                    str2++;
                }
            } else {
                while (str1 < end1 && isAlpha(s1.charAt(str1))) {
                    str1++;
                }
                while (str2 < end2 && isAlpha(s2.charAt(str2))) {
                    str2++;
                }
            }
            if (two == str2) {
                return isNum ? 1 : -1; // different segment types: numeric is newer
            }
            if (isNum) {
                while (one < str1 && s1.charAt(one) == '0') {
                    one++;
                }
                while (two < str2 && s2.charAt(two) == '0') {
                    two++;
                }
                int len1 = str1 - one;
                int len2 = str2 - two;
                if (len1 != len2) {
                    return len1 > len2 ? 1 : -1;
                }
            }
            int rc = compareRun(s1, one, str1, s2, two, str2);
            if (rc != 0) {
                return rc;
            }
            one = str1;
            two = str2;
        }
        if (one >= end1 && two >= end2) {
            return 0;
        }
        return one >= end1 ? -1 : 1;
    }

    /** {@code strcmp} of two runs of ASCII letters or digits. */
    private static int compareRun(String s1, int a, int aEnd, String s2, int b, int bEnd) {
        while (a < aEnd && b < bEnd) {
            char x = s1.charAt(a++);
            char y = s2.charAt(b++);
            if (x != y) {
                return x < y ? -1 : 1;
            }
        }
        if (a < aEnd) {
            return 1;
        }
        return b < bEnd ? -1 : 0;
    }

    /** 1 for the characters rpmvercmp does not skip: ASCII letters and digits, {@code ~}, {@code ^}. */
    private static final boolean[] KEPT = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            KEPT[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            KEPT[c] = true;
            KEPT[c - 'a' + 'A'] = true;
        }
        KEPT['~'] = true;
        KEPT['^'] = true;
    }

    private static boolean isSeparator(char c) {
        return c >= 128 || !KEPT[c];
    }

    static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
