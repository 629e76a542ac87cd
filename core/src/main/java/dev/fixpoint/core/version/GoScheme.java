package dev.fixpoint.core.version;

import java.util.ArrayList;
import java.util.List;

/**
 * Go module versions as {@code golang.org/x/mod/semver.Compare} orders the valid ones.
 *
 * <p>Hand-written (core stays dependency-free) after x/mod's own byte scanner. Accepted: {@code v}
 * followed by {@code MAJOR}, {@code MAJOR.MINOR} or {@code MAJOR.MINOR.PATCH} (decimal, no leading
 * zeros, any size; the shorthands mean {@code .0}), then, only in the full form, an optional {@code -}
 * pre-release and {@code +} build of non-empty dot-separated {@code [0-9A-Za-z-]} identifiers, numeric
 * pre-release identifiers without leading zeros. Build metadata such as {@code +incompatible} is ignored
 * in comparisons.
 *
 * <p>Strict where x/mod is lenient: x/mod sorts every invalid string below all valid versions and equal
 * to each other; here {@link #parse} rejects it with the reason instead.
 */
final class GoScheme implements VersionScheme {
    static final GoScheme INSTANCE = new GoScheme();

    private GoScheme() {}

    @Override
    public String id() {
        return "go";
    }

    @Override
    public GoVersion parse(String text) throws InvalidVersionException {
        return new Parser(text).version();
    }

    @Override
    public int compare(String a, String b) throws InvalidVersionException {
        return parse(a).compareSame(parse(b));
    }

    /** A single-use scanner following x/mod's {@code parse}. */
    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        GoVersion version() throws InvalidVersionException {
            if (text.isEmpty() || text.charAt(0) != 'v') {
                throw invalid("does not start with 'v'");
            }
            pos = 1;
            String major = number("major");
            if (atEnd()) {
                return new GoVersion(text, major, "0", "0", new String[0]);
            }
            expectDot("major");
            String minor = number("minor");
            if (atEnd()) {
                return new GoVersion(text, major, minor, "0", new String[0]);
            }
            expectDot("minor");
            String patch = number("patch");
            List<String> pre = List.of();
            if (!atEnd() && text.charAt(pos) == '-') {
                pos++;
                pre = identifiers("pre-release", true);
            }
            if (!atEnd() && text.charAt(pos) == '+') {
                pos++;
                identifiers("build", false);
            }
            if (!atEnd()) {
                throw invalid("unexpected " + Digits.describe(text.charAt(pos)) + " at index " + pos);
            }
            return new GoVersion(text, major, minor, patch, pre.toArray(String[]::new));
        }

        private boolean atEnd() {
            return pos >= text.length();
        }

        private void expectDot(String after) throws InvalidVersionException {
            char c = text.charAt(pos);
            if (c != '.') {
                String hint = c == '-' || c == '+' ? "; vMAJOR and vMAJOR.MINOR take no suffix" : "";
                throw invalid("unexpected " + Digits.describe(c) + " after the " + after + " version" + hint);
            }
            pos++;
        }

        private String number(String name) throws InvalidVersionException {
            int start = pos;
            while (!atEnd() && Digits.isAsciiDigit(text.charAt(pos))) {
                pos++;
            }
            if (pos == start) {
                throw invalid("the " + name + " version is not a number");
            }
            if (text.charAt(start) == '0' && pos - start > 1) {
                throw invalid("the " + name + " version has a leading zero");
            }
            return text.substring(start, pos);
        }

        private List<String> identifiers(String part, boolean numericRule) throws InvalidVersionException {
            List<String> ids = new ArrayList<>();
            while (true) {
                int start = pos;
                while (!atEnd() && SemverScheme.isIdentChar(text.charAt(pos))) {
                    pos++;
                }
                if (pos == start) {
                    throw invalid(SemverScheme.badIdentifier(text, pos, part));
                }
                String id = text.substring(start, pos);
                if (numericRule && id.length() > 1 && id.charAt(0) == '0' && GoVersion.isNumeric(id)) {
                    throw invalid("numeric " + part + " identifier with a leading zero");
                }
                ids.add(id);
                if (!atEnd() && text.charAt(pos) == '.') {
                    pos++;
                } else {
                    return ids;
                }
            }
        }

        private InvalidVersionException invalid(String reason) {
            return new InvalidVersionException("go", text, reason);
        }
    }
}
