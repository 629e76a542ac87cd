package dev.fixpoint.feeds.sync;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps a store directory of feed files current. Sources are of three kinds ({@link FeedSource.Kind}):
 * single files, osv.dev ecosystem exports ({@link OsvEcosystemSync}) and CSAF providers ({@link
 * CsafProviderSync}). A single file is fetched with a conditional GET
 * ({@code If-None-Match}/{@code If-Modified-Since} from the last good copy), written to a temporary
 * file and moved into place only when complete, so a failed or interrupted download keeps the last good
 * data; the outcome, digests and errors are kept per source in {@code sync-state.json}. The store is
 * what {@code fixpoint scan --feeds} and the server read.
 */
public final class FeedSync {

    /** What happened to one source. */
    public enum Outcome {
        UPDATED,
        NOT_MODIFIED,
        FAILED
    }

    /** One source's result. */
    public record Result(String name, Outcome outcome, SourceState state) {}

    static final String STATE_FILE = "sync-state.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Records (OSV) or documents (CSAF) fetched one by one per source and sync, by default. */
    public static final int DEFAULT_MAX_CHANGES = 5_000;

    private final HttpClient http;
    private final Clock clock;
    private final long maxBytes;
    private final OsvEcosystemSync osv;
    private final CsafProviderSync csaf;

    public FeedSync(HttpClient http, Clock clock, long maxBytes) {
        this(http, clock, maxBytes, DEFAULT_MAX_CHANGES);
    }

    /**
     * @param maxBytes the largest file fetched (a whole feed, {@code all.zip}, a CSAF document or index)
     * @param maxChanges the most OSV records or CSAF documents fetched one by one per source and sync: an OSV
     *     ecosystem with more changes is fetched whole ({@code all.zip}); a CSAF directory continues with the
     *     rest on the next sync
     */
    public FeedSync(HttpClient http, Clock clock, long maxBytes, int maxChanges) {
        if (maxChanges < 1) {
            throw new IllegalArgumentException("maxChanges must be at least 1");
        }
        this.http = http;
        this.clock = clock;
        this.maxBytes = maxBytes;
        Http h = new Http(http);
        this.osv = new OsvEcosystemSync(h, maxBytes, maxChanges);
        this.csaf = new CsafProviderSync(h, maxBytes, maxChanges);
    }

    public static FeedSync standard() {
        return new FeedSync(
                HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(20))
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build(),
                Clock.systemUTC(),
                4L << 30);
    }

    public List<Result> sync(List<FeedSource> sources, Path store) throws IOException {
        Files.createDirectories(store);
        Map<String, SourceState> states = readState(store);
        List<Result> results = new java.util.ArrayList<>();
        for (FeedSource s : sources) {
            Result r = syncOne(s, store, states.get(s.name()));
            states.put(s.name(), r.state());
            writeState(store, states);
            results.add(r);
        }
        return results;
    }

    /** The stored state of every source. */
    public static Map<String, SourceState> readState(Path store) throws IOException {
        Path f = store.resolve(STATE_FILE);
        if (!Files.exists(f)) {
            return new TreeMap<>();
        }
        return JSON.readValue(f.toFile(), new TypeReference<TreeMap<String, SourceState>>() {});
    }

    private static void writeState(Path store, Map<String, SourceState> states) throws IOException {
        Path tmp = Files.createTempFile(store, ".state", ".tmp");
        JSON.writeValue(tmp.toFile(), states);
        move(tmp, store.resolve(STATE_FILE));
    }

    private Result syncOne(FeedSource s, Path store, SourceState prior) {
        java.time.Instant now = clock.instant();
        Path target = store.resolve(s.name());
        boolean haveCopy = prior != null
                && prior.sha256() != null
                && (prior.kind() == null || prior.kind().equals("file"))
                && Files.exists(target);
        try {
            if (s.kind() == FeedSource.Kind.OSV_ECOSYSTEM) {
                return osv.sync(s, store, prior, now);
            }
            if (s.kind() == FeedSource.Kind.CSAF_PROVIDER) {
                return csaf.sync(s, store, prior, now);
            }
            if (s.uri().getScheme().equals("file")) {
                return copyFile(s, target, prior, now);
            }
            HttpRequest.Builder req = HttpRequest.newBuilder(s.uri())
                    .timeout(Duration.ofMinutes(10))
                    .GET();
            req.header("User-Agent", "fixpoint-feed-sync");
            if (haveCopy && prior.etag() != null) {
                req.header("If-None-Match", prior.etag());
            }
            if (haveCopy && prior.lastModified() != null) {
                req.header("If-Modified-Since", prior.lastModified());
            }
            HttpResponse<InputStream> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (resp.statusCode() == 304 && haveCopy) {
                resp.body().close();
                return new Result(
                        s.name(),
                        Outcome.NOT_MODIFIED,
                        new SourceState(
                                s.name(),
                                s.uri().toString(),
                                prior.etag(),
                                prior.lastModified(),
                                prior.sha256(),
                                prior.bytes(),
                                now,
                                now,
                                null,
                                "file",
                                null,
                                0,
                                0,
                                null));
            }
            if (resp.statusCode() != 200) {
                resp.body().close();
                return failed(s, prior, now, "HTTP " + resp.statusCode() + " from " + s.uri());
            }
            Stored stored;
            try (InputStream body = resp.body()) {
                stored = store(body, target);
            }
            return new Result(
                    s.name(),
                    Outcome.UPDATED,
                    new SourceState(
                            s.name(),
                            s.uri().toString(),
                            resp.headers().firstValue("ETag").orElse(null),
                            resp.headers().firstValue("Last-Modified").orElse(null),
                            stored.sha256(),
                            stored.bytes(),
                            now,
                            now,
                            null,
                            "file",
                            null,
                            1,
                            0,
                            null));
        } catch (IOException | java.io.UncheckedIOException | dev.fixpoint.feeds.FeedFormatException e) {
            String what = e instanceof Http.StatusException
                    ? e.getMessage()
                    : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            return failed(s, prior, now, what + " fetching " + s.uri());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(s, prior, now, "interrupted");
        }
    }

    private Result copyFile(FeedSource s, Path target, SourceState prior, java.time.Instant now) throws IOException {
        Path from = Path.of(s.uri());
        try (InputStream in = Files.newInputStream(from)) {
            Stored stored = store(in, target);
            Outcome o =
                    prior != null && stored.sha256().equals(prior.sha256()) ? Outcome.NOT_MODIFIED : Outcome.UPDATED;
            return new Result(
                    s.name(),
                    o,
                    new SourceState(
                            s.name(),
                            s.uri().toString(),
                            null,
                            null,
                            stored.sha256(),
                            stored.bytes(),
                            now,
                            now,
                            null,
                            "file",
                            null,
                            o == Outcome.UPDATED ? 1 : 0,
                            0,
                            null));
        }
    }

    private static Result failed(FeedSource s, SourceState prior, java.time.Instant now, String error) {
        // The last good copy (if any) stays in place and in the state; only the error is recorded. The
        // incremental position is kept only for the same source: a mark taken from another URL is no mark.
        boolean same = prior != null
                && s.uri().toString().equals(prior.uri())
                && s.kind().prefix().equals(prior.kind());
        return new Result(
                s.name(),
                Outcome.FAILED,
                new SourceState(
                        s.name(),
                        s.uri().toString(),
                        prior == null ? null : prior.etag(),
                        prior == null ? null : prior.lastModified(),
                        prior == null ? null : prior.sha256(),
                        prior == null ? 0 : prior.bytes(),
                        prior == null ? null : prior.lastSuccess(),
                        now,
                        error,
                        s.kind().prefix(),
                        same ? prior.highWaterMark() : null,
                        0,
                        prior == null ? 0 : prior.total(),
                        same ? prior.cursors() : null));
    }

    private record Stored(String sha256, long bytes) {}

    private Stored store(InputStream in, Path target) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".download", ".tmp");
        try {
            MessageDigest sha = sha256();
            long n;
            try (InputStream digesting = new DigestInputStream(in, sha);
                    var out = Files.newOutputStream(tmp)) {
                n = 0;
                byte[] buf = new byte[1 << 16];
                for (int r; (r = digesting.read(buf)) > 0; ) {
                    n += r;
                    if (n > maxBytes) {
                        throw new IOException("larger than the limit of " + maxBytes + " bytes");
                    }
                    out.write(buf, 0, r);
                }
            }
            move(tmp, target);
            return new Stored(HexFormat.of().formatHex(sha.digest()), n);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
