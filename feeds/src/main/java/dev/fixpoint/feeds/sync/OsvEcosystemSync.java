package dev.fixpoint.feeds.sync;

import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.feeds.BoundedInputStream;
import dev.fixpoint.feeds.FeedFormatException;
import dev.fixpoint.feeds.Limits;
import dev.fixpoint.feeds.osv.OsvReader;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * One osv.dev ecosystem export ({@code <base>/all.zip}, {@code <base>/modified_id.csv}, {@code
 * <base>/<ID>.json}) kept as one zip in the store, which {@link dev.fixpoint.feeds.FeedLoader} reads like
 * osv.dev's own {@code all.zip}.
 *
 * <p>The first sync (and any sync without a high-water mark this kind recorded for the same URL) downloads
 * {@code all.zip}, checks that every record reads, and takes the newest {@code modified} of its records as
 * the high-water mark. Later syncs fetch {@code modified_id.csv} with a conditional GET, read its lines
 * ({@code <RFC 3339 modified>,<ID>}, newest first) until the first at or before the mark, fetch those
 * records, check each reads and carries the ID asked for, and write a new zip — the old one's entries but
 * the replaced ones, plus the new records — moved into place in one step. More changes than the
 * per-sync limit fall back to {@code all.zip}. Any failure leaves the zip and the state as they were.
 */
final class OsvEcosystemSync {

    /** osv.dev IDs: {@code DSA-5000-1}, {@code ALSA-2024:1502}, {@code GHSA-xxxx-xxxx-xxxx}, … */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:+-]{0,99}");

    private static final int MAX_LINE = 512;
    private static final int MAX_RECORD = 16 << 20;

    private final Http http;
    private final long maxBytes;
    private final int maxChanges;
    private final Limits limits = Limits.DEFAULT;

    OsvEcosystemSync(Http http, long maxBytes, int maxChanges) {
        this.http = http;
        this.maxBytes = maxBytes;
        this.maxChanges = maxChanges;
    }

    static boolean validId(String id) {
        return ID.matcher(id).matches() && !id.contains("..");
    }

    FeedSync.Result sync(FeedSource s, Path store, SourceState prior, Instant now)
            throws IOException, InterruptedException {
        Path target = store.resolve(s.name());
        String base = s.location().toString().replaceAll("/+$", "");
        boolean incremental = prior != null
                && "osv".equals(prior.kind())
                && s.uri().toString().equals(prior.uri())
                && prior.highWaterMark() != null
                && prior.sha256() != null
                && Files.isRegularFile(target);
        if (!incremental) {
            return full(s, store, target, base, now, null);
        }
        URI csv = URI.create(base + "/modified_id.csv");
        Http.Response resp = http.get(csv, prior.etag(), prior.lastModified());
        if (resp.notModified()) {
            return unchanged(s, prior, now, prior.etag(), prior.lastModified());
        }
        Map<String, Instant> changed = new LinkedHashMap<>();
        Instant newest = null;
        boolean tooMany = false;
        try (InputStream body = new BufferedInputStream(resp.body())) {
            Lines lines = new Lines(body, csv.toString(), MAX_LINE, maxBytes);
            for (String line; (line = lines.next()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                int comma = line.indexOf(',');
                Instant t =
                        comma < 0 ? null : Lines.time(line.substring(0, comma).trim());
                if (t == null) {
                    throw new IOException(csv + " line " + lines.number()
                            + ": expected \"<RFC 3339 time>,<ID>\", found \"" + clip(line) + "\"");
                }
                if (!t.isAfter(prior.highWaterMark())) {
                    break; // newest first: everything from here on is already held
                }
                String id = line.substring(comma + 1).trim();
                if (!validId(id)) {
                    throw new IOException(csv + " line " + lines.number() + ": refusing the ID \"" + clip(id)
                            + "\" (letters, digits, '.', '_', ':', '+', '-', at most 100, no '..')");
                }
                if (newest == null || t.isAfter(newest)) {
                    newest = t;
                }
                changed.putIfAbsent(id, t);
                if (changed.size() > maxChanges) {
                    tooMany = true;
                    break;
                }
            }
        }
        if (tooMany) {
            // More changes than one sync fetches one by one: the whole archive is one request.
            return full(s, store, target, base, now, "more than " + maxChanges + " changed records");
        }
        if (changed.isEmpty()) {
            return unchanged(s, prior, now, resp.etag(), resp.lastModified());
        }
        Map<String, byte[]> records = new LinkedHashMap<>();
        OsvReader reader = new OsvReader(limits);
        for (String id : changed.keySet()) {
            URI u = URI.create(base + "/" + id + ".json");
            byte[] body = http.bytes(u, (int) Math.min(MAX_RECORD, maxBytes));
            List<Advisory> read = new ArrayList<>();
            reader.read(new ByteArrayInputStream(body), u.toString(), read::add);
            if (read.size() != 1 || !read.get(0).id().equals(id)) {
                throw new IOException(u + " does not hold the record " + id + " alone");
            }
            records.put(id + ".json", body);
        }
        Path tmp = Files.createTempFile(store, ".osv", ".tmp");
        try {
            Written w = rewrite(target, tmp, records);
            FeedSync.move(tmp, target);
            Instant mark = newest.isAfter(prior.highWaterMark()) ? newest : prior.highWaterMark();
            return new FeedSync.Result(
                    s.name(),
                    FeedSync.Outcome.UPDATED,
                    new SourceState(
                            s.name(),
                            s.uri().toString(),
                            resp.etag(),
                            resp.lastModified(),
                            w.sha256(),
                            w.bytes(),
                            now,
                            now,
                            null,
                            "osv",
                            mark,
                            records.size(),
                            w.records(),
                            null));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private record Written(String sha256, long bytes, long records) {}

    /** The old zip's OSV entries but {@code replace}'s, then {@code replace}'s, into {@code tmp}. */
    private Written rewrite(Path old, Path tmp, Map<String, byte[]> replace) throws IOException {
        MessageDigest sha = FeedSync.sha256();
        long records = 0;
        try (ZipFile in = new ZipFile(old.toFile());
                OutputStream file = Files.newOutputStream(tmp);
                ZipOutputStream out = new ZipOutputStream(new DigestOutputStream(file, sha))) {
            for (Enumeration<? extends ZipEntry> en = in.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                String name = e.getName();
                if (e.isDirectory()
                        || !name.endsWith(".json")
                        || name.contains("..")
                        || name.startsWith("/")
                        || replace.containsKey(name)) {
                    continue;
                }
                out.putNextEntry(new ZipEntry(name));
                try (InputStream entry = new BoundedInputStream(
                        in.getInputStream(e), limits.maxEntryBytes(), old + "!" + name, "zip entry")) {
                    entry.transferTo(out);
                }
                out.closeEntry();
                records++;
            }
            for (Map.Entry<String, byte[]> r : replace.entrySet()) {
                out.putNextEntry(new ZipEntry(r.getKey()));
                out.write(r.getValue());
                out.closeEntry();
                records++;
            }
        }
        return new Written(HexFormat.of().formatHex(sha.digest()), Files.size(tmp), records);
    }

    private FeedSync.Result full(FeedSource s, Path store, Path target, String base, Instant now, String why)
            throws IOException, InterruptedException {
        URI all = URI.create(base + "/all.zip");
        Path tmp = Files.createTempFile(store, ".osv", ".tmp");
        try {
            Http.Stored stored = http.download(all, tmp, maxBytes);
            byte[] magic = new byte[4];
            try (InputStream in = Files.newInputStream(tmp)) {
                int got = in.readNBytes(magic, 0, 4);
                if (got < 4 || magic[0] != 'P' || magic[1] != 'K') {
                    throw new IOException(all + " is not a zip archive");
                }
            }
            Instant[] newest = new Instant[1];
            int n;
            try {
                n = new OsvReader(limits).readZip(tmp, a -> {
                    if (a.modified() != null
                            && (newest[0] == null || a.modified().isAfter(newest[0]))) {
                        newest[0] = a.modified();
                    }
                });
            } catch (FeedFormatException e) {
                throw new IOException(all + " is not a readable OSV archive: " + e.getMessage(), e);
            }
            FeedSync.move(tmp, target);
            return new FeedSync.Result(
                    s.name(),
                    FeedSync.Outcome.UPDATED,
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
                            "osv",
                            newest[0],
                            n,
                            n,
                            null));
        } catch (IOException e) {
            if (why == null) {
                throw e;
            }
            throw new IOException(why + ", so fetching all.zip: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static FeedSync.Result unchanged(
            FeedSource s, SourceState prior, Instant now, String etag, String lastModified) {
        return new FeedSync.Result(
                s.name(),
                FeedSync.Outcome.NOT_MODIFIED,
                new SourceState(
                        s.name(),
                        s.uri().toString(),
                        etag,
                        lastModified,
                        prior.sha256(),
                        prior.bytes(),
                        now,
                        now,
                        null,
                        "osv",
                        prior.highWaterMark(),
                        0,
                        prior.total(),
                        null));
    }

    static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
