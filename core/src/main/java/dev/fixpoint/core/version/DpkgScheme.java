package dev.fixpoint.core.version;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Debian package versions, {@code [epoch:]upstream[-revision]}, as dpkg orders them.
 *
 * <p>Hand-written because no maintained Java library reproduces libdpkg exactly; this follows
 * {@code lib/dpkg/parsehelp.c parseversion()} and {@code lib/dpkg/version.c verrevcmp()} of dpkg 1.21
 * (Debian 12) line by line, and is checked against libdpkg itself ({@code tools/oracles}).
 *
 * <p>Rejected, as dpkg rejects them with an error: embedded blanks, an epoch that is empty, not a
 * number, negative or above 2<sup>31</sup>−1, nothing after the colon, an empty upstream version, an
 * empty revision ({@code 1.0-}); also a NUL character, which dpkg can never be given. Accepted, as
 * {@code dpkg --compare-versions} accepts them after a warning: an upstream version not starting with
 * a digit, and characters outside dpkg's alphabet (non-ASCII ones compare by their UTF-8 bytes, as in
 * C). The empty string and {@code <unknown>} are dpkg's blank version, below every other.
 */
final class DpkgScheme implements VersionScheme {
    static final DpkgScheme INSTANCE = new DpkgScheme();

    private DpkgScheme() {}

    @Override
    public String id() {
        return "dpkg";
    }

    @Override
    public List<String> aliases() {
        return List.of("deb", "debian");
    }

    @Override
    public DpkgVersion parse(String text) throws InvalidVersionException {
        if (text.isEmpty() || text.equals("<unknown>")) {
            return new DpkgVersion(text, text, 0, 0, 0, 0, 0, true);
        }
        String s = text;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                throw invalid(text, "contains a NUL character");
            }
            if (c >= 0x80) {
                s = bytesAsChars(text);
                break;
            }
        }
        int start = 0;
        int len = s.length();
        while (start < len && isBlank(s.charAt(start))) {
            start++;
        }
        int end = start;
        while (end < len && !isBlank(s.charAt(end))) {
            end++;
        }
        for (int i = end; i < len; i++) {
            if (!isBlank(s.charAt(i))) {
                throw invalid(text, "version string has embedded spaces");
            }
        }
        int epoch = 0;
        int versionStart = start;
        int colon = s.indexOf(':', start);
        if (colon >= 0 && colon < end) {
            epoch = epoch(text, s, start, colon);
            if (colon + 1 >= len) {
                throw invalid(text, "nothing after colon in version number");
            }
            versionStart = colon + 1;
        }
        int hyphen = s.lastIndexOf('-', end - 1);
        int versionEnd = end;
        int revisionStart = end;
        if (hyphen >= versionStart) {
            if (hyphen + 1 == end) {
                throw invalid(text, "revision number is empty");
            }
            versionEnd = hyphen;
            revisionStart = hyphen + 1;
        }
        if (versionEnd <= versionStart) {
            throw invalid(text, "version number is empty");
        }
        return new DpkgVersion(text, s, epoch, versionStart, versionEnd, revisionStart, end, false);
    }

    @Override
    public int compare(String a, String b) throws InvalidVersionException {
        return parse(a).compareSame(parse(b));
    }

    /** {@code strtol(s, &end, 10)} up to the colon, with parseversion's checks. */
    private static int epoch(String text, String s, int from, int colon) throws InvalidVersionException {
        int i = from;
        while (i < colon && isCSpace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < colon && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int digits = i;
        long value = 0;
        while (i < s.length() && Digits.isAsciiDigit(s.charAt(i))) {
            if (value <= Integer.MAX_VALUE) {
                value = value * 10 + (s.charAt(i) - '0');
            }
            i++;
        }
        if (i == digits) {
            throw invalid(text, "epoch in version is empty");
        }
        if (i != colon) {
            throw invalid(text, "epoch in version is not number");
        }
        if (negative && value != 0) {
            throw invalid(text, "epoch in version is negative");
        }
        if (value > Integer.MAX_VALUE) {
            throw invalid(text, "epoch in version is too big");
        }
        return (int) value;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isCSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** The UTF-8 bytes of a string as chars 0-255, so that comparing chars compares bytes as C does. */
    private static String bytesAsChars(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static InvalidVersionException invalid(String text, String reason) {
        return new InvalidVersionException("dpkg", text, reason);
    }

    /** dpkg's {@code verrevcmp} over {@code a[ai, ae)} and {@code b[bi, be)}. */
    static int verrevcmp(String a, int ai, int ae, String b, int bi, int be) {
        // Skip the common prefix and resume where the loop would stand: in a non-digit stretch at the
        // difference itself, in a digit run at its start. What came before compared equal, and the loop
        // keeps no other state, so the answer is the same (versions of one package share long prefixes).
        int n = Math.min(ae - ai, be - bi);
        int k = 0;
        while (k < n && a.charAt(ai + k) == b.charAt(bi + k)) {
            k++;
        }
        if (k == ae - ai && k == be - bi) {
            return 0;
        }
        while (k > 0 && Digits.isAsciiDigit(a.charAt(ai + k - 1))) {
            k--;
        }
        ai += k;
        bi += k;
        while (ai < ae || bi < be) {
            int firstDiff = 0;
            while ((ai < ae && !Digits.isAsciiDigit(a.charAt(ai))) || (bi < be && !Digits.isAsciiDigit(b.charAt(bi)))) {
                int ac = ai < ae ? order(a.charAt(ai)) : 0;
                int bc = bi < be ? order(b.charAt(bi)) : 0;
                if (ac != bc) {
                    return ac - bc;
                }
                ai++;
                bi++;
            }
            while (ai < ae && a.charAt(ai) == '0') {
                ai++;
            }
            while (bi < be && b.charAt(bi) == '0') {
                bi++;
            }
            while (ai < ae && bi < be && Digits.isAsciiDigit(a.charAt(ai)) && Digits.isAsciiDigit(b.charAt(bi))) {
                if (firstDiff == 0) {
                    firstDiff = a.charAt(ai) - b.charAt(bi);
                }
                ai++;
                bi++;
            }
            if (ai < ae && Digits.isAsciiDigit(a.charAt(ai))) {
                return 1;
            }
            if (bi < be && Digits.isAsciiDigit(b.charAt(bi))) {
                return -1;
            }
            if (firstDiff != 0) {
                return firstDiff;
            }
        }
        return 0;
    }

    /** dpkg's {@code order()}: digits 0, letters themselves, {@code ~} first, other ASCII after letters. */
    private static int order(char c) {
        if (Digits.isAsciiDigit(c)) {
            return 0;
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            return c;
        }
        if (c == '~') {
            return -1;
        }
        // A byte >= 0x80 is a negative (signed) char in C, so c + 256 lands back on the byte's value.
        return c >= 0x80 ? c : c + 256;
    }
}
