/**
 * The server's feed store: the directory of feed files that {@code FeedLoader} reads. Holds the
 * bundled offline snapshot ({@link dev.fixpoint.server.feed.Snapshot}) that a new server imports so
 * findings appear without internet access; online sync replaces its files.
 */
package dev.fixpoint.server.feed;
