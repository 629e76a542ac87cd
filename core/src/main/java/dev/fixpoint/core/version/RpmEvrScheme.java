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

    /** Compares without building tokens: the label bounds are found, then rpmvercmp runs on ranges. */
    @Override
    public int compare(String a, String b) throws InvalidVersionException {
        RpmScheme.check(id(), a);
        RpmScheme.check(id(), b);
        int sa = digitsEnd(a);
        int sb = digitsEnd(b);
        boolean ea = sa < a.length() && a.charAt(sa) == ':';
        boolean eb = sb < b.length() && b.charAt(sb) == ':';
        int rc = RpmVercmp.compare(
                ea && sa > 0 ? a : "0",
                ea && sa > 0 ? 0 : 0,
                ea && sa > 0 ? sa : 1,
                eb && sb > 0 ? b : "0",
                0,
                eb && sb > 0 ? sb : 1);
        if (rc != 0) {
            return rc;
        }
        int da = a.lastIndexOf('-');
        int db = b.lastIndexOf('-');
        boolean ra = da >= sa;
        boolean rb = db >= sb;
        rc = RpmVercmp.compare(a, ea ? sa + 1 : 0, ra ? da : a.length(), b, eb ? sb + 1 : 0, rb ? db : b.length());
        if (rc != 0) {
            return rc;
        }
        if (ra && rb) {
            return RpmVercmp.compare(a, da + 1, a.length(), b, db + 1, b.length());
        }
        return ra ? 1 : rb ? -1 : 0;
    }

    private static int digitsEnd(String s) {
        int i = 0;
        while (i < s.length() && Digits.isAsciiDigit(s.charAt(i))) {
            i++;
        }
        return i;
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

        private static final RpmTokens ZERO = new RpmTokens("0", 0, 1);

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

        /** Allocation-free: rpmvercmp over the stored bounds of both texts. */
        @Override
        int compareSame(RpmEvrVersion o) {
            String a = text();
            String b = o.text();
            boolean ea = epochStart >= 0 && epochEnd > epochStart;
            boolean eb = o.epochStart >= 0 && o.epochEnd > o.epochStart;
            int rc = RpmVercmp.compare(
                    ea ? a : "0",
                    ea ? epochStart : 0,
                    ea ? epochEnd : 1,
                    eb ? b : "0",
                    eb ? o.epochStart : 0,
                    eb ? o.epochEnd : 1);
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

        /** Equal labels have equal token lists (see {@link RpmTokens}); built only when hashed. */
        @Override
        int orderHash() {
            String t = text();
            RpmTokens e = epochStart >= 0 && epochEnd > epochStart ? new RpmTokens(t, epochStart, epochEnd) : ZERO;
            int h = new RpmTokens(t, versionStart, versionEnd).hash(e.hash(17) * 31 + ':');
            return releaseStart < 0 ? h : new RpmTokens(t, releaseStart, t.length()).hash(h * 31 + '-');
        }
    }
}
