package dev.fixpoint.core.version;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A version parsed by {@link Pep440Scheme}, reduced to packaging's comparison key: epoch, release
 * without trailing zeros, pre-release, post-release, dev-release and local label. Numbers are canonical
 * digit strings (exact at any size).
 */
final class Pep440Version extends SchemeVersion<Pep440Version> {
    /** Pre-release ranks in packaging's order: dev-only releases first, no pre-release last. */
    static final int PRE_DEV_ONLY = 0;

    static final int PRE_A = 1;
    static final int PRE_B = 2;
    /** {@code preview} spelled with U+0130 (23.0 keeps the lower-cased text {@code previ̇ew}). */
    static final int PRE_PREVIEW_DOTTED_I = 3;
    /** {@code preview} spelled with U+0131 (23.0 keeps {@code prevıew}). */
    static final int PRE_PREVIEW_DOTLESS_I = 4;

    static final int PRE_RC = 5;
    static final int PRE_NONE = 6;

    static final int POST_NONE = 0;
    static final int POST = 1;
    /** {@code post} spelled with U+017F (23.0 keeps {@code poſt}, which sorts after {@code post}). */
    static final int POST_LONG_S = 2;

    /** One part of a local label: a canonical number or a lower-cased string. */
    record LocalPart(boolean numeric, String value) {}

    private final String epoch;
    private final String[] release;
    private final int preRank;
    private final String preNumber;
    private final int postRank;
    private final String postNumber;
    private final boolean dev;
    private final String devNumber;
    private final LocalPart[] local;

    private Pep440Version(Builder b) {
        super(b.text, Pep440Version.class);
        this.epoch = b.epoch;
        this.release = withoutTrailingZeros(b.release);
        boolean devOnly = b.preRank == PRE_NONE && b.postRank == POST_NONE && b.devNumber != null;
        this.preRank = devOnly ? PRE_DEV_ONLY : b.preRank;
        this.preNumber = b.preNumber;
        this.postRank = b.postRank;
        this.postNumber = b.postNumber;
        this.dev = b.devNumber != null;
        this.devNumber = dev ? b.devNumber : "0";
        this.local = b.local;
    }

    private static String[] withoutTrailingZeros(List<String> release) {
        int n = release.size();
        while (n > 0 && release.get(n - 1).equals("0")) {
            n--;
        }
        return release.subList(0, n).toArray(String[]::new);
    }

    @Override
    public VersionScheme scheme() {
        return Pep440Scheme.INSTANCE;
    }

    @Override
    int compareSame(Pep440Version o) {
        int c = Digits.compare(epoch, o.epoch);
        if (c == 0) {
            c = compareRelease(o);
        }
        if (c == 0) {
            c = Integer.compare(preRank, o.preRank);
        }
        if (c == 0) {
            c = Digits.compare(preNumber, o.preNumber);
        }
        if (c == 0) {
            c = Integer.compare(postRank, o.postRank);
        }
        if (c == 0) {
            c = Digits.compare(postNumber, o.postNumber);
        }
        if (c == 0) {
            c = Boolean.compare(!dev, !o.dev);
        }
        if (c == 0) {
            c = Digits.compare(devNumber, o.devNumber);
        }
        return c != 0 ? c : compareLocal(o);
    }

    private int compareRelease(Pep440Version o) {
        int n = Math.min(release.length, o.release.length);
        for (int i = 0; i < n; i++) {
            int c = Digits.compare(release[i], o.release[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(release.length, o.release.length);
    }

    /** No label sorts first; then part by part, strings before numbers, a shorter prefix first. */
    private int compareLocal(Pep440Version o) {
        if (local == null || o.local == null) {
            return Boolean.compare(local != null, o.local != null);
        }
        int n = Math.min(local.length, o.local.length);
        for (int i = 0; i < n; i++) {
            LocalPart x = local[i];
            LocalPart y = o.local[i];
            int c = x.numeric() != y.numeric()
                    ? (x.numeric() ? 1 : -1)
                    : x.numeric()
                            ? Digits.compare(x.value(), y.value())
                            : Integer.signum(x.value().compareTo(y.value()));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(local.length, o.local.length);
    }

    @Override
    int orderHash() {
        int h = Objects.hash(epoch, preRank, preNumber, postRank, postNumber, dev, devNumber);
        return (h * 31 + Arrays.hashCode(release)) * 31 + Arrays.hashCode(local);
    }

    /** Collects the parts while {@link Pep440Parser} scans. */
    static final class Builder {
        private final String text;
        private final String epoch;
        private final List<String> release;
        private int preRank = PRE_NONE;
        private String preNumber = "0";
        private int postRank = POST_NONE;
        private String postNumber = "0";
        private String devNumber;
        private LocalPart[] local;

        Builder(String text, String epoch, List<String> release) {
            this.text = text;
            this.epoch = epoch;
            this.release = release;
        }

        void pre(int rank, String number) {
            this.preRank = rank;
            this.preNumber = number;
        }

        void post(int rank, String number) {
            this.postRank = rank;
            this.postNumber = number;
        }

        void dev(String number) {
            this.devNumber = number;
        }

        void local(List<LocalPart> parts) {
            this.local = parts.toArray(LocalPart[]::new);
        }

        Pep440Version build() {
            return new Pep440Version(this);
        }
    }
}
