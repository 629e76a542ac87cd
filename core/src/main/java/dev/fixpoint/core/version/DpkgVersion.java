package dev.fixpoint.core.version;

/** A parsed dpkg version: the epoch and the bounds of the upstream version and revision in its text. */
final class DpkgVersion extends SchemeVersion<DpkgVersion> {
    private final String chars; // the text, or its UTF-8 bytes as chars when it is not ASCII
    private final int epoch;
    private final int versionStart;
    private final int versionEnd;
    private final int revisionStart;
    private final int revisionEnd;
    private final boolean blank;

    DpkgVersion(
            String text,
            String chars,
            int epoch,
            int versionStart,
            int versionEnd,
            int revisionStart,
            int revisionEnd,
            boolean blank) {
        super(text, DpkgVersion.class);
        this.chars = chars;
        this.epoch = epoch;
        this.versionStart = versionStart;
        this.versionEnd = versionEnd;
        this.revisionStart = revisionStart;
        this.revisionEnd = revisionEnd;
        this.blank = blank;
    }

    @Override
    public VersionScheme scheme() {
        return DpkgScheme.INSTANCE;
    }

    int epoch() {
        return epoch;
    }

    String upstream() {
        return chars.substring(versionStart, versionEnd);
    }

    String revision() {
        return chars.substring(revisionStart, revisionEnd);
    }

    @Override
    int compareSame(DpkgVersion o) {
        if (blank || o.blank) {
            return (blank ? 0 : 1) - (o.blank ? 0 : 1);
        }
        if (epoch != o.epoch) {
            return epoch < o.epoch ? -1 : 1;
        }
        int r = DpkgScheme.verrevcmp(chars, versionStart, versionEnd, o.chars, o.versionStart, o.versionEnd);
        if (r != 0) {
            return r;
        }
        return DpkgScheme.verrevcmp(chars, revisionStart, revisionEnd, o.chars, o.revisionStart, o.revisionEnd);
    }

    /**
     * Versions equal under dpkg differ only in leading zeros of digit runs, so the hash is taken over
     * the text with those zeros dropped.
     */
    @Override
    int orderHash() {
        if (blank) {
            return 0;
        }
        int h = epoch;
        h = hashPart(h, versionStart, versionEnd);
        return hashPart(h * 31 + '-', revisionStart, revisionEnd);
    }

    private int hashPart(int h, int from, int to) {
        boolean inDigits = false;
        boolean leading = false;
        for (int i = from; i < to; i++) {
            char c = chars.charAt(i);
            boolean digit = Digits.isAsciiDigit(c);
            if (digit && !inDigits) {
                leading = true;
            }
            inDigits = digit;
            if (digit && leading && c == '0') {
                continue;
            }
            if (digit) {
                leading = false;
            }
            h = h * 31 + c;
        }
        return h;
    }
}
