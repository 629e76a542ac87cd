package dev.fixpoint.feeds.sync;

import java.time.Instant;

/**
 * What the store knows about one source after the last sync.
 *
 * @param name the source
 * @param uri where it was fetched from
 * @param etag the server's ETag of the stored copy, or null
 * @param lastModified the server's Last-Modified of the stored copy, or null
 * @param sha256 the stored copy's digest, or null when there is none yet
 * @param bytes its size
 * @param lastSuccess when the stored copy was last confirmed current (fetched or 304), or null
 * @param lastAttempt when a sync was last tried
 * @param lastError the last failure, or null when the last attempt succeeded
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
        String lastError) {}
