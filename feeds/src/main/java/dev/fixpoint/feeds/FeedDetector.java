package dev.fixpoint.feeds;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Tells what a file holds from its content, never its name: zip and gzip by magic bytes; JSON by its
 * top-level field names (read with the values skipped, so a large file costs one quick pass); CSV by
 * its first line.
 */
public final class FeedDetector {

    private static final Pattern EPSS_ROW = Pattern.compile("^CVE-\\d{4}-\\d+[,;][0-9.eE-]+([,;][0-9.eE-]+)?$");

    private final Limits limits;

    public FeedDetector(Limits limits) {
        this.limits = limits;
    }

    /** The kind, and whether the content is gzip-compressed. */
    public record Detected(FeedKind kind, boolean gzip) {}

    public Detected detect(Path file) throws IOException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return new Detected(FeedKind.OSV_ZIP, false);
        }
        boolean gzip = n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = new BufferedInputStream(gzip ? new GZIPInputStream(raw) : raw)) {
            return new Detected(detect(in, file.toString()), gzip);
        } catch (java.util.zip.ZipException e) {
            return new Detected(FeedKind.UNKNOWN, gzip);
        }
    }

    /** Detects from a stream that supports mark/reset. */
    FeedKind detect(InputStream in, String input) throws IOException {
        in.mark(8192);
        byte[] buf = in.readNBytes(8192);
        in.reset();
        int i = 0;
        if (buf.length >= 3 && (buf[0] & 0xff) == 0xef && (buf[1] & 0xff) == 0xbb && (buf[2] & 0xff) == 0xbf) {
            i = 3; // UTF-8 byte order mark
        }
        while (i < buf.length && Character.isWhitespace(buf[i])) {
            i++;
        }
        if (i >= buf.length) {
            return FeedKind.UNKNOWN;
        }
        if (buf[i] == '{' || buf[i] == '[') {
            return json(in, input);
        }
        String first = new String(buf, i, buf.length - i, StandardCharsets.UTF_8)
                .lines()
                .findFirst()
                .orElse("")
                .strip();
        if (first.startsWith("#model_version")
                || first.toLowerCase().startsWith("cve,epss")
                || EPSS_ROW.matcher(first).matches()) {
            return FeedKind.EPSS;
        }
        return FeedKind.UNKNOWN;
    }

    private FeedKind json(InputStream in, String input) throws IOException {
        Json json = new Json(limits, input);
        Set<String> keys = new HashSet<>();
        boolean array = false;
        try (JsonParser p = json.parser(in)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) {
                array = true;
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return FeedKind.UNKNOWN;
                }
            }
            keys(p, keys);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // Broken JSON: if what was read says which feed it is, its reader reports where it breaks.
            FeedKind partial = classify(keys, array);
            return partial; // UNKNOWN when nothing feed-like was seen: text that merely starts with [ or {
        }
        return classify(keys, array);
    }

    private static FeedKind classify(Set<String> keys, boolean array) {
        {
            if (array) {
                return keys.contains("id") && (keys.contains("affected") || keys.contains("modified"))
                        ? FeedKind.OSV
                        : FeedKind.UNKNOWN;
            }
            if (keys.contains("catalogVersion") && keys.contains("vulnerabilities")) {
                return FeedKind.KEV;
            }
            if (keys.contains("document") && (keys.contains("product_tree") || keys.contains("vulnerabilities"))) {
                return FeedKind.CSAF;
            }
            if (keys.contains("format") && keys.contains("vulnerabilities") || keys.contains("resultsPerPage")) {
                return FeedKind.NVD;
            }
            if (keys.contains("cve") && keys.size() <= 3) {
                return FeedKind.NVD;
            }
            if (keys.contains("id") && (keys.contains("sourceIdentifier") || keys.contains("vulnStatus"))) {
                return FeedKind.NVD;
            }
            if (keys.contains("vulns") && !keys.contains("id")) {
                return FeedKind.OSV; // an osv.dev API response
            }
            if (keys.contains("id")
                    && (keys.contains("affected") || keys.contains("schema_version") || keys.contains("modified"))) {
                return FeedKind.OSV;
            }
            return FeedKind.UNKNOWN;
        }
    }

    /** Adds the field names of the object the parser is at (values skipped). */
    private static void keys(JsonParser p, Set<String> keys) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            keys.add(p.currentName());
            p.nextToken();
            p.skipChildren();
        }
    }
}
