package dev.fixpoint.feeds.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.feeds.FeedFormatException;
import dev.fixpoint.feeds.Limits;
import dev.fixpoint.feeds.csaf.CsafReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A CSAF 2.0 provider (§7): its {@code provider-metadata.json} lists {@code distributions}; each with a
 * {@code directory_url} is mirrored under {@code <store>/<source>/<directory name>/}, the documents at the
 * paths {@code changes.csv} lists. ROLIE-only distributions are not read (reported as an error when a
 * provider has nothing else).
 *
 * <p>Per directory: {@code changes.csv} is fetched with a conditional GET and read whole (providers do not
 * all sort it: SUSE's is sorted by name); the entries newer than the directory's high-water mark are
 * fetched oldest first, at most the per-sync limit (the rest on the next sync, the mark moving only past
 * what was done). Each path must be relative, plain segments, no {@code ..}, {@code .json}, inside the
 * directory. Each document is written to a hidden temporary file, checked against its {@code .sha256} (or
 * {@code .sha512}) file when the provider has one — a mismatch refuses it — and read with {@link CsafReader}
 * (so the store never holds a document the loader would stop on), then moved over the previous copy. A
 * refused document keeps its previous copy, is named in the error, and is retried on the next sync.
 *
 * <p>OpenPGP signatures ({@code .asc}) are <b>not</b> verified: that needs an OpenPGP implementation and the
 * provider's keys, neither of which this module has.
 */
final class CsafProviderSync {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_+-][A-Za-z0-9._+-]{0,199}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_METADATA = 4 << 20;
    private static final int MAX_LINE = 2048;
    private static final int MAX_HASH_FILE = 4096;
    private static final int MAX_DISTRIBUTIONS = 32;
    private static final int MAX_FAILED = 1000;
    private static final int MAX_ERRORS_SHOWN = 5;

    private final Http http;
    private final long maxBytes;
    private final int maxChanges;
    private final CsafReader reader = new CsafReader(Limits.DEFAULT);

    CsafProviderSync(Http http, long maxBytes, int maxChanges) {
        this.http = http;
        this.maxBytes = maxBytes;
        this.maxChanges = maxChanges;
    }

    /** Why a {@code changes.csv} path is refused, or null when it is a plain relative {@code .json} path. */
    static String invalidPath(String path) {
        if (path.isEmpty() || path.length() > 512) {
            return "empty or longer than 512 characters";
        }
        if (path.startsWith("/") || path.contains("\\") || path.contains("://")) {
            return "not a relative path";
        }
        String[] segments = path.split("/", -1);
        if (segments.length > 8) {
            return "more than 8 levels";
        }
        for (String seg : segments) {
            if (!SEGMENT.matcher(seg).matches() || seg.contains("..")) {
                return "segment \"" + OsvEcosystemSync.clip(seg) + "\" is not a plain name (no '..', no '.' first)";
            }
        }
        if (!path.toLowerCase(Locale.ROOT).endsWith(".json")) {
            return "not a .json document";
        }
        return null;
    }

    FeedSync.Result sync(FeedSource s, Path store, SourceState prior, Instant now)
            throws IOException, InterruptedException {
        Path root = store.resolve(s.name());
        Map<String, URI> dirs = keyed(directories(s.location()));
        Files.createDirectories(root);
        Map<String, SourceState.Cursor> before =
                prior == null || prior.cursors() == null || !s.uri().toString().equals(prior.uri())
                        ? Map.of()
                        : prior.cursors();
        Map<String, SourceState.Cursor> cursors = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        int budget = maxChanges;
        int installed = 0;
        for (Map.Entry<String, URI> d : dirs.entrySet()) {
            SourceState.Cursor c = before.get(d.getKey());
            if (c == null || !c.url().equals(d.getValue().toString())) {
                c = new SourceState.Cursor(d.getValue().toString(), null, null, null, null);
            }
            Dir r = syncDir(d.getValue(), root.resolve(d.getKey()), c, budget, errors);
            budget -= r.attempted();
            installed += r.installed();
            cursors.put(d.getKey(), r.cursor());
        }
        long total;
        try (Stream<Path> walk = Files.walk(root)) {
            total = walk.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(n ->
                            !n.startsWith(".") && n.toLowerCase(Locale.ROOT).endsWith(".json"))
                    .count();
        }
        Instant mark = cursors.values().stream()
                .map(SourceState.Cursor::highWaterMark)
                .filter(java.util.Objects::nonNull)
                .max(Comparator.naturalOrder())
                .orElse(null);
        String error = null;
        if (!errors.isEmpty()) {
            error = errors.size() + " problem(s): "
                    + String.join("; ", errors.subList(0, Math.min(MAX_ERRORS_SHOWN, errors.size())))
                    + (errors.size() > MAX_ERRORS_SHOWN ? "; …" : "");
        }
        FeedSync.Outcome outcome = installed > 0
                ? FeedSync.Outcome.UPDATED
                : errors.isEmpty() ? FeedSync.Outcome.NOT_MODIFIED : FeedSync.Outcome.FAILED;
        return new FeedSync.Result(
                s.name(),
                outcome,
                new SourceState(
                        s.name(),
                        s.uri().toString(),
                        null,
                        null,
                        null,
                        0,
                        outcome == FeedSync.Outcome.FAILED ? (prior == null ? null : prior.lastSuccess()) : now,
                        now,
                        error,
                        "csaf",
                        mark,
                        installed,
                        total,
                        cursors));
    }

    private record Dir(SourceState.Cursor cursor, int attempted, int installed) {}

    private Dir syncDir(URI dir, Path dirRoot, SourceState.Cursor c, int budget, List<String> errors)
            throws InterruptedException {
        URI changes = URI.create(dir + "changes.csv");
        Map<String, Instant> listed = new HashMap<>();
        String etag = c.etag();
        String lastModified = c.lastModified();
        try {
            Http.Response resp = http.get(changes, c.etag(), c.lastModified());
            if (!resp.notModified()) {
                try (InputStream body = new BufferedInputStream(resp.body())) {
                    Lines lines = new Lines(body, changes.toString(), MAX_LINE, maxBytes);
                    for (String line; (line = lines.next()) != null; ) {
                        if (line.isBlank()) {
                            continue;
                        }
                        String[] f = fields(line);
                        Instant t = f == null ? null : Lines.time(f[1]);
                        if (t == null) {
                            throw new IOException(changes + " line " + lines.number()
                                    + ": expected \"path\",\"RFC 3339 time\", found \""
                                    + OsvEcosystemSync.clip(line) + "\"");
                        }
                        if (c.highWaterMark() != null && !t.isAfter(c.highWaterMark())) {
                            continue; // not sorted by time everywhere: read on
                        }
                        String why = invalidPath(f[0]);
                        if (why != null) {
                            errors.add(changes + " line " + lines.number() + ": refusing the path \""
                                    + OsvEcosystemSync.clip(f[0]) + "\": " + why);
                            continue;
                        }
                        listed.merge(f[0], t, (a, b) -> a.isAfter(b) ? a : b);
                    }
                }
                etag = resp.etag();
                lastModified = resp.lastModified();
            }
        } catch (IOException e) {
            errors.add(message(e));
            return new Dir(c, 0, 0);
        }
        Map<String, Instant> failed = new TreeMap<>(c.failed());
        int attempted = 0;
        int installed = 0;
        // Documents refused before come first (unless listed again: then they are fetched in order).
        for (Map.Entry<String, Instant> retry : c.failed().entrySet()) {
            if (listed.containsKey(retry.getKey())) {
                continue;
            }
            if (attempted >= budget) {
                break;
            }
            attempted++;
            if (fetch(dir, dirRoot, retry.getKey(), errors)) {
                failed.remove(retry.getKey());
                installed++;
            }
        }
        List<Map.Entry<String, Instant>> todo = new ArrayList<>(listed.entrySet());
        todo.sort(Map.Entry.<String, Instant>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
        int take = cut(todo, budget - attempted);
        for (int i = 0; i < take; i++) {
            String path = todo.get(i).getKey();
            attempted++;
            if (fetch(dir, dirRoot, path, errors)) {
                failed.remove(path);
                installed++;
            } else {
                failed.put(path, todo.get(i).getValue());
            }
        }
        while (failed.size() > MAX_FAILED) {
            String oldest = failed.entrySet().stream()
                    .min(Map.Entry.comparingByValue())
                    .orElseThrow()
                    .getKey();
            failed.remove(oldest);
            errors.add(dir + oldest + ": no longer retried (more than " + MAX_FAILED + " refused documents)");
        }
        Instant mark = c.highWaterMark();
        if (take > 0) {
            Instant t = todo.get(take - 1).getValue();
            mark = mark == null || t.isAfter(mark) ? t : mark;
        }
        boolean complete = take == todo.size();
        // While changes remain, the next sync must read changes.csv again even if it did not change.
        SourceState.Cursor next = new SourceState.Cursor(
                dir.toString(), complete ? etag : null, complete ? lastModified : null, mark, failed);
        return new Dir(next, attempted, installed);
    }

    /**
     * How many of the oldest-first {@code todo} to take within {@code budget}, ending at a change of
     * timestamp so the mark can move past everything taken (a first group larger than the budget is taken
     * whole).
     */
    static int cut(List<Map.Entry<String, Instant>> todo, int budget) {
        if (todo.size() <= Math.max(budget, 0)) {
            return todo.size();
        }
        if (budget <= 0) {
            return 0;
        }
        int k = budget;
        while (k > 0 && todo.get(k).getValue().equals(todo.get(k - 1).getValue())) {
            k--;
        }
        if (k == 0) {
            Instant first = todo.get(0).getValue();
            while (k < todo.size() && todo.get(k).getValue().equals(first)) {
                k++;
            }
        }
        return k;
    }

    /** Fetches, verifies and installs one document; false (with the reason in errors) when refused. */
    private boolean fetch(URI dir, Path dirRoot, String path, List<String> errors) throws InterruptedException {
        URI u = URI.create(dir + path);
        try {
            Path dest = dirRoot.resolve(path).normalize();
            if (!u.normalize().toString().startsWith(dir.toString()) || !dest.startsWith(dirRoot)) {
                throw new IOException("outside the directory");
            }
            Files.createDirectories(dest.getParent());
            Path tmp = Files.createTempFile(dest.getParent(), ".csaf", ".tmp");
            try {
                Http.Stored st = http.download(u, tmp, maxBytes);
                verify(u, st, dest.getFileName().toString());
                try (InputStream in = Files.newInputStream(tmp)) {
                    reader.read(in, u.toString());
                } catch (FeedFormatException e) {
                    throw new IOException("not a CSAF document Fixpoint reads: " + e.getMessage(), e);
                }
                FeedSync.move(tmp, dest);
                return true;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            errors.add(u + ": " + message(e));
            return false;
        }
    }

    /** Checks the document against its {@code .sha256} file, else its {@code .sha512} file, when present. */
    private void verify(URI doc, Http.Stored st, String fileName) throws IOException, InterruptedException {
        for (String alg : List.of("sha256", "sha512")) {
            URI hashUri = URI.create(doc + "." + alg);
            byte[] b;
            try {
                b = http.bytes(hashUri, MAX_HASH_FILE);
            } catch (Http.StatusException e) {
                if (e.status == 404) {
                    continue;
                }
                throw e;
            }
            // "<hex>  <name>" (sha256sum), the name sometimes a path on the provider's machine.
            String[] parts = new String(b, StandardCharsets.UTF_8).trim().split("\\s+", 2);
            String want = parts[0].toLowerCase(Locale.ROOT);
            int hexLength = alg.equals("sha256") ? 64 : 128;
            if (!want.matches("[0-9a-f]{" + hexLength + "}")) {
                throw new IOException(hashUri + " is not a " + alg.toUpperCase(Locale.ROOT) + " file");
            }
            if (parts.length == 2) {
                String named = parts[1].trim();
                named = named.startsWith("*") ? named.substring(1) : named;
                named = named.substring(named.lastIndexOf('/') + 1);
                if (!named.equals(fileName)) {
                    throw new IOException(
                            hashUri + " is for \"" + OsvEcosystemSync.clip(named) + "\", not " + fileName);
                }
            }
            String have = alg.equals("sha256") ? st.sha256() : st.sha512();
            if (!want.equals(have)) {
                throw new IOException(alg.toUpperCase(Locale.ROOT) + " mismatch: " + hashUri + " says " + want
                        + ", the document is " + have);
            }
            return;
        }
    }

    /** The directory URLs: the one given, or those a provider-metadata.json lists. */
    private List<URI> directories(URI location) throws IOException, InterruptedException {
        if (!location.getPath().endsWith(".json")) {
            return List.of(slash(location));
        }
        byte[] b = http.bytes(location, MAX_METADATA);
        JsonNode m;
        try {
            m = JSON.readTree(b);
        } catch (IOException e) {
            throw new IOException(location + " is not JSON: " + e.getMessage(), e);
        }
        JsonNode dists = m == null ? null : m.get("distributions");
        if (dists == null || !dists.isArray()) {
            throw new IOException(location + ": no \"distributions\" (not a CSAF provider-metadata.json)");
        }
        List<URI> out = new ArrayList<>();
        int rolie = 0;
        for (JsonNode d : dists) {
            JsonNode du = d.get("directory_url");
            if (du != null && du.isTextual()) {
                URI u;
                try {
                    u = new URI(du.textValue());
                } catch (URISyntaxException e) {
                    throw new IOException(
                            location + ": bad directory_url \"" + OsvEcosystemSync.clip(du.textValue()) + "\"");
                }
                String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
                boolean https = "https".equalsIgnoreCase(location.getScheme());
                if (!(scheme.equals("https") || (!https && scheme.equals("http")))
                        || u.getRawAuthority() == null
                        || u.getRawQuery() != null
                        || u.getRawFragment() != null) {
                    throw new IOException(location + ": refusing directory_url \""
                            + OsvEcosystemSync.clip(u.toString()) + "\" (https"
                            + (https ? "" : " or http") + ", a host, no query)");
                }
                out.add(slash(u));
            } else if (d.has("rolie")) {
                rolie++;
            }
        }
        if (out.size() > MAX_DISTRIBUTIONS) {
            throw new IOException(location + ": more than " + MAX_DISTRIBUTIONS + " directory distributions");
        }
        if (out.isEmpty()) {
            throw new IOException(location + ": "
                    + (rolie > 0
                            ? "only ROLIE feed distributions, which Fixpoint does not read yet"
                            : "no distribution with a directory_url"));
        }
        return out;
    }

    /** A store subdirectory per directory URL: its last path segment, made unique. */
    static Map<String, URI> keyed(List<URI> dirs) {
        Map<String, URI> out = new LinkedHashMap<>();
        for (URI d : dirs) {
            String[] segs = d.getPath().split("/");
            String last = segs.length == 0 ? "" : segs[segs.length - 1];
            String key = last.replaceAll("[^A-Za-z0-9._-]", "_");
            if (key.isEmpty() || !Character.isLetterOrDigit(key.charAt(0))) {
                key = "d" + key;
            }
            key = key.length() > 60 ? key.substring(0, 60) : key;
            String k = key;
            for (int i = 2; out.containsKey(k) && !out.get(k).equals(d); i++) {
                k = key + "-" + i;
            }
            out.put(k, d);
        }
        return out;
    }

    private static URI slash(URI u) {
        return u.toString().endsWith("/") ? u : URI.create(u + "/");
    }

    /** {@code "path","time"}: the two fields of a changes.csv line (quotes optional), or null. */
    static String[] fields(String line) {
        List<String> out = new ArrayList<>(2);
        int i = 0;
        while (i <= line.length()) {
            StringBuilder f = new StringBuilder();
            if (i < line.length() && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= line.length()) {
                        return null;
                    }
                    char ch = line.charAt(i++);
                    if (ch == '"') {
                        if (i < line.length() && line.charAt(i) == '"') {
                            f.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        f.append(ch);
                    }
                }
                if (i < line.length() && line.charAt(i) != ',') {
                    return null;
                }
            } else {
                int comma = line.indexOf(',', i);
                int end = comma < 0 ? line.length() : comma;
                f.append(line, i, end);
                i = end;
            }
            out.add(f.toString().trim());
            i++; // past the comma (or the end)
        }
        return out.size() == 2 ? out.toArray(new String[0]) : null;
    }

    static String message(IOException e) {
        return e instanceof Http.StatusException
                ? e.getMessage()
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
