package dev.fixpoint.core.version;

/**
 * Alpine apk versions, {@code digit{.digit}...{letter}{_suffix{number}}...{~hash}{-rN}}, as apk-tools
 * orders them.
 *
 * <p>Hand-written after apk-tools' {@code src/version.c} (the tokenizer of apk-tools 2.14/3.x: initial
 * number, {@code .}numbers, one letter, suffixes {@code _alpha _beta _pre _rc} (before the release)
 * and {@code _cvs _svn _git _hg _p} (after it) with optional numbers, {@code ~} lowercase hex commit
 * hash, {@code -r} revision). After the first component a number with a leading zero compares as a
 * string ({@code 1.01} &lt; {@code 1.1}); numbers wrap at 2<sup>64</sup> as apk's {@code uint64_t}.
 *
 * <p>Two operations, as apk has two: {@link #compare(String, String)} is {@code apk version -t}, which
 * orders any two strings (an invalid tail sorts as apk sorts it); {@link #parse} is {@code apk version
 * -c}: it rejects a version apk does not consider valid, naming the offending position. Matching parses,
 * so an invalid version becomes an {@code UNKNOWN} verdict rather than a guess.
 */
final class ApkScheme implements VersionScheme {
    static final ApkScheme INSTANCE = new ApkScheme();

    static final int INITIAL_DIGIT = 0;
    static final int DIGIT = 1;
    static final int LETTER = 2;
    static final int SUFFIX = 3;
    static final int SUFFIX_NO = 4;
    static final int COMMIT_HASH = 5;
    static final int REVISION_NO = 6;
    static final int END = 7;
    static final int INVALID = 8;

    // Suffix values: INVALID 0, alpha 1, beta 2, pre 3, rc 4, (none) 5, cvs 6, svn 7, git 8, hg 9, p 10.
    private static final int SUFFIX_NONE = 5;

    private ApkScheme() {}

    @Override
    public String id() {
        return "apk";
    }

    @Override
    public ApkVersion parse(String text) throws InvalidVersionException {
        Tokens t = new Tokens(text);
        t.first();
        while (t.token < END) {
            t.next();
        }
        if (t.token == INVALID) {
            String why = text.isEmpty()
                    ? "version is empty"
                    : t.start >= text.length()
                            ? "does not start with a number"
                            : "unexpected " + Digits.describe(text.charAt(t.start)) + " at index " + t.start;
            throw new InvalidVersionException("apk", text, why);
        }
        return new ApkVersion(text);
    }

    /** {@code apk version -t}: orders any two strings, valid or not. */
    @Override
    public int compare(String a, String b) {
        return compareAny(a, b);
    }

    static int compareAny(String a, String b) {
        Tokens ta = new Tokens(a);
        Tokens tb = new Tokens(b);
        ta.first();
        tb.first();
        while (ta.token == tb.token && ta.token < END) {
            int r = tokenCompare(ta, tb);
            if (r != 0) {
                return r;
            }
            ta.next();
            tb.next();
        }
        if (ta.token == tb.token) {
            return 0;
        }
        if (ta.token == SUFFIX && ta.suffix < SUFFIX_NONE) {
            return -1;
        }
        if (tb.token == SUFFIX && tb.suffix < SUFFIX_NONE) {
            return 1;
        }
        if (ta.token > tb.token) {
            return -1;
        }
        return tb.token > ta.token ? 1 : 0;
    }

    private static int tokenCompare(Tokens ta, Tokens tb) {
        switch (ta.token) {
            case DIGIT:
                if (ta.s.charAt(ta.start) == '0' || tb.s.charAt(tb.start) == '0') {
                    return blobSort(ta, tb); // a leading zero: compare as strings (Gentoo rule)
                }
                return Long.compareUnsigned(ta.number, tb.number);
            case INITIAL_DIGIT:
            case SUFFIX_NO:
            case REVISION_NO:
                return Long.compareUnsigned(ta.number, tb.number);
            case LETTER:
                return Integer.compare(ta.s.charAt(ta.start), tb.s.charAt(tb.start));
            case SUFFIX:
                return Integer.compare(ta.suffix, tb.suffix);
            default:
                return blobSort(ta, tb);
        }
    }

    /** apk's {@code apk_blob_sort}: bytes, then length (the values compared are ASCII). */
    private static int blobSort(Tokens ta, Tokens tb) {
        int la = ta.end - ta.start;
        int lb = tb.end - tb.start;
        int n = Math.min(la, lb);
        for (int i = 0; i < n; i++) {
            char x = ta.s.charAt(ta.start + i);
            char y = tb.s.charAt(tb.start + i);
            if (x != y) {
                return x < y ? -1 : 1;
            }
        }
        return Integer.compare(la, lb);
    }

    /** apk's token state: the current token, its value's bounds, its number and suffix. */
    private static final class Tokens {
        final String s;
        int pos;
        int token;
        int start;
        int end;
        long number;
        int suffix;

        Tokens(String s) {
            this.s = s;
        }

        void first() {
            token = INITIAL_DIGIT;
            digits();
        }

        private void digits() {
            start = pos;
            long n = 0;
            while (pos < s.length() && Digits.isAsciiDigit(s.charAt(pos))) {
                n = n * 10 + (s.charAt(pos++) - '0'); // wraps like uint64_t
            }
            number = n;
            end = pos;
            if (end == start) {
                token = INVALID;
            }
        }

        void next() {
            if (pos >= s.length() || s.charAt(pos) == 0) {
                token = END;
                return;
            }
            char c = s.charAt(pos);
            start = pos;
            if (c >= 'a' && c <= 'z') {
                if (token > DIGIT) {
                    token = INVALID;
                    return;
                }
                start = pos;
                end = ++pos;
                token = LETTER;
            } else if (c == '.' || Digits.isAsciiDigit(c)) {
                if (c == '.') {
                    if (token > DIGIT) {
                        token = INVALID;
                        return;
                    }
                    pos++;
                }
                if (token == INITIAL_DIGIT || token == DIGIT) {
                    token = DIGIT;
                } else if (token == SUFFIX) {
                    token = SUFFIX_NO;
                } else {
                    token = INVALID;
                    return;
                }
                digits();
            } else if (c == '_') {
                if (token > SUFFIX_NO) {
                    token = INVALID;
                    return;
                }
                pos++;
                start = pos;
                while (pos < s.length() && s.charAt(pos) >= 'a' && s.charAt(pos) <= 'z') {
                    pos++;
                }
                end = pos;
                suffix = suffixValue(s, start, end);
                token = suffix == 0 ? INVALID : SUFFIX;
                if (token == INVALID) {
                    start = start - 1;
                }
            } else if (c == '~') {
                if (token >= COMMIT_HASH) {
                    token = INVALID;
                    return;
                }
                pos++;
                start = pos;
                while (pos < s.length() && isHex(s.charAt(pos))) {
                    pos++;
                }
                end = pos;
                token = end == start ? INVALID : COMMIT_HASH;
                if (token == INVALID) {
                    start = start - 1;
                }
            } else if (c == '-') {
                if (token >= REVISION_NO || !s.startsWith("-r", pos)) {
                    token = INVALID;
                    return;
                }
                pos += 2;
                token = REVISION_NO;
                digits();
            } else {
                token = INVALID;
            }
        }

        private static boolean isHex(char c) {
            return Digits.isAsciiDigit(c) || (c >= 'a' && c <= 'f');
        }
    }

    private static int suffixValue(String s, int from, int to) {
        int len = to - from;
        if (len == 0) {
            return 0;
        }
        String literal;
        int value;
        switch (s.charAt(from)) {
            case 'a' -> {
                literal = "alpha";
                value = 1;
            }
            case 'b' -> {
                literal = "beta";
                value = 2;
            }
            case 'c' -> {
                literal = "cvs";
                value = 6;
            }
            case 'g' -> {
                literal = "git";
                value = 8;
            }
            case 'h' -> {
                literal = "hg";
                value = 9;
            }
            case 'p' -> {
                literal = len > 1 ? "pre" : "p";
                value = len > 1 ? 3 : 10;
            }
            case 'r' -> {
                literal = "rc";
                value = 4;
            }
            case 's' -> {
                literal = "svn";
                value = 7;
            }
            default -> {
                return 0;
            }
        }
        return len == literal.length() && s.regionMatches(from, literal, 0, len) ? value : 0;
    }

    /** A valid apk version. */
    static final class ApkVersion extends SchemeVersion<ApkVersion> {
        ApkVersion(String text) {
            super(text, ApkVersion.class);
        }

        @Override
        public VersionScheme scheme() {
            return INSTANCE;
        }

        @Override
        int compareSame(ApkVersion other) {
            return compareAny(text(), other.text());
        }

        /**
         * Equal valid versions differ at most in leading zeros of numbers that compare by value (the
         * first number, suffix numbers, the revision), so those are hashed by value and the rest as text.
         */
        @Override
        int orderHash() {
            Tokens t = new Tokens(text());
            int h = 0;
            for (t.first(); t.token < END; t.next()) {
                h = h * 31 + t.token;
                if (t.token == INITIAL_DIGIT || t.token == SUFFIX_NO || t.token == REVISION_NO) {
                    h = h * 31 + Long.hashCode(t.number);
                } else {
                    for (int i = t.start; i < t.end; i++) {
                        h = h * 31 + text().charAt(i);
                    }
                }
            }
            return h;
        }
    }
}
