package dev.fixpoint.core.version;

/**
 * Arbitrary-precision natural numbers kept as canonical ASCII digit strings (no leading zeros, "0" for
 * zero). Comparing by length, then digit by digit, is exact for any size and needs no {@code BigInteger}
 * arithmetic, which matters for hostile inputs with thousands of digits.
 */
final class Digits {
    private Digits() {}

    /** The digits of {@code s[from, to)} (ASCII {@code 0-9} only) without leading zeros. */
    static String canonical(String s, int from, int to) {
        int i = from;
        while (i < to - 1 && s.charAt(i) == '0') {
            i++;
        }
        return s.substring(i, to);
    }

    /** Compares two canonical digit strings numerically. */
    static int compare(String a, String b) {
        if (a.length() != b.length()) {
            return a.length() < b.length() ? -1 : 1;
        }
        return Integer.signum(a.compareTo(b));
    }

    static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** How a character is shown in a reason: itself if printable ASCII, else {@code U+XXXX}. */
    static String describe(char c) {
        if (c > ' ' && c < 0x7f) {
            return "'" + c + "'";
        }
        return String.format("U+%04X", (int) c);
    }
}
