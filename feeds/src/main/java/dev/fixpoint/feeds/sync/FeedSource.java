package dev.fixpoint.feeds.sync;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A feed to keep current: a name (its file or directory name in the store), where to fetch it and, by
 * the URL's prefix, what kind of source it is:
 *
 * <ul>
 *   <li>{@code https://…}, {@code http://…}, {@code file:…} — {@link Kind#FILE}: one file, fetched whole
 *       with a conditional GET and stored as {@code <name>};
 *   <li>{@code osv:https://osv-vulnerabilities.storage.googleapis.com/<Ecosystem>} — {@link
 *       Kind#OSV_ECOSYSTEM}: osv.dev's per-ecosystem export, stored as the zip {@code <name>}: {@code
 *       all.zip} on the first sync, then only the records that {@code modified_id.csv} lists as changed;
 *   <li>{@code csaf:https://…/provider-metadata.json} (or {@code csaf:https://…/directory/}) — {@link
 *       Kind#CSAF_PROVIDER}: a CSAF 2.0 provider's directory distributions, mirrored under the store
 *       directory {@code <name>/}, documents fetched as {@code changes.csv} lists them.
 * </ul>
 *
 * The prefixed form is an ordinary (opaque) URI, so {@code new FeedSource(name, URI.create(text))} accepts
 * every kind from configuration text.
 *
 * @param name letters, digits, {@code .}, {@code _} and {@code -} only (it names a file or directory)
 * @param uri as above
 */
public record FeedSource(String name, URI uri) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /** What kind of source, from the URI's prefix. */
    public enum Kind {
        FILE("file"),
        OSV_ECOSYSTEM("osv"),
        CSAF_PROVIDER("csaf");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        /** The configuration prefix ({@code osv}, {@code csaf}; {@code file} for single files). */
        public String prefix() {
            return prefix;
        }
    }

    public FeedSource {
        Objects.requireNonNull(uri, "uri");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("feed source name \"" + name + "\": use letters, digits, '.', '_', '-'");
        }
        if (name.equals(FeedSync.STATE_FILE)) {
            throw new IllegalArgumentException("feed source name \"" + name + "\" is reserved for the sync state");
        }
        String scheme = scheme(uri);
        if (scheme.equals("osv") || scheme.equals("csaf")) {
            URI inner = inner(uri);
            String s = scheme(inner);
            if (!s.equals("https") && !s.equals("http")) {
                throw new IllegalArgumentException("feed source " + name + ": " + scheme
                        + ": needs an https or http URL, found \"" + inner + "\"");
            }
            if (inner.getRawAuthority() == null || inner.getRawQuery() != null || inner.getRawFragment() != null) {
                throw new IllegalArgumentException(
                        "feed source " + name + ": \"" + inner + "\" needs a host and no query or fragment");
            }
        } else if (!List.of("https", "http", "file").contains(scheme)) {
            throw new IllegalArgumentException("feed source " + name + ": unsupported URL scheme \"" + scheme
                    + "\" (use https, http, file, osv:https… or csaf:https…)");
        }
    }

    /** An osv.dev ecosystem export, e.g. {@code https://osv-vulnerabilities.storage.googleapis.com/Debian}. */
    public static FeedSource osv(String name, URI ecosystemBase) {
        return new FeedSource(name, URI.create("osv:" + ecosystemBase));
    }

    /** A CSAF provider: its {@code provider-metadata.json} URL or one directory URL. */
    public static FeedSource csaf(String name, URI providerMetadataOrDirectory) {
        return new FeedSource(name, URI.create("csaf:" + providerMetadataOrDirectory));
    }

    /** The kind of source, from the URI's prefix. */
    public Kind kind() {
        return switch (scheme(uri)) {
            case "osv" -> Kind.OSV_ECOSYSTEM;
            case "csaf" -> Kind.CSAF_PROVIDER;
            default -> Kind.FILE;
        };
    }

    /** The URL that is fetched: {@link #uri()} without its kind prefix. */
    public URI location() {
        return kind() == Kind.FILE ? uri : inner(uri);
    }

    private static URI inner(URI uri) {
        String ssp = uri.getRawSchemeSpecificPart();
        if (ssp == null || ssp.isEmpty()) {
            throw new IllegalArgumentException("\"" + uri + "\": nothing after the prefix");
        }
        try {
            return new URI(ssp);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("\"" + uri + "\": " + e.getMessage(), e);
        }
    }

    private static String scheme(URI u) {
        return u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    }

    private static final String OSV_BUCKET = "https://osv-vulnerabilities.storage.googleapis.com/";

    /**
     * The public sources used when none are configured. The OSV ecosystems are incremental sources under
     * the file names the single-file sources (and the server's bundled snapshot) used, so an existing
     * store is replaced by the first full download and kept current from {@code modified_id.csv} after.
     */
    public static List<FeedSource> defaults() {
        return List.of(
                new FeedSource(
                        "cisa-kev.json",
                        URI.create(
                                "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json")),
                new FeedSource(
                        "epss_scores-current.csv.gz",
                        URI.create("https://epss.empiricalsecurity.com/epss_scores-current.csv.gz")),
                osv("osv-almalinux.zip", URI.create(OSV_BUCKET + "AlmaLinux")),
                osv("osv-rocky.zip", URI.create(OSV_BUCKET + "Rocky%20Linux")),
                osv("osv-debian.zip", URI.create(OSV_BUCKET + "Debian")),
                osv("osv-ubuntu.zip", URI.create(OSV_BUCKET + "Ubuntu")),
                osv("osv-alpine.zip", URI.create(OSV_BUCKET + "Alpine")));
    }
}
