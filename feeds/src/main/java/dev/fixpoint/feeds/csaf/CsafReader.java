package dev.fixpoint.feeds.csaf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.advisory.Affected;
import dev.fixpoint.core.advisory.Event;
import dev.fixpoint.core.advisory.PackageRef;
import dev.fixpoint.core.advisory.Range;
import dev.fixpoint.core.advisory.Reference;
import dev.fixpoint.core.advisory.Severity;
import dev.fixpoint.core.platform.Ecosystem;
import dev.fixpoint.feeds.BoundedInputStream;
import dev.fixpoint.feeds.Json;
import dev.fixpoint.feeds.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a CSAF 2.0 document (security advisory or VEX) into one {@link Advisory}.
 *
 * <p>The product tree is walked for product ids: a package is named by its purl helper (Red Hat) or,
 * without one, by a {@code name-version-release[.arch]} product name (SUSE); the platform it belongs to
 * comes from the {@code relationships} ({@code default_component_of}) and that platform's CPE helper or
 * name. Product status becomes affected entries per (platform ecosystem, package): {@code fixed} and
 * {@code recommended} → affected from 0, fixed in that version; {@code known_affected} → affected, no
 * fix; {@code known_not_affected} → an entry without ranges (not affected). {@code under_investigation}
 * products are left out. Scores ({@code cvss_v2}, {@code cvss_v3}, {@code cvss_v4} vectors), the
 * impact threat and the aggregate severity become severities; CWE ids and references are kept.
 */
public final class CsafReader {

    private static final Pattern ARCH = Pattern.compile(
            "\\.(x86_64|noarch|i[3-6]86|aarch64|ppc64le|ppc64|ppc|s390x|s390|ia64|src|nosrc|armv7hl|armv6hl|riscv64)$");

    private final Limits limits;

    public CsafReader(Limits limits) {
        this.limits = limits;
    }

    public Advisory read(InputStream raw, String input) {
        Json json = new Json(limits, input);
        try (InputStream in = new BoundedInputStream(raw, limits.maxFileBytes(), input, "file");
                JsonParser p = json.parser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw json.error(p, "expected a CSAF document (a JSON object)");
            }
            Json.Node doc = json.node(p);
            return map(doc, input);
        } catch (IOException e) {
            throw json.error(e);
        }
    }

    /** A package product: name, version (or null) and whether it is a source package. */
    private record Pkg(String type, String name, String version) {}

    private static Advisory map(Json.Node r, String input) {
        JsonNode root = r.node();
        JsonNode document = r.object(root, "document", "");
        if (document == null) {
            throw r.error("document", "missing: not a CSAF document");
        }
        JsonNode tracking = r.object(document, "tracking", "document.");
        if (tracking == null) {
            throw r.error("document.tracking", "missing");
        }
        String id = r.requiredText(tracking, "id", "document.tracking.");
        JsonNode publisher = r.object(document, "publisher", "document.");
        String publisherName = publisher == null ? null : r.text(publisher, "name", "document.publisher.");
        String source = "CSAF" + (publisherName == null ? "" : " " + publisherName);

        Map<String, Pkg> packages = new HashMap<>();
        Map<String, String> platforms = new HashMap<>(); // product id -> ecosystem name
        JsonNode tree = r.object(root, "product_tree", "");
        Map<String, String[]> composites = new HashMap<>(); // product id -> {component, platform}
        if (tree != null) {
            walk(r, tree, "product_tree.", packages, platforms);
            for (JsonNode fpn : r.array(tree, "full_product_names", "product_tree.")) {
                product(r, fpn, packages, platforms);
            }
            List<JsonNode> rels = r.array(tree, "relationships", "product_tree.");
            for (int i = 0; i < rels.size(); i++) {
                JsonNode rel = rels.get(i);
                String path = "product_tree.relationships[" + i + "].";
                JsonNode fpn = r.object(rel, "full_product_name", path);
                String component = r.text(rel, "product_reference", path);
                String platform = r.text(rel, "relates_to_product_reference", path);
                if (fpn != null && component != null && platform != null) {
                    String pid = r.text(fpn, "product_id", path + "full_product_name.");
                    if (pid != null) {
                        composites.put(pid, new String[] {component, platform});
                    }
                }
            }
        }

        // (ecosystem, package name) -> statuses
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<String> cves = new ArrayList<>();
        List<Severity> severities = new ArrayList<>();
        Set<String> cwes = new LinkedHashSet<>();
        List<Reference> references = new ArrayList<>();
        JsonNode aggregate = r.object(document, "aggregate_severity", "document.");
        if (aggregate != null && r.text(aggregate, "text", "document.aggregate_severity.") != null) {
            severities.add(new Severity("VENDOR", aggregate.get("text").asText(), publisherName));
        }
        for (JsonNode ref : r.array(document, "references", "document.")) {
            if (ref.hasNonNull("url")) {
                references.add(new Reference(
                        ref.path("category").asText(null), ref.get("url").asText()));
            }
        }
        List<JsonNode> vulns = r.array(root, "vulnerabilities", "");
        for (int v = 0; v < vulns.size(); v++) {
            JsonNode vuln = vulns.get(v);
            String path = "vulnerabilities[" + v + "].";
            String cve = r.text(vuln, "cve", path);
            if (cve != null && !cves.contains(cve)) {
                cves.add(cve);
            }
            JsonNode cwe = r.object(vuln, "cwe", path);
            if (cwe != null && cwe.hasNonNull("id")) {
                cwes.add(cwe.get("id").asText());
            }
            for (JsonNode score : r.array(vuln, "scores", path)) {
                for (String[] k : new String[][] {
                    {"cvss_v2", Severity.CVSS_V2}, {"cvss_v3", Severity.CVSS_V3}, {"cvss_v4", Severity.CVSS_V4}
                }) {
                    JsonNode c = score.get(k[0]);
                    if (c != null && c.hasNonNull("vectorString")) {
                        Severity s = new Severity(k[1], c.get("vectorString").asText(), publisherName);
                        if (!severities.contains(s)) {
                            severities.add(s);
                        }
                    }
                }
            }
            for (JsonNode threat : r.array(vuln, "threats", path)) {
                if ("impact".equals(threat.path("category").asText()) && threat.hasNonNull("details")) {
                    Severity s = new Severity("VENDOR", threat.get("details").asText(), publisherName);
                    if (!severities.contains(s)) {
                        severities.add(s);
                    }
                }
            }
            for (JsonNode ref : r.array(vuln, "references", path)) {
                if (ref.hasNonNull("url")) {
                    Reference rf = new Reference(
                            ref.path("category").asText(null), ref.get("url").asText());
                    if (!references.contains(rf)) {
                        references.add(rf);
                    }
                }
            }
            JsonNode status = r.object(vuln, "product_status", path);
            if (status == null) {
                continue;
            }
            for (String kind : List.of("fixed", "recommended", "known_affected", "known_not_affected")) {
                for (String pid : r.strings(status, kind, path + "product_status.")) {
                    resolve(pid, packages, platforms, composites).ifPresent(t -> {
                        Entry e = entries.computeIfAbsent(
                                t.key(), k -> new Entry(t.ecosystem(), t.pkg().name()));
                        switch (kind) {
                            case "fixed", "recommended" -> {
                                if (t.pkg().version() != null) {
                                    e.fixed.add(t.pkg().version());
                                } else {
                                    e.affected = true; // fixed, but in which version is not said
                                }
                            }
                            case "known_affected" -> e.affected = true;
                            default -> e.notAffected = true;
                        }
                    });
                }
            }
        }
        List<Affected> affected = new ArrayList<>();
        for (Entry e : entries.values()) {
            affected.add(e.toAffected());
        }
        String title = r.text(document, "title", "document.");
        String details = null;
        for (JsonNode note : r.array(document, "notes", "document.")) {
            if ("summary".equals(note.path("category").asText()) && note.hasNonNull("text")) {
                details = note.get("text").asText();
                break;
            }
        }
        List<String> aliases = new ArrayList<>(cves);
        aliases.remove(id);
        return new Advisory(
                id,
                source,
                input,
                aliases,
                List.of(),
                title,
                details,
                severities,
                r.instant(tracking, "initial_release_date", "document.tracking."),
                r.instant(tracking, "current_release_date", "document.tracking."),
                null,
                affected,
                references,
                List.copyOf(cwes));
    }

    /** Statuses of one package on one platform, across the document's vulnerabilities. */
    private static final class Entry {
        final Ecosystem ecosystem;
        final String name;
        final Set<String> fixed = new LinkedHashSet<>();
        boolean affected;
        boolean notAffected;

        Entry(Ecosystem ecosystem, String name) {
            this.ecosystem = ecosystem;
            this.name = name;
        }

        Affected toAffected() {
            List<Range> ranges = new ArrayList<>();
            for (String f : fixed) {
                ranges.add(new Range(Range.Type.ECOSYSTEM, List.of(Event.introduced("0"), Event.fixed(f))));
            }
            if (ranges.isEmpty() && affected) {
                ranges.add(new Range(Range.Type.ECOSYSTEM, List.of(Event.introduced("0"))));
            }
            return new Affected(new PackageRef(ecosystem, name), ranges);
        }
    }

    private record Target(Ecosystem ecosystem, Pkg pkg) {
        String key() {
            return ecosystem.name() + '\u0000' + pkg.name();
        }
    }

    private static java.util.Optional<Target> resolve(
            String pid, Map<String, Pkg> packages, Map<String, String> platforms, Map<String, String[]> composites) {
        String[] c = composites.get(pid);
        if (c == null) {
            return java.util.Optional.empty(); // a product without a platform: nothing to match against
        }
        Pkg pkg = packages.get(c[0]);
        String platform = platforms.get(c[1]);
        if (pkg == null || platform == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Target(Ecosystem.of(platform), pkg));
    }

    private static void walk(
            Json.Node r, JsonNode node, String path, Map<String, Pkg> packages, Map<String, String> platforms) {
        List<JsonNode> branches = r.array(node, "branches", path);
        for (int i = 0; i < branches.size(); i++) {
            JsonNode b = branches.get(i);
            JsonNode product = b.get("product");
            if (product != null && product.isObject()) {
                product(r, product, packages, platforms);
            }
            walk(r, b, path + "branches[" + i + "].", packages, platforms);
        }
    }

    private static void product(
            Json.Node r, JsonNode product, Map<String, Pkg> packages, Map<String, String> platforms) {
        String pid = product.path("product_id").asText(null);
        String name = product.path("name").asText("");
        if (pid == null) {
            return;
        }
        JsonNode helper = product.get("product_identification_helper");
        String purl = helper == null ? null : helper.path("purl").asText(null);
        String cpe = helper == null ? null : helper.path("cpe").asText(null);
        if (purl != null) {
            Pkg p = fromPurl(purl);
            if (p != null) {
                packages.put(pid, p);
                return;
            }
        }
        if (cpe != null) {
            String eco = ecosystemOf(cpe, name);
            if (eco != null) {
                platforms.put(pid, eco);
                return;
            }
        }
        Pkg p = fromNevra(name.isEmpty() ? pid : name);
        if (p != null) {
            packages.put(pid, p);
        }
    }

    /** Red Hat's platforms by CPE ({@code Red Hat:enterprise_linux:9::appstream}); SUSE's by name. */
    static String ecosystemOf(String cpe, String name) {
        String[] parts = cpe.startsWith("cpe:/") ? cpe.substring(5).split(":", -1) : cpe.split(":", -1);
        if (cpe.startsWith("cpe:2.3:")) {
            parts = cpe.substring(8).split(":", -1);
        }
        if (parts.length < 3) {
            return null;
        }
        String vendor = parts[1];
        if (vendor.equals("redhat")) {
            List<String> rest = new ArrayList<>();
            for (int i = 2; i < parts.length; i++) {
                rest.add(parts[i].equals("*") || parts[i].equals("-") ? "" : parts[i]);
            }
            while (!rest.isEmpty() && rest.get(rest.size() - 1).isEmpty()) {
                rest.remove(rest.size() - 1);
            }
            return "Red Hat:" + String.join(":", rest);
        }
        if (vendor.equals("suse") || vendor.equals("opensuse")) {
            if (name.startsWith("openSUSE ")) {
                return "openSUSE:" + name.substring("openSUSE ".length());
            }
            if (name.startsWith("SUSE ")) {
                return "SUSE:" + name.substring("SUSE ".length());
            }
        }
        return null;
    }

    private static Pkg fromPurl(String purl) {
        try {
            PackageURL p = new PackageURL(purl);
            String version = p.getVersion();
            Map<String, String> q = p.getQualifiers() == null ? Map.of() : p.getQualifiers();
            if (version != null && q.containsKey("epoch") && !q.get("epoch").equals("0")) {
                version = q.get("epoch") + ":" + version;
            }
            String name = p.getNamespace() != null
                            && !p.getType().equals("rpm")
                            && !p.getType().equals("deb")
                    ? p.getNamespace() + (p.getType().equals("maven") ? ":" : "/") + p.getName()
                    : p.getName();
            return new Pkg(p.getType(), name, version);
        } catch (MalformedPackageURLException e) {
            return null;
        }
    }

    /** {@code name-version-release[.arch]} (SUSE product names), or a bare name without version. */
    static Pkg fromNevra(String text) {
        String s = ARCH.matcher(text).replaceFirst("");
        int r = s.lastIndexOf('-');
        int v = r > 0 ? s.lastIndexOf('-', r - 1) : -1;
        if (v > 0 && Character.isDigit(s.charAt(v + 1)) && r + 1 < s.length()) {
            return new Pkg("rpm", s.substring(0, v), s.substring(v + 1));
        }
        if (s.isEmpty() || s.contains(" ")) {
            return null;
        }
        return new Pkg("rpm", s, null);
    }
}
