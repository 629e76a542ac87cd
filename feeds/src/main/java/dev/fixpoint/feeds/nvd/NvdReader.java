package dev.fixpoint.feeds.nvd;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fixpoint.core.advisory.Severity;
import dev.fixpoint.core.signal.CveEnrichment;
import dev.fixpoint.feeds.BoundedInputStream;
import dev.fixpoint.feeds.Json;
import dev.fixpoint.feeds.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads NVD CVE JSON 2.0 — API responses and the yearly feeds ({@code {"format":"NVD_CVE",
 * "vulnerabilities":[{"cve":…}]}}) and single CVE records — for enrichment only: CVSS v2/v3.x/v4.0
 * vectors and CWE ids. NVD's CPE applicability is not used for matching (DESIGN.md: vendor first).
 */
public final class NvdReader {

    private final Limits limits;

    public NvdReader(Limits limits) {
        this.limits = limits;
    }

    public int read(InputStream raw, String input, Consumer<CveEnrichment> sink) {
        Json json = new Json(limits, input);
        int n = 0;
        try (InputStream in = new BoundedInputStream(raw, limits.maxFileBytes(), input, "file");
                JsonParser p = json.parser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw json.error(p, "expected an NVD CVE document (a JSON object)");
            }
            JsonToken t;
            // A feed or API page streams its array; a single record is read as a whole.
            com.fasterxml.jackson.databind.node.ObjectNode single = null;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("vulnerabilities") && p.currentToken() == JsonToken.START_ARRAY) {
                    while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
                        Json.Node item = json.node(p);
                        JsonNode cve = item.node().get("cve");
                        if (cve == null || !cve.isObject()) {
                            throw item.error("vulnerabilities[" + n + "]", "expected a \"cve\" object");
                        }
                        sink.accept(enrichment(new Json.Node(cve, json, item.line(), item.column())));
                        n++;
                    }
                } else {
                    JsonNode value = json.tree(p);
                    if (single == null) {
                        single = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
                    }
                    single.set(field, value);
                }
            }
            if (n == 0 && single != null) {
                JsonNode cve = single.has("cve") ? single.get("cve") : single;
                sink.accept(enrichment(new Json.Node(cve, json, 1, 1)));
                n++;
            }
        } catch (IOException e) {
            throw json.error(e);
        }
        return n;
    }

    static CveEnrichment enrichment(Json.Node r) {
        JsonNode cve = r.node();
        String id = r.requiredText(cve, "id", "cve.");
        List<Severity> cvss = new ArrayList<>();
        JsonNode metrics = r.object(cve, "metrics", "cve.");
        if (metrics != null) {
            for (var m : metrics.properties()) {
                String type =
                        switch (m.getKey()) {
                            case "cvssMetricV2" -> Severity.CVSS_V2;
                            case "cvssMetricV30", "cvssMetricV31" -> Severity.CVSS_V3;
                            case "cvssMetricV40" -> Severity.CVSS_V4;
                            default -> null;
                        };
                if (type == null || !m.getValue().isArray()) {
                    continue;
                }
                for (JsonNode metric : m.getValue()) {
                    JsonNode data = metric.get("cvssData");
                    if (data != null && data.hasNonNull("vectorString")) {
                        String vector = data.get("vectorString").asText();
                        String source = metric.hasNonNull("source")
                                ? metric.get("source").asText()
                                : null;
                        String kind =
                                metric.hasNonNull("type") ? metric.get("type").asText() : null;
                        cvss.add(new Severity(
                                type, vector, source == null ? kind : source + (kind == null ? "" : " " + kind)));
                    }
                }
            }
        }
        List<String> cwes = new ArrayList<>();
        for (JsonNode w : r.array(cve, "weaknesses", "cve.")) {
            JsonNode descriptions = w.get("description");
            if (descriptions != null && descriptions.isArray()) {
                for (JsonNode d : descriptions) {
                    String v = d.path("value").asText("");
                    if (v.startsWith("CWE-") && !cwes.contains(v)) {
                        cwes.add(v);
                    }
                }
            }
        }
        return new CveEnrichment(id, cvss, cwes);
    }
}
