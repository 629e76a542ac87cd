package dev.fixpoint.feeds.sync;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A feed to keep current: a name (also its file name in the store) and where to fetch it.
 *
 * @param name letters, digits, {@code .}, {@code _} and {@code -} only (it names a file)
 * @param uri {@code https://}, {@code http://} or {@code file:}
 */
public record FeedSource(String name, URI uri) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    public FeedSource {
        Objects.requireNonNull(uri, "uri");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("feed source name \"" + name + "\": use letters, digits, '.', '_', '-'");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (!List.of("https", "http", "file").contains(scheme)) {
            throw new IllegalArgumentException("feed source " + name + ": unsupported URL scheme \"" + scheme + "\"");
        }
    }

    /** The public sources used when none are configured. */
    public static List<FeedSource> defaults() {
        return List.of(
                new FeedSource(
                        "cisa-kev.json",
                        URI.create(
                                "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json")),
                new FeedSource(
                        "epss_scores-current.csv.gz",
                        URI.create("https://epss.empiricalsecurity.com/epss_scores-current.csv.gz")),
                new FeedSource(
                        "osv-almalinux.zip",
                        URI.create("https://osv-vulnerabilities.storage.googleapis.com/AlmaLinux/all.zip")),
                new FeedSource(
                        "osv-rocky.zip",
                        URI.create("https://osv-vulnerabilities.storage.googleapis.com/Rocky%20Linux/all.zip")),
                new FeedSource(
                        "osv-debian.zip",
                        URI.create("https://osv-vulnerabilities.storage.googleapis.com/Debian/all.zip")),
                new FeedSource(
                        "osv-ubuntu.zip",
                        URI.create("https://osv-vulnerabilities.storage.googleapis.com/Ubuntu/all.zip")),
                new FeedSource(
                        "osv-alpine.zip",
                        URI.create("https://osv-vulnerabilities.storage.googleapis.com/Alpine/all.zip")));
    }
}
