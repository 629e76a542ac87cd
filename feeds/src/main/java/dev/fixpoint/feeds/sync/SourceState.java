package dev.fixpoint.feeds.sync;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the store knows about one source after the last sync.
 *
 * @param name the source
 * @param uri where it was fetched from (with its kind prefix, as configured)
 * @param etag the server's ETag of the stored copy (for an OSV ecosystem: of {@code modified_id.csv}), or
 *     null
 * @param lastModified the server's Last-Modified of the same, or null
 * @param sha256 the stored file's digest (single files and OSV ecosystems), or null when there is none yet
 *     (always null for a CSAF provider, which is a directory)
 * @param bytes its size
 * @param lastSuccess when the stored copy was last confirmed current (fetched or 304), or null
 * @param lastAttempt when a sync was last tried
 * @param lastError the last failure, or null when the last attempt succeeded; for a CSAF provider also
 *     the documents refused by an attempt that installed others
 * @param kind {@code file}, {@code osv} or {@code csaf} (null in states written before kinds existed)
 * @param highWaterMark the newest modification time the stored data is known to be complete up to (OSV:
 *     the newest {@code modified} of the held records; CSAF: the newest of the directories' marks), or null
 * @param fetched records (OSV records, CSAF documents, or the one file) fetched by the last attempt
 * @param total records held after it (OSV records in the zip, CSAF documents in the directory; 0 for single
 *     files, which are not counted)
 * @param cursors per CSAF directory distribution, keyed by its subdirectory in the store; null otherwise
 */
public record SourceState(
        String name,
        String uri,
        String etag,
        String lastModified,
        String sha256,
        long bytes,
        Instant lastSuccess,
        Instant lastAttempt,
        String lastError,
        String kind,
        Instant highWaterMark,
        int fetched,
        long total,
        Map<String, Cursor> cursors) {

    @JsonCreator
    public SourceState(
            @JsonProperty("name") String name,
            @JsonProperty("uri") String uri,
            @JsonProperty("etag") String etag,
            @JsonProperty("lastModified") String lastModified,
            @JsonProperty("sha256") String sha256,
            @JsonProperty("bytes") long bytes,
            @JsonProperty("lastSuccess") Instant lastSuccess,
            @JsonProperty("lastAttempt") Instant lastAttempt,
            @JsonProperty("lastError") String lastError,
            @JsonProperty("kind") String kind,
            @JsonProperty("highWaterMark") Instant highWaterMark,
            @JsonProperty("fetched") int fetched,
            @JsonProperty("total") long total,
            @JsonProperty("cursors") Map<String, Cursor> cursors) {
        this.name = name;
        this.uri = uri;
        this.etag = etag;
        this.lastModified = lastModified;
        this.sha256 = sha256;
        this.bytes = bytes;
        this.lastSuccess = lastSuccess;
        this.lastAttempt = lastAttempt;
        this.lastError = lastError;
        this.kind = kind;
        this.highWaterMark = highWaterMark;
        this.fetched = fetched;
        this.total = total;
        this.cursors = cursors == null ? null : Collections.unmodifiableSortedMap(new TreeMap<>(cursors));
    }

    /** The state of a single-file source (the shape before source kinds existed). */
    public SourceState(
            String name,
            String uri,
            String etag,
            String lastModified,
            String sha256,
            long bytes,
            Instant lastSuccess,
            Instant lastAttempt,
            String lastError) {
        this(
                name,
                uri,
                etag,
                lastModified,
                sha256,
                bytes,
                lastSuccess,
                lastAttempt,
                lastError,
                "file",
                null,
                0,
                0,
                null);
    }

    /**
     * Where one CSAF directory distribution stands.
     *
     * @param url the directory URL
     * @param etag ETag of its {@code changes.csv} when every listed change up to it was processed, or null
     * @param lastModified Last-Modified of the same, or null
     * @param highWaterMark the newest {@code changes.csv} timestamp processed, or null before the first
     * @param failed documents that could not be installed (path → their {@code changes.csv} timestamp),
     *     retried on the next sync
     */
    public record Cursor(
            String url, String etag, String lastModified, Instant highWaterMark, Map<String, Instant> failed) {
        public Cursor {
            failed = Collections.unmodifiableSortedMap(failed == null ? new TreeMap<>() : new TreeMap<>(failed));
        }
    }
}
