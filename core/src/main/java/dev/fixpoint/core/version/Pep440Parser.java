package dev.fixpoint.core.version;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses one PEP 440 version the way packaging 23.0's {@code VERSION_PATTERN} does ({@code ^\s*v?
 * [N!]N(.N)* pre? post? dev? (+local)? \s*$}, {@code re.VERBOSE | re.IGNORECASE}), as a scanner.
 *
 * <p>The regex is ambiguous in places, and its backtracking settles them in ways this scanner copies:
 * letters take their longest spelling ({@code preview} over {@code pre}); a separator after a letter is
 * taken together with the number that follows ({@code 1.0a-1} is {@code 1.0a1}, not {@code 1.0a0.post1}),
 * or alone when no number follows ({@code 1.0a-.dev} is valid), which never stops a later part from
 * matching; and {@code -N} right after the release or pre-release is an implicit post-release.
 */
final class Pep440Parser {
    /** CPython refuses to convert longer digit strings ({@code sys.get_int_max_str_digits()}). */
    static final int MAX_DIGITS = 4300;

    private static final String[] PRE_WORDS = {"preview", "alpha", "beta", "pre", "rc", "a", "b", "c"};
    private static final String[] POST_WORDS = {"post", "rev", "r"};
    private static final String[] DEV_WORDS = {"dev"};

    private final String text;
    private int pos;
    private final int end;

    Pep440Parser(String text) {
        this.text = text;
        int from = 0;
        int to = text.length();
        while (from < to && isPythonSpace(text.charAt(from))) {
            from++;
        }
        while (to > from && isPythonSpace(text.charAt(to - 1))) {
            to--;
        }
        this.pos = from;
        this.end = to;
    }

    Pep440Version version() throws InvalidVersionException {
        if (pos < end && (text.charAt(pos) == 'v' || text.charAt(pos) == 'V')) {
            pos++;
        }
        String epoch = "0";
        String first = number("the release");
        if (pos < end && text.charAt(pos) == '!') {
            pos++;
            epoch = first;
            first = number("the release after the epoch");
        }
        List<String> release = new ArrayList<>();
        release.add(first);
        while (pos + 1 < end && text.charAt(pos) == '.' && Digits.isAsciiDigit(text.charAt(pos + 1))) {
            pos++;
            release.add(number("the release"));
        }
        Pep440Version.Builder v = new Pep440Version.Builder(text, epoch, release);
        preRelease(v);
        postRelease(v);
        devRelease(v);
        local(v);
        if (pos < end) {
            throw invalid("unexpected " + Digits.describe(text.charAt(pos)) + " at index " + pos);
        }
        return v.build();
    }

    private void preRelease(Pep440Version.Builder v) throws InvalidVersionException {
        int start = skipSeparator(pos);
        String word = word(start, PRE_WORDS);
        if (word == null) {
            return;
        }
        pos = start + word.length();
        v.pre(preRank(word, start), optionalNumber());
    }

    /** The rank of a pre-release letter; a non-ASCII {@code i} keeps {@code preview} from normalising. */
    private int preRank(String word, int start) {
        return switch (word) {
            case "a", "alpha" -> Pep440Version.PRE_A;
            case "b", "beta" -> Pep440Version.PRE_B;
            case "preview" ->
                switch (text.charAt(start + 4)) {
                    case '\u0130' -> Pep440Version.PRE_PREVIEW_DOTTED_I;
                    case '\u0131' -> Pep440Version.PRE_PREVIEW_DOTLESS_I;
                    default -> Pep440Version.PRE_RC;
                };
            default -> Pep440Version.PRE_RC;
        };
    }

    private void postRelease(Pep440Version.Builder v) throws InvalidVersionException {
        if (pos + 1 < end && text.charAt(pos) == '-' && Digits.isAsciiDigit(text.charAt(pos + 1))) {
            pos++;
            v.post(Pep440Version.POST, number("the post-release"));
            return;
        }
        int start = skipSeparator(pos);
        String word = word(start, POST_WORDS);
        if (word == null) {
            return;
        }
        pos = start + word.length();
        boolean longS = word.equals("post") && text.charAt(start + 2) == '\u017f';
        v.post(longS ? Pep440Version.POST_LONG_S : Pep440Version.POST, optionalNumber());
    }

    private void devRelease(Pep440Version.Builder v) throws InvalidVersionException {
        int start = skipSeparator(pos);
        if (word(start, DEV_WORDS) == null) {
            return;
        }
        pos = start + 3;
        v.dev(optionalNumber());
    }

    private void local(Pep440Version.Builder v) throws InvalidVersionException {
        if (pos >= end || text.charAt(pos) != '+') {
            return;
        }
        pos++;
        List<Pep440Version.LocalPart> parts = new ArrayList<>();
        parts.add(localPart());
        while (pos + 1 < end && isSeparator(text.charAt(pos)) && isLocalChar(text.charAt(pos + 1))) {
            pos++;
            parts.add(localPart());
        }
        v.local(parts);
    }

    private Pep440Version.LocalPart localPart() throws InvalidVersionException {
        int start = pos;
        boolean numeric = true;
        while (pos < end && isLocalChar(text.charAt(pos))) {
            numeric &= Digits.isAsciiDigit(text.charAt(pos));
            pos++;
        }
        if (pos == start) {
            throw invalid("no local version label after '+'");
        }
        if (numeric) {
            checkDigits(start, pos, "a local version number");
            return new Pep440Version.LocalPart(true, Digits.canonical(text, start, pos));
        }
        return new Pep440Version.LocalPart(false, lowerCase(start, pos));
    }

    /** Python's {@code str.lower()} on a local label: ASCII, the Kelvin sign and dotted capital I change. */
    private String lowerCase(int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                sb.append((char) (c + ('a' - 'A')));
            } else if (c == '\u212a') {
                sb.append('k');
            } else if (c == '\u0130') {
                sb.append("i\u0307");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** {@code [-_.]? [0-9]+}, greedy: the separator is consumed even when no number follows it. */
    private String optionalNumber() throws InvalidVersionException {
        pos = skipSeparator(pos);
        if (pos < end && Digits.isAsciiDigit(text.charAt(pos))) {
            return number("a number");
        }
        return "0";
    }

    private String number(String what) throws InvalidVersionException {
        int start = pos;
        while (pos < end && Digits.isAsciiDigit(text.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw invalid(
                    pos < end
                            ? "expected " + what + " at index " + pos + ", found " + Digits.describe(text.charAt(pos))
                            : "expected " + what);
        }
        checkDigits(start, pos, what);
        return Digits.canonical(text, start, pos);
    }

    private void checkDigits(int from, int to, String what) throws InvalidVersionException {
        if (to - from > MAX_DIGITS) {
            throw invalid(what + " has more than " + MAX_DIGITS + " digits (Python's int() limit)");
        }
    }

    private int skipSeparator(int at) {
        return at < end && isSeparator(text.charAt(at)) ? at + 1 : at;
    }

    /** The first of {@code words} spelled at {@code at}, case-insensitively, or null. */
    private String word(int at, String[] words) {
        for (String w : words) {
            if (spells(at, w)) {
                return w;
            }
        }
        return null;
    }

    private boolean spells(int at, String word) {
        if (at + word.length() > end) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (!matchesIgnoringCase(text.charAt(at + i), word.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Python's {@code re.IGNORECASE} on str patterns: ASCII case plus the non-ASCII letters folding to ASCII. */
    static boolean matchesIgnoringCase(char c, char lower) {
        if (c == lower || c == lower - ('a' - 'A')) {
            return true;
        }
        return switch (lower) {
            case 'i' -> c == '\u0130' || c == '\u0131';
            case 's' -> c == '\u017f';
            case 'k' -> c == '\u212a';
            default -> false;
        };
    }

    static boolean isLocalChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || Digits.isAsciiDigit(c)
                || c == '\u0130'
                || c == '\u0131'
                || c == '\u017f'
                || c == '\u212a';
    }

    static boolean isSeparator(char c) {
        return c == '.' || c == '-' || c == '_';
    }

    /** Python's {@code \s} on str: {@code str.isspace()}. */
    static boolean isPythonSpace(char c) {
        if (c <= ' ') {
            return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
        }
        return switch (c) {
            case 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000 -> true;
            default -> c >= 0x2000 && c <= 0x200a;
        };
    }

    private InvalidVersionException invalid(String reason) {
        return new InvalidVersionException("pep440", text, reason);
    }
}
