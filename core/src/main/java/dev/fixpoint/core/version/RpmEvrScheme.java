package dev.fixpoint.core.version;

import java.util.List;

/**
 * rpm package labels {@code [epoch:]version[-release]}, ordered as librpm's {@code rpmverCmp()} (what
 * {@code rpm.labelCompare()} and dnf compare): epoch (missing means 0; compared with rpmvercmp, so
 * {@code 01:} equals {@code 1:}), then version, then release with rpmvercmp, where a missing release
 * sorts below any release ({@code 1.0} &lt; {@code 1.0-1}).
 *
 * <p>Split as librpm's {@code parseEVR()} splits: leading digits followed by {@code :} are the epoch
 * (an empty one is 0), the release follows the last {@code -}. Hand-written for the same reason as
 * {@link RpmVercmp}. Rejected: the empty string (librpm refuses it) and NUL characters.
 */
final class RpmEvrScheme implements VersionScheme {
    static final RpmEvrScheme INSTANCE = new RpmEvrScheme();

    private RpmEvrScheme() {}

    @Override
    public String id() {
        return "rpm-evr";
    }

    @Override
    public List<String> aliases() {
        return List.of("rpm_evr", "evr");
    }

    @Override
    public RpmEvrVersion parse(String text) throws InvalidVersionException {
        RpmScheme.check(id(), text);
        int s = 0;
        while (s < text.length() && Digits.isAsciiDigit(text.charAt(s))) {
            s++;
        }
        int dash = text.lastIndexOf('-');
        int releaseStart = dash >= s ? dash + 1 : -1;
        int versionEnd = dash >= s ? dash : text.length();
        if (s < text.length() && text.charAt(s) == ':') {
            return new RpmEvrVersion(text, 0, s, s + 1, versionEnd, releaseStart);
        }
        return new RpmEvrVersion(text, -1, -1, 0, versionEnd, releaseStart);
    }

    @Override
    public int compare(String a, String b) throws InvalidVersionException {
        return parse(a).compareSame(parse(b));
    }

    /**
     * A hash over what rpmvercmp compares: the sequence of segments (numbers without leading zeros,
     * letter runs, {@code ~} and {@code ^}); separators only split segments, so they are left out.
     */
    static int segmentHash(String s, int from, int to, int h) {
        int i = from;
        while (i < to) {
            char c = s.charAt(i);
            if (c == '~' || c == '^') {
                h = h * 31 + c;
                i++;
            } else if (Digits.isAsciiDigit(c)) {
                while (i < to && s.charAt(i) == '0') {
                    i++;
                }
                h = h * 31 + '#';
                while (i < to && Digits.isAsciiDigit(s.charAt(i))) {
                    h = h * 31 + s.charAt(i++);
                }
            } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                h = h * 31 + '|';
                while (i < to
                        && ((s.charAt(i) >= 'a' && s.charAt(i) <= 'z') || (s.charAt(i) >= 'A' && s.charAt(i) <= 'Z'))) {
                    h = h * 31 + s.charAt(i++);
                }
            } else {
                i++;
            }
        }
        return h;
    }

    /** A parsed label: bounds of epoch (or -1), version and release (or -1) in the text. */
    static final class RpmEvrVersion extends SchemeVersion<RpmEvrVersion> {
        private final int epochStart;
        private final int epochEnd;
        private final int versionStart;
        private final int versionEnd;
        private final int releaseStart;

        RpmEvrVersion(String text, int epochStart, int epochEnd, int versionStart, int versionEnd, int releaseStart) {
            super(text, RpmEvrVersion.class);
            this.epochStart = epochStart;
            this.epochEnd = epochEnd;
            this.versionStart = versionStart;
            this.versionEnd = versionEnd;
            this.releaseStart = releaseStart;
        }

        @Override
        public VersionScheme scheme() {
            return INSTANCE;
        }

        /** The epoch digits, "0" when absent or empty. */
        String epoch() {
            return epochStart < 0 || epochEnd == epochStart ? "0" : text().substring(epochStart, epochEnd);
        }

        String version() {
            return text().substring(versionStart, versionEnd);
        }

        /** The release, or null when there is none. */
        String release() {
            return releaseStart < 0 ? null : text().substring(releaseStart);
        }

        @Override
        int compareSame(RpmEvrVersion o) {
            String a = text();
            String b = o.text();
            int rc = compareEpoch(o);
            if (rc != 0) {
                return rc;
            }
            rc = RpmVercmp.compare(a, versionStart, versionEnd, b, o.versionStart, o.versionEnd);
            if (rc != 0) {
                return rc;
            }
            if (releaseStart >= 0 && o.releaseStart >= 0) {
                return RpmVercmp.compare(a, releaseStart, a.length(), b, o.releaseStart, b.length());
            }
            return releaseStart >= 0 ? 1 : o.releaseStart >= 0 ? -1 : 0;
        }

        private int compareEpoch(RpmEvrVersion o) {
            boolean mine = epochStart >= 0 && epochEnd > epochStart;
            boolean theirs = o.epochStart >= 0 && o.epochEnd > o.epochStart;
            if (!mine && !theirs) {
                return 0;
            }
            String a = mine ? text() : "0";
            String b = theirs ? o.text() : "0";
            return RpmVercmp.compare(
                    a,
                    mine ? epochStart : 0,
                    mine ? epochEnd : 1,
                    b,
                    theirs ? o.epochStart : 0,
                    theirs ? o.epochEnd : 1);
        }

        @Override
        int orderHash() {
            String e = epoch();
            int h = segmentHash(e, 0, e.length(), 17);
            h = segmentHash(text(), versionStart, versionEnd, h * 31 + ':');
            return releaseStart < 0 ? h : segmentHash(text(), releaseStart, text().length(), h * 31 + '-');
        }
    }
}
