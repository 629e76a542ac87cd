package dev.fixpoint.feeds;

/** What a feed file holds, as {@link FeedDetector} tells from its content. */
public enum FeedKind {
    /** OSV records: one JSON object or an array of them. */
    OSV,
    /** A zip of OSV JSON files (osv.dev's {@code all.zip}). */
    OSV_ZIP,
    /** A CSAF 2.0 advisory or VEX document. */
    CSAF,
    /** The CISA KEV catalogue. */
    KEV,
    /** FIRST EPSS scores (CSV, possibly gzip-compressed). */
    EPSS,
    /** NVD CVE JSON 2.0 (enrichment only). */
    NVD,
    /** Not a feed Fixpoint reads. */
    UNKNOWN
}
