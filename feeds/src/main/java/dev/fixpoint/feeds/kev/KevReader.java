package dev.fixpoint.feeds.kev;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fixpoint.core.signal.KevCatalog;
import dev.fixpoint.core.signal.KevEntry;
import dev.fixpoint.feeds.BoundedInputStream;
import dev.fixpoint.feeds.FeedFormatException;
import dev.fixpoint.feeds.Json;
import dev.fixpoint.feeds.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads CISA's Known Exploited Vulnerabilities catalogue (JSON, as published at
 * {@code known_exploited_vulnerabilities.json}), keeping due dates, required actions and known
 * ransomware use. Streams the {@code vulnerabilities} array one entry at a time.
 */
public final class KevReader {

    private final Limits limits;

    public KevReader(Limits limits) {
        this.limits = limits;
    }

    public KevCatalog read(InputStream raw, String input) {
        Json json = new Json(limits, input);
        String version = null;
        Instant released = null;
        Integer count = null;
        Map<String, KevEntry> entries = new LinkedHashMap<>();
        try (InputStream in = new BoundedInputStream(raw, limits.maxFileBytes(), input, "file");
                JsonParser p = json.parser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw json.error(p, "expected the KEV catalogue (a JSON object)");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "catalogVersion" -> version = p.getValueAsString();
                    case "dateReleased" -> {
                        try {
                            released = Instant.parse(p.getValueAsString());
                        } catch (DateTimeParseException | NullPointerException e) {
                            throw json.error(p, "dateReleased is not a timestamp");
                        }
                    }
                    case "count" -> count = p.getValueAsInt();
                    case "vulnerabilities" -> {
                        if (t != JsonToken.START_ARRAY) {
                            throw json.error(p, "vulnerabilities: expected an array");
                        }
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            KevEntry e = entry(json.node(p));
                            entries.put(e.cveId(), e);
                        }
                        if (p.currentToken() != JsonToken.END_ARRAY) {
                            throw json.error(p, "vulnerabilities: expected objects");
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw json.error(e);
        }
        if (version == null) {
            throw new FeedFormatException(input, 0, 0, "not a KEV catalogue: no catalogVersion");
        }
        if (count != null && count != entries.size()) {
            throw new FeedFormatException(
                    input, 0, 0, "the catalogue says count " + count + " but lists " + entries.size() + " entries");
        }
        return new KevCatalog(version, released, entries);
    }

    private static KevEntry entry(Json.Node r) {
        JsonNode n = r.node();
        String cve = r.requiredText(n, "cveID", "");
        if (!cve.startsWith("CVE-")) {
            throw r.error("cveID", "not a CVE id: \"" + Json.excerpt(cve) + "\"");
        }
        String ransomware = r.text(n, "knownRansomwareCampaignUse", "");
        List<String> cwes = n.has("cwes") && n.get("cwes").isArray() ? r.strings(n, "cwes", "") : List.of();
        return new KevEntry(
                cve,
                r.text(n, "vendorProject", ""),
                r.text(n, "product", ""),
                r.text(n, "vulnerabilityName", ""),
                date(r, n, "dateAdded"),
                r.text(n, "shortDescription", ""),
                r.text(n, "requiredAction", ""),
                date(r, n, "dueDate"),
                ransomware != null && ransomware.toLowerCase(Locale.ROOT).equals("known"),
                r.text(n, "notes", ""),
                cwes);
    }

    private static LocalDate date(Json.Node r, JsonNode n, String field) {
        String s = r.text(n, field, "");
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return LocalDate.parse(s);
        } catch (DateTimeParseException e) {
            throw r.error(field, "not a date: \"" + Json.excerpt(s) + "\"");
        }
    }
}
