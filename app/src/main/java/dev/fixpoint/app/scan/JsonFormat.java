package dev.fixpoint.app.scan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fixpoint.core.matching.Evidence;
import dev.fixpoint.core.matching.Finding;
import dev.fixpoint.core.matching.MatchResult;
import dev.fixpoint.core.matching.MatchState;
import dev.fixpoint.core.signal.KevEntry;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/**
 * The stable JSON output of {@code fixpoint scan --format json}, documented in {@code docs/scan.md}.
 * Fields are only ever added within a schema version; renaming or removing one bumps {@link #SCHEMA}.
 */
final class JsonFormat {

    static final String SCHEMA = "https://fixpoint.dev/schemas/scan/v1";

    private JsonFormat() {}

    static void write(ScanReport report, Writer out) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("schema", SCHEMA);
            g.writeStringField("generated", report.generated().toString());

            ScanReport.Target t = report.target();
            g.writeObjectFieldStart("target");
            g.writeStringField("input", t.input());
            g.writeStringField("kind", t.kind());
            g.writeStringField("ecosystem", t.ecosystem());
            g.writeNumberField("packages", t.packages());
            g.writeEndObject();

            ScanReport.Feeds f = report.feeds();
            g.writeObjectFieldStart("feeds");
            g.writeNumberField("files", f.files());
            g.writeNumberField("advisories", f.advisories());
            g.writeStringField("kevVersion", f.kevVersion());
            g.writeNumberField("kevEntries", f.kevEntries());
            g.writeStringField("epssModel", f.epssModel());
            g.writeStringField(
                    "epssDate", f.epssDate() == null ? null : f.epssDate().toString());
            g.writeNumberField("epssScores", f.epssScores());
            stringArray(g, "warnings", f.warnings());
            g.writeEndObject();

            g.writeObjectFieldStart("summary");
            for (Map.Entry<MatchState, Integer> e : report.countByState().entrySet()) {
                g.writeNumberField(e.getKey().name(), e.getValue());
            }
            g.writeEndObject();

            g.writeArrayFieldStart("findings");
            for (ScanRow r : report.rows()) {
                finding(g, r);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
    }

    private static void finding(JsonGenerator g, ScanRow row) throws IOException {
        Finding f = row.finding();
        RiskView risk = row.risk();
        g.writeStartObject();
        g.writeStringField("package", f.pkg().name());
        g.writeStringField("installed", f.pkg().version());
        g.writeStringField("arch", f.pkg().arch());
        g.writeStringField("ecosystem", f.pkg().ecosystem().name());
        g.writeStringField("sourcePackage", f.pkg().sourceName());
        g.writeStringField("sourceVersion", f.pkg().sourceVersion());
        g.writeStringField("advisory", f.advisory().id());
        g.writeStringField("advisorySource", f.advisory().source());
        g.writeStringField("fixed", f.result().fixedVersion());
        g.writeStringField("state", f.state().name());
        if (f.result() instanceof MatchResult.Unknown u) {
            g.writeStringField("reason", u.reason());
        } else {
            g.writeNullField("reason");
        }
        stringArray(g, "aliases", f.advisory().aliases());
        stringArray(g, "cves", f.advisory().cveIds());
        g.writeStringField("summary", f.advisory().summary());
        g.writeStringField("severity", risk.severity());
        if (risk.cvss() == null) {
            g.writeNullField("cvss");
        } else {
            g.writeObjectFieldStart("cvss");
            g.writeStringField("version", risk.cvss().version());
            g.writeStringField("vector", risk.cvss().vector());
            g.writeNumberField("baseScore", risk.cvss().baseScore());
            g.writeEndObject();
        }
        if (risk.epss() == null) {
            g.writeNullField("epss");
        } else {
            g.writeObjectFieldStart("epss");
            g.writeStringField("cve", risk.epss().cveId());
            g.writeNumberField("probability", risk.epss().probability());
            g.writeNumberField("percentile", risk.epss().percentile());
            g.writeEndObject();
        }
        KevEntry kev = risk.kev();
        if (kev == null) {
            g.writeNullField("kev");
        } else {
            g.writeObjectFieldStart("kev");
            g.writeStringField("cve", kev.cveId());
            g.writeStringField(
                    "dateAdded",
                    kev.dateAdded() == null ? null : kev.dateAdded().toString());
            g.writeStringField(
                    "dueDate", kev.dueDate() == null ? null : kev.dueDate().toString());
            g.writeStringField("requiredAction", kev.requiredAction());
            g.writeBooleanField("knownRansomwareUse", kev.knownRansomwareUse());
            g.writeEndObject();
        }
        g.writeStringField("decision", risk.decision());
        g.writeNumberField("score", risk.score());
        stringArray(g, "factors", risk.factors());
        evidence(g, f.result().evidence());
        g.writeEndObject();
    }

    private static void evidence(JsonGenerator g, Evidence e) throws IOException {
        g.writeObjectFieldStart("evidence");
        g.writeStringField("advisoryId", e.advisoryId());
        g.writeStringField("advisorySource", e.advisorySource());
        g.writeStringField("advisoryEcosystem", e.advisoryEcosystem());
        g.writeStringField("advisoryPackage", e.advisoryPackage());
        g.writeStringField("matchedBy", e.matchedBy());
        g.writeStringField("scheme", e.scheme());
        g.writeStringField("installedVersion", e.installedVersion());
        g.writeStringField("fixedVersion", e.fixedVersion());
        g.writeStringField("range", e.range());
        stringArray(g, "decisionPath", e.decisionPath());
        g.writeEndObject();
    }

    private static void stringArray(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
