package dev.fixpoint.feeds;

/**
 * Bounds that keep a hostile or broken feed from exhausting memory or time. Every reader enforces
 * them and fails with a {@link FeedFormatException} naming the bound.
 *
 * @param maxFileBytes largest file read (after decompression for gzip)
 * @param maxEntryBytes largest zip entry, uncompressed
 * @param maxCompressionRatio largest uncompressed/compressed ratio of a zip entry (zip bombs)
 * @param maxNestingDepth deepest JSON nesting
 * @param maxStringLength longest JSON string
 * @param maxCsvLine longest CSV line
 */
public record Limits(
        long maxFileBytes,
        long maxEntryBytes,
        int maxCompressionRatio,
        int maxNestingDepth,
        int maxStringLength,
        int maxCsvLine) {

    /** Generous for every real feed (the largest, NVD yearly files, are ~100 MB uncompressed). */
    public static final Limits DEFAULT = new Limits(1L << 30, 256L << 20, 1000, 64, 16 << 20, 64 << 10);
}
