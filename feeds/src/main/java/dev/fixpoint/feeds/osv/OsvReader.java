package dev.fixpoint.feeds.osv;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.advisory.Affected;
import dev.fixpoint.core.advisory.Event;
import dev.fixpoint.core.advisory.PackageRef;
import dev.fixpoint.core.advisory.Range;
import dev.fixpoint.core.advisory.Reference;
import dev.fixpoint.core.advisory.Severity;
import dev.fixpoint.core.platform.Ecosystem;
import dev.fixpoint.feeds.BoundedInputStream;
import dev.fixpoint.feeds.FeedFormatException;
import dev.fixpoint.feeds.Json;
import dev.fixpoint.feeds.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads OSV records (https://ossf.github.io/osv-schema/): a single JSON object, a JSON array of them,
 * an osv.dev API response ({@code {"vulns": [...]}}), or osv.dev's per-ecosystem {@code all.zip}. Streams: one record at a time is held as a tree.
 * Unknown fields are ignored; a field of the wrong type, a range without events or an unknown event is
 * an error naming the file, the record's position and the field.
 */
public final class OsvReader {

    /** The source of every advisory read here, for evidence. */
    public static final String SOURCE = "OSV";

    private static final Pattern VENDOR_RATING =
            Pattern.compile("^(Critical|Important|Moderate|Low)\\s*:", Pattern.CASE_INSENSITIVE);

    private final Limits limits;

    public OsvReader(Limits limits) {
        this.limits = limits;
    }

    /** Reads a JSON file holding one record or an array of records. */
    public int readFile(Path file, Consumer<Advisory> sink) {
        String input = file.toString();
        try (InputStream in =
                new BoundedInputStream(Files.newInputStream(file), limits.maxFileBytes(), input, "file")) {
            return read(in, input, sink);
        } catch (IOException e) {
            throw new FeedFormatException(input, 0, 0, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads one record or an array of records from a stream; {@code input} names it in errors. */
    public int read(InputStream in, String input, Consumer<Advisory> sink) {
        Json json = new Json(limits, input);
        try (JsonParser p = json.parser(in)) {
            JsonToken t = p.nextToken();
            int n = 0;
            if (t == JsonToken.START_ARRAY) {
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.START_OBJECT) {
                        throw json.error(p, "expected an OSV record (an object) in the array");
                    }
                    sink.accept(map(json.node(p), input));
                    n++;
                }
            } else if (t == JsonToken.START_OBJECT) {
                Json.Node record = json.node(p);
                JsonNode vulns = record.node().get("vulns");
                if (vulns != null && !record.node().has("id")) {
                    // an osv.dev API response: {"vulns": [records]}
                    List<JsonNode> list = record.array(record.node(), "vulns", "");
                    for (JsonNode v : list) {
                        if (!v.isObject()) {
                            throw record.error("vulns[" + n + "]", "expected an OSV record");
                        }
                        sink.accept(map(new Json.Node(v, json, record.line(), record.column()), input));
                        n++;
                    }
                } else {
                    sink.accept(map(record, input));
                    n++;
                }
            } else {
                throw json.error(p, "expected an OSV record (a JSON object) or an array of them");
            }
            if (p.nextToken() != null) {
                throw json.error(p, "unexpected content after the JSON value");
            }
            return n;
        } catch (IOException e) {
            throw json.error(e);
        }
    }

    /**
     * Reads osv.dev's {@code all.zip} (or any zip of OSV JSON files). Entries that are not {@code
     * .json} files, and names with {@code ..} or absolute paths, are skipped; entry sizes and
     * compression ratios are bounded.
     */
    public int readZip(Path zip, Consumer<Advisory> sink) {
        String input = zip.toString();
        int n = 0;
        try (ZipInputStream zin = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = zin.getNextEntry(); e != null; e = zin.getNextEntry()) {
                String name = e.getName();
                if (e.isDirectory() || !name.endsWith(".json") || name.contains("..") || name.startsWith("/")) {
                    continue;
                }
                String where = input + "!" + name;
                InputStream bounded = new BoundedInputStream(
                        BoundedInputStream.keepOpen(zin), limits.maxEntryBytes(), where, "zip entry");
                n += read(bounded, where, sink);
                bounded.transferTo(java.io.OutputStream.nullOutputStream()); // to the end, so sizes are known
                long compressed = e.getCompressedSize();
                if (compressed > 0 && e.getSize() / compressed > limits.maxCompressionRatio()) {
                    throw new FeedFormatException(
                            where,
                            0,
                            0,
                            "compression ratio above " + limits.maxCompressionRatio() + ": refusing a likely zip bomb");
                }
            }
            return n;
        } catch (IOException e) {
            throw new FeedFormatException(input, 0, 0, "cannot read zip: " + e.getMessage(), e);
        }
    }

    static Advisory map(Json.Node r, String origin) {
        JsonNode n = r.node();
        String id = r.requiredText(n, "id", "");
        List<String> aliases = r.strings(n, "aliases", "");
        List<String> related = new ArrayList<>(r.strings(n, "related", ""));
        for (String u : r.strings(n, "upstream", "")) {
            if (!related.contains(u)) {
                related.add(u); // OSV 1.6 "upstream": the CVEs a distribution advisory fixes
            }
        }
        String summary = r.text(n, "summary", "");
        List<Severity> severities = new ArrayList<>(severities(r, n, ""));
        JsonNode dbSpecific = n.get("database_specific");
        if (dbSpecific != null && dbSpecific.isObject()) {
            JsonNode sev = dbSpecific.get("severity");
            if (sev != null && sev.isTextual() && !sev.textValue().isEmpty()) {
                severities.add(new Severity("DATABASE_SPECIFIC", sev.textValue(), id.split("-")[0]));
            }
        }
        if (summary != null) {
            Matcher m = VENDOR_RATING.matcher(summary);
            if (m.find()) {
                severities.add(new Severity("VENDOR", m.group(1), "summary"));
            }
        }
        List<Affected> affected = new ArrayList<>();
        List<JsonNode> entries = r.array(n, "affected", "");
        for (int i = 0; i < entries.size(); i++) {
            String path = "affected[" + i + "].";
            JsonNode a = entries.get(i);
            if (!a.isObject()) {
                throw r.error("affected[" + i + "]", "expected an object");
            }
            Affected mapped = affected(r, a, path);
            if (mapped != null) {
                affected.add(mapped);
            }
            severities.addAll(severities(r, a, path));
        }
        List<Reference> references = new ArrayList<>();
        List<JsonNode> refs = r.array(n, "references", "");
        for (int i = 0; i < refs.size(); i++) {
            String url = r.text(refs.get(i), "url", "references[" + i + "].");
            if (url != null && !url.isEmpty()) {
                references.add(new Reference(r.text(refs.get(i), "type", "references[" + i + "]."), url));
            }
        }
        List<String> cwes = new ArrayList<>();
        if (dbSpecific != null && dbSpecific.isObject()) {
            cwes.addAll(r.strings(dbSpecific, "cwe_ids", "database_specific."));
        }
        return new Advisory(
                id,
                SOURCE,
                origin,
                aliases,
                related,
                summary,
                r.text(n, "details", ""),
                severities,
                r.instant(n, "published", ""),
                r.instant(n, "modified", ""),
                r.instant(n, "withdrawn", ""),
                affected,
                references,
                cwes);
    }

    private static List<Severity> severities(Json.Node r, JsonNode parent, String path) {
        List<Severity> out = new ArrayList<>();
        List<JsonNode> sev = r.array(parent, "severity", path);
        for (int i = 0; i < sev.size(); i++) {
            String p = path + "severity[" + i + "].";
            String type = r.requiredText(sev.get(i), "type", p);
            String score = r.requiredText(sev.get(i), "score", p);
            out.add(new Severity(type, score));
        }
        return out;
    }

    /** One affected entry, or null when it names no package (repository-only GIT entries). */
    private static Affected affected(Json.Node r, JsonNode a, String path) {
        JsonNode pkg = r.object(a, "package", path);
        if (pkg == null) {
            return null;
        }
        String ecosystem = r.text(pkg, "ecosystem", path + "package.");
        String name = r.text(pkg, "name", path + "package.");
        if (ecosystem == null || ecosystem.isBlank() || name == null || name.isBlank()) {
            throw r.error(path + "package", "needs an ecosystem and a name");
        }
        PackageRef ref = new PackageRef(Ecosystem.of(ecosystem), name, r.text(pkg, "purl", path + "package."));
        List<Range> ranges = new ArrayList<>();
        List<JsonNode> rs = r.array(a, "ranges", path);
        for (int i = 0; i < rs.size(); i++) {
            ranges.add(range(r, rs.get(i), path + "ranges[" + i + "]."));
        }
        List<String> versions = r.strings(a, "versions", path);
        List<String> binaries = new ArrayList<>();
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String specific : List.of("ecosystem_specific", "database_specific")) {
            JsonNode s = a.get(specific);
            if (s == null || !s.isObject()) {
                continue;
            }
            JsonNode bins = s.get("binaries");
            if (bins != null && bins.isArray()) {
                for (JsonNode b : bins) {
                    if (b.isTextual()) {
                        binaries.add(b.textValue());
                    } else if (b.isObject() && b.has("binary_name")) {
                        binaries.add(b.get("binary_name").asText());
                    }
                }
            }
            for (Map.Entry<String, JsonNode> f : s.properties()) {
                if (f.getValue().isValueNode()) {
                    attributes.put(specific + "." + f.getKey(), f.getValue().asText());
                }
            }
        }
        return new Affected(ref, ranges, versions, binaries, attributes);
    }

    private static Range range(Json.Node r, JsonNode n, String path) {
        String typeText = r.requiredText(n, "type", path);
        Range.Type type;
        try {
            type = Range.Type.valueOf(typeText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw r.error(path + "type", "unknown range type \"" + Json.excerpt(typeText) + "\"");
        }
        List<JsonNode> evs = r.array(n, "events", path);
        if (evs.isEmpty()) {
            throw r.error(path + "events", "a range needs at least one event");
        }
        List<Event> events = new ArrayList<>(evs.size());
        for (int i = 0; i < evs.size(); i++) {
            JsonNode e = evs.get(i);
            String p = path + "events[" + i + "]";
            if (!e.isObject() || e.size() != 1) {
                throw r.error(p, "an event has exactly one of introduced, fixed, last_affected, limit");
            }
            Map.Entry<String, JsonNode> field = e.properties().iterator().next();
            Event.Kind kind;
            switch (field.getKey()) {
                case "introduced" -> kind = Event.Kind.INTRODUCED;
                case "fixed" -> kind = Event.Kind.FIXED;
                case "last_affected" -> kind = Event.Kind.LAST_AFFECTED;
                case "limit" -> kind = Event.Kind.LIMIT;
                default -> throw r.error(p, "unknown event \"" + Json.excerpt(field.getKey()) + "\"");
            }
            if (!field.getValue().isTextual() || field.getValue().textValue().isEmpty()) {
                throw r.error(p + "." + field.getKey(), "expected a non-empty version string");
            }
            events.add(new Event(kind, field.getValue().textValue()));
        }
        return new Range(type, r.text(n, "repo", path), events);
    }
}
