package dev.fixpoint.app.scan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.advisory.Reference;
import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.matching.Finding;
import dev.fixpoint.core.matching.MatchResult;
import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A CycloneDX 1.6 JSON document that is both a VDR (the vulnerabilities found, with ratings and the
 * fix to apply) and a VEX (an {@code analysis} state per component: {@code exploitable},
 * {@code not_affected} or {@code in_triage}). Each finding becomes one vulnerability entry that
 * affects one component, because the analysis belongs to the (package, advisory) pair.
 */
final class CycloneDxFormat {

    private CycloneDxFormat() {}

    static void write(ScanReport report, String toolVersion, Writer out) throws IOException {
        Map<InstalledPackage, String> refs = new LinkedHashMap<>();
        for (ScanRow r : report.rows()) {
            refs.computeIfAbsent(r.finding().pkg(), p -> "pkg-" + (refs.size() + 1));
        }
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("bomFormat", "CycloneDX");
            g.writeStringField("specVersion", "1.6");
            g.writeStringField("serialNumber", "urn:uuid:" + UUID.randomUUID());
            g.writeNumberField("version", 1);

            g.writeObjectFieldStart("metadata");
            g.writeStringField("timestamp", report.generated().toString());
            g.writeObjectFieldStart("tools");
            g.writeArrayFieldStart("components");
            g.writeStartObject();
            g.writeStringField("type", "application");
            g.writeStringField("name", "fixpoint");
            g.writeStringField("version", toolVersion);
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
            ScanReport.Target t = report.target();
            g.writeObjectFieldStart("component");
            g.writeStringField("type", t.ecosystem() == null ? "application" : "operating-system");
            g.writeStringField("bom-ref", "target");
            g.writeStringField("name", t.input());
            if (t.ecosystem() != null) {
                g.writeStringField("version", t.ecosystem());
            }
            g.writeEndObject();
            g.writeEndObject();

            g.writeArrayFieldStart("components");
            for (Map.Entry<InstalledPackage, String> e : refs.entrySet()) {
                component(g, e.getKey(), e.getValue());
            }
            g.writeEndArray();

            g.writeArrayFieldStart("vulnerabilities");
            int n = 0;
            for (ScanRow r : report.rows()) {
                vulnerability(g, r, "vuln-" + (++n), refs.get(r.finding().pkg()));
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
    }

    private static void component(JsonGenerator g, InstalledPackage p, String ref) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "library");
        g.writeStringField("bom-ref", ref);
        g.writeStringField("name", p.name());
        g.writeStringField("version", p.version());
        Optional<String> purl = Purls.of(p);
        if (purl.isPresent()) {
            g.writeStringField("purl", purl.get());
        }
        g.writeArrayFieldStart("properties");
        property(g, "fixpoint:ecosystem", p.ecosystem().name());
        if (p.arch() != null) {
            property(g, "fixpoint:arch", p.arch());
        }
        if (!p.sourceName().equals(p.name()) || !p.sourceVersion().equals(p.version())) {
            property(g, "fixpoint:sourcePackage", p.sourceName());
            property(g, "fixpoint:sourceVersion", p.sourceVersion());
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void vulnerability(JsonGenerator g, ScanRow row, String ref, String componentRef)
            throws IOException {
        Finding f = row.finding();
        Advisory a = f.advisory();
        RiskView risk = row.risk();
        g.writeStartObject();
        g.writeStringField("bom-ref", ref);
        g.writeStringField("id", a.id());
        g.writeObjectFieldStart("source");
        g.writeStringField("name", a.source());
        g.writeEndObject();
        if (!a.aliases().isEmpty()) {
            g.writeArrayFieldStart("references");
            for (String alias : a.aliases()) {
                g.writeStartObject();
                g.writeStringField("id", alias);
                g.writeObjectFieldStart("source");
                g.writeStringField("name", alias.startsWith("CVE-") ? "NVD" : a.source());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeArrayFieldStart("ratings");
        if (risk.cvss() != null) {
            g.writeStartObject();
            g.writeNumberField("score", risk.cvss().baseScore());
            g.writeStringField("severity", cdxSeverity(risk.severity()));
            g.writeStringField("method", method(risk.cvss().version()));
            g.writeStringField("vector", risk.cvss().vector());
            g.writeEndObject();
        } else {
            g.writeStartObject();
            g.writeStringField("severity", cdxSeverity(risk.severity()));
            g.writeStringField("method", "other");
            g.writeEndObject();
        }
        g.writeEndArray();
        if (!a.cwes().isEmpty()) {
            g.writeArrayFieldStart("cwes");
            for (String cwe : a.cwes()) {
                String digits = cwe.startsWith("CWE-") ? cwe.substring(4) : cwe;
                if (!digits.isEmpty() && digits.length() < 10 && digits.chars().allMatch(Character::isDigit)) {
                    g.writeNumber(Integer.parseInt(digits));
                }
            }
            g.writeEndArray();
        }
        if (a.summary() != null) {
            g.writeStringField("description", a.summary());
        }
        if (a.details() != null) {
            g.writeStringField("detail", a.details());
        }
        if (f.result().fixedVersion() != null) {
            g.writeStringField(
                    "recommendation",
                    "Upgrade " + f.pkg().sourceName() + " to " + f.result().fixedVersion() + " or later");
        }
        if (!a.references().isEmpty()) {
            g.writeArrayFieldStart("advisories");
            for (Reference r : a.references()) {
                g.writeStartObject();
                g.writeStringField("url", r.url());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (a.published() != null) {
            g.writeStringField("published", a.published().toString());
        }
        if (a.modified() != null) {
            g.writeStringField("updated", a.modified().toString());
        }
        analysis(g, f);
        g.writeArrayFieldStart("affects");
        g.writeStartObject();
        g.writeStringField("ref", componentRef);
        g.writeArrayFieldStart("versions");
        g.writeStartObject();
        g.writeStringField("version", f.pkg().version());
        g.writeStringField(
                "status",
                switch (f.state()) {
                    case AFFECTED, AFFECTED_NO_FIX -> "affected";
                    case NOT_AFFECTED -> "unaffected";
                    case UNKNOWN -> "unknown";
                });
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndArray();
        g.writeArrayFieldStart("properties");
        property(g, "fixpoint:state", f.state().name());
        property(g, "fixpoint:decision", risk.decision());
        property(g, "fixpoint:score", Integer.toString(risk.score()));
        if (risk.epss() != null) {
            property(g, "fixpoint:epss:probability", Double.toString(risk.epss().probability()));
            property(g, "fixpoint:epss:percentile", Double.toString(risk.epss().percentile()));
        }
        if (risk.kev() != null) {
            property(g, "fixpoint:kev", risk.kev().cveId());
            if (risk.kev().dueDate() != null) {
                property(g, "fixpoint:kev:dueDate", risk.kev().dueDate().toString());
            }
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void analysis(JsonGenerator g, Finding f) throws IOException {
        g.writeObjectFieldStart("analysis");
        switch (f.state()) {
            case AFFECTED -> {
                g.writeStringField("state", "exploitable");
                g.writeArrayFieldStart("response");
                g.writeString("update");
                g.writeEndArray();
            }
            case AFFECTED_NO_FIX -> g.writeStringField("state", "exploitable");
            case NOT_AFFECTED -> {
                g.writeStringField("state", "not_affected");
                g.writeStringField("justification", "code_not_present");
            }
            case UNKNOWN -> g.writeStringField("state", "in_triage");
        }
        String detail = String.join("; ", f.result().evidence().decisionPath());
        if (f.result() instanceof MatchResult.Unknown u) {
            detail = u.reason() + " (" + detail + ")";
        }
        g.writeStringField("detail", detail);
        g.writeEndObject();
    }

    private static void property(JsonGenerator g, String name, String value) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("value", value);
        g.writeEndObject();
    }

    private static String method(String cvssVersion) {
        return switch (cvssVersion) {
            case "2.0", "2" -> "CVSSv2";
            case "3.0" -> "CVSSv3";
            case "3.1" -> "CVSSv31";
            case "4.0", "4" -> "CVSSv4";
            default -> "other";
        };
    }

    private static String cdxSeverity(String severity) {
        String s = severity.toLowerCase(Locale.ROOT);
        return switch (s) {
            case "critical", "high", "medium", "low", "none" -> s;
            default -> "unknown";
        };
    }
}
