package dev.fixpoint.core.version;

import java.util.ArrayList;
import java.util.List;

/**
 * SemVer 2.0 exactly as node-semver 7.x orders it in strict mode ({@code semver.compare(a, b)}); also the
 * scheme of OSV {@code SEMVER} ranges and crates.io.
 *
 * <p>Hand-written rather than a library or a regex: core stays dependency-free, and a small scanner
 * reproduces node-semver's quirks exactly while staying fast. Accepted: at most 256 UTF-16 units before
 * trimming (node-semver's {@code MAX_LENGTH}); JavaScript white space trimmed at both ends ({@code
 * String.prototype.trim}); an optional leading {@code v} (not {@code V}, not {@code =}: those are
 * loose-mode only); {@code MAJOR.MINOR.PATCH} without leading zeros and at most 2^53−1 ({@code
 * Number.MAX_SAFE_INTEGER}); an optional {@code -} pre-release and {@code +} build of non-empty
 * dot-separated {@code [0-9A-Za-z-]} identifiers, numeric pre-release identifiers without leading
 * zeros. Everything else is rejected, as node-semver throws on it.
 *
 * <p>Build metadata is ignored in comparisons. Numeric pre-release identifiers compare as JavaScript
 * numbers (doubles): two identifiers above 2^53 that round to the same double compare equal, and, as in
 * node-semver, the first identifiers that differ as text decide even when they compare equal as numbers.
 * That makes the order non-transitive for such versions (see {@link SemverVersion}).
 */
final class SemverScheme implements VersionScheme {
    static final SemverScheme INSTANCE = new SemverScheme();

    private static final int MAX_LENGTH = 256;
    private static final long MAX_SAFE_INTEGER = 9_007_199_254_740_991L;

    private SemverScheme() {}

    @Override
    public String id() {
        return "semver";
    }

    @Override
    public SemverVersion parse(String text) throws InvalidVersionException {
        return new Parser(text).version();
    }

    @Override
    public int compare(String a, String b) throws InvalidVersionException {
        return parse(a).compareSame(parse(b));
    }

    /** JavaScript's {@code WhiteSpace} and {@code LineTerminator}, what {@code trim()} removes. */
    static boolean isJsSpace(char c) {
        return switch (c) {
            case '\t', '\n', 0x0b, '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff ->
                true;
            default -> c >= 0x2000 && c <= 0x200a;
        };
    }

    static boolean isIdentChar(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    }

    /** Why no identifier starts at {@code pos}: nothing there, or a character identifiers cannot hold. */
    static String badIdentifier(String text, int pos, String part) {
        if (pos < text.length() && text.charAt(pos) != '.' && text.charAt(pos) != '+') {
            return "unexpected " + Digits.describe(text.charAt(pos)) + " in the " + part + " at index " + pos;
        }
        return "empty " + part + " identifier at index " + pos;
    }

    /** A single-use scanner over the trimmed text. */
    private static final class Parser {
        private final String text;
        private int pos;
        private final int end;

        Parser(String text) throws InvalidVersionException {
            this.text = text;
            if (text.length() > MAX_LENGTH) {
                throw invalid(text, "longer than " + MAX_LENGTH + " characters");
            }
            int from = 0;
            int to = text.length();
            while (from < to && isJsSpace(text.charAt(from))) {
                from++;
            }
            while (to > from && isJsSpace(text.charAt(to - 1))) {
                to--;
            }
            this.pos = from;
            this.end = to;
        }

        SemverVersion version() throws InvalidVersionException {
            if (pos == end) {
                throw invalid(text, "empty or white space only");
            }
            if (text.charAt(pos) == 'v') {
                pos++;
            }
            long major = component("major");
            expect('.', "after the major version");
            long minor = component("minor");
            expect('.', "after the minor version");
            long patch = component("patch");
            List<String> pre = List.of();
            if (pos < end && text.charAt(pos) == '-') {
                pos++;
                pre = identifiers("pre-release", true);
            }
            if (pos < end && text.charAt(pos) == '+') {
                pos++;
                identifiers("build", false);
            }
            if (pos < end) {
                throw invalid(text, "unexpected " + Digits.describe(text.charAt(pos)) + " at index " + pos);
            }
            return new SemverVersion(text, major, minor, patch, pre.toArray(String[]::new));
        }

        private long component(String name) throws InvalidVersionException {
            int start = pos;
            while (pos < end && Digits.isAsciiDigit(text.charAt(pos))) {
                pos++;
            }
            if (pos == start) {
                throw invalid(
                        text,
                        pos < end
                                ? "expected the " + name + " version at index " + pos + ", found "
                                        + Digits.describe(text.charAt(pos))
                                : "the " + name + " version is missing");
            }
            if (text.charAt(start) == '0' && pos - start > 1) {
                throw invalid(text, "the " + name + " version has a leading zero");
            }
            if (pos - start > 16 || Long.parseLong(text, start, pos, 10) > MAX_SAFE_INTEGER) {
                throw invalid(text, "the " + name + " version is above 2^53-1 (Number.MAX_SAFE_INTEGER)");
            }
            return Long.parseLong(text, start, pos, 10);
        }

        private void expect(char c, String where) throws InvalidVersionException {
            if (pos >= end || text.charAt(pos) != c) {
                throw invalid(text, "expected '" + c + "' " + where);
            }
            pos++;
        }

        private List<String> identifiers(String part, boolean numericRule) throws InvalidVersionException {
            List<String> ids = new ArrayList<>();
            while (true) {
                int start = pos;
                while (pos < end && isIdentChar(text.charAt(pos))) {
                    pos++;
                }
                if (pos == start) {
                    throw invalid(text, badIdentifier(text.substring(0, end), pos, part));
                }
                if (numericRule
                        && text.charAt(start) == '0'
                        && pos - start > 1
                        && SemverVersion.isNumeric(text, start, pos)) {
                    throw invalid(text, "numeric " + part + " identifier with a leading zero");
                }
                ids.add(text.substring(start, pos));
                if (pos < end && text.charAt(pos) == '.') {
                    pos++;
                } else {
                    return ids;
                }
            }
        }
    }

    private static InvalidVersionException invalid(String text, String reason) {
        return new InvalidVersionException("semver", text, reason);
    }
}
