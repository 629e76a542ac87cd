package dev.fixpoint.feeds.sbom;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.platform.Ecosystem;
import dev.fixpoint.feeds.BoundedInputStream;
import dev.fixpoint.feeds.FeedFormatException;
import dev.fixpoint.feeds.Json;
import dev.fixpoint.feeds.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a CycloneDX (1.2–1.6) or SPDX 2.x JSON SBOM into an {@link Inventory}: every component or
 * package with a purl becomes an installed package in the ecosystem its purl names (npm, PyPI, Maven,
 * Go, crates.io, and OS packages: deb, rpm, apk with a {@code distro} qualifier or the given OS).
 * Components without a purl, or whose ecosystem cannot be told, are counted as skipped with the reason.
 * One SBOM may mix ecosystems; each package carries its own.
 */
public final class SbomReader {

    private SbomReader() {}

    /**
     * What was read.
     *
     * @param inventory the packages; its ecosystem is the OS when the SBOM's OS packages name one
     * @param format {@code CycloneDX} or {@code SPDX}
     * @param components components or packages seen
     * @param skipped why components were left out, one line each
     */
    public record Result(Inventory inventory, String format, int components, List<String> skipped) {
        public Result {
            skipped = List.copyOf(skipped);
        }
    }

    public static Result read(InputStream raw, String input, Ecosystem defaultOs) {
        Limits limits = Limits.DEFAULT;
        Json json = new Json(limits, input);
        JsonNode root;
        try (InputStream in = new BoundedInputStream(raw, limits.maxFileBytes(), input, "SBOM");
                JsonParser p = json.parser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw json.error(p, "expected an SBOM (a JSON object)");
            }
            root = json.tree(p);
        } catch (IOException e) {
            throw json.error(e);
        }
        List<String[]> purls = new ArrayList<>(); // {purl, component name}
        String format;
        int components = 0;
        List<String> skipped = new ArrayList<>();
        if ("CycloneDX".equals(root.path("bomFormat").asText())) {
            format = "CycloneDX";
            if (defaultOs == null) {
                defaultOs = operatingSystem(root);
            }
            List<JsonNode> todo = new ArrayList<>();
            root.path("components").forEach(todo::add);
            for (int i = 0; i < todo.size(); i++) {
                JsonNode c = todo.get(i);
                c.path("components").forEach(todo::add);
                components++;
                String purl = c.path("purl").asText("");
                if (purl.isEmpty()) {
                    skipped.add(c.path("name").asText("?") + ": no purl");
                } else {
                    purls.add(new String[] {purl, c.path("name").asText("?")});
                }
            }
        } else if (root.has("spdxVersion")) {
            format = "SPDX";
            for (JsonNode pkg : root.path("packages")) {
                components++;
                String purl = null;
                for (JsonNode ref : pkg.path("externalRefs")) {
                    if ("purl".equals(ref.path("referenceType").asText())) {
                        purl = ref.path("referenceLocator").asText();
                        break;
                    }
                }
                if (purl == null) {
                    skipped.add(pkg.path("name").asText("?") + ": no purl");
                } else {
                    purls.add(new String[] {purl, pkg.path("name").asText("?")});
                }
            }
        } else {
            throw new FeedFormatException(input, 1, 1, "not a CycloneDX (bomFormat) or SPDX (spdxVersion) JSON SBOM");
        }
        List<InstalledPackage> packages = new ArrayList<>();
        Map<String, Integer> osCounts = new LinkedHashMap<>();
        for (String[] p : purls) {
            try {
                InstalledPackage ip = toPackage(new PackageURL(p[0]), defaultOs);
                if (ip == null) {
                    skipped.add(p[1] + ": no ecosystem for " + p[0]
                            + (defaultOs == null ? " (name the OS with --os)" : ""));
                } else {
                    packages.add(ip);
                    if (ip.ecosystem().family().distribution()) {
                        osCounts.merge(ip.ecosystem().name(), 1, Integer::sum);
                    }
                }
            } catch (MalformedPackageURLException e) {
                skipped.add(p[1] + ": malformed purl \"" + Json.excerpt(p[0]) + "\": " + e.getMessage());
            }
        }
        Ecosystem os = defaultOs;
        if (os == null && !osCounts.isEmpty()) {
            os = Ecosystem.of(osCounts.entrySet().stream()
                    .max(Map.Entry.comparingByValue())
                    .orElseThrow()
                    .getKey());
        }
        return new Result(new Inventory(os, packages, input), format, components, skipped);
    }

    /**
     * The operating system an image SBOM declares (a CycloneDX component of type {@code
     * operating-system}, as Syft and Trivy write it: name {@code debian}, version {@code 12.4}), mapped
     * with os-release's rules; null when there is none or it is not one Fixpoint knows.
     */
    static Ecosystem operatingSystem(JsonNode bom) {
        List<JsonNode> candidates = new ArrayList<>();
        candidates.add(bom.path("metadata").path("component"));
        bom.path("components").forEach(candidates::add);
        for (JsonNode c : candidates) {
            if ("operating-system".equals(c.path("type").asText())) {
                String id = c.path("name").asText("").toLowerCase(Locale.ROOT);
                String version = c.path("version").asText("");
                if (!id.matches("[a-z0-9._-]{1,40}") || !version.matches("[0-9A-Za-z._-]{0,40}")) {
                    continue;
                }
                dev.fixpoint.core.inventory.OsRelease os = dev.fixpoint.core.inventory.OsRelease.parse(
                        new java.io.StringReader("ID=" + id + "\nVERSION_ID=" + version + "\n"), "SBOM");
                if (os.ecosystem() instanceof dev.fixpoint.core.inventory.OsRelease.Result.Known k) {
                    return k.ecosystem();
                }
            }
        }
        return null;
    }

    static InstalledPackage toPackage(PackageURL p, Ecosystem defaultOs) {
        String version = p.getVersion();
        if (version == null || version.isEmpty()) {
            return null;
        }
        Map<String, String> q = p.getQualifiers() == null ? Map.of() : p.getQualifiers();
        String ns = p.getNamespace();
        String name = p.getName();
        String arch = q.get("arch");
        switch (p.getType()) {
            case "npm":
                return new InstalledPackage(Ecosystem.of("npm"), ns == null ? name : ns + "/" + name, version, null);
            case "pypi":
                return new InstalledPackage(Ecosystem.of("PyPI"), name, version, null);
            case "maven":
                return ns == null ? null : new InstalledPackage(Ecosystem.of("Maven"), ns + ":" + name, version, null);
            case "golang":
                return new InstalledPackage(Ecosystem.of("Go"), ns == null ? name : ns + "/" + name, version, null);
            case "cargo":
                return new InstalledPackage(Ecosystem.of("crates.io"), name, version, null);
            case "deb", "rpm", "apk": {
                Ecosystem eco = distro(p.getType(), ns, q.get("distro"), defaultOs);
                if (eco == null) {
                    return null;
                }
                String v = version;
                if (p.getType().equals("rpm")
                        && q.containsKey("epoch")
                        && !q.get("epoch").equals("0")) {
                    v = q.get("epoch") + ":" + version;
                }
                String sourceName = null;
                String sourceVersion = null;
                String upstream = q.get("upstream");
                if (upstream != null) {
                    upstream = URLDecoder.decode(upstream, StandardCharsets.UTF_8);
                    if (p.getType().equals("rpm") && upstream.endsWith(".src.rpm")) {
                        String s = upstream.substring(0, upstream.length() - ".src.rpm".length());
                        int r = s.lastIndexOf('-');
                        int ver = r > 0 ? s.lastIndexOf('-', r - 1) : -1;
                        if (ver > 0) {
                            sourceName = s.substring(0, ver);
                            sourceVersion = s.substring(ver + 1);
                        }
                    } else {
                        int at = upstream.indexOf('@');
                        sourceName = at > 0 ? upstream.substring(0, at) : upstream;
                        sourceVersion = at > 0 ? upstream.substring(at + 1) : null;
                    }
                }
                return new InstalledPackage(eco, name, v, arch, sourceName, sourceVersion);
            }
            default:
                return null;
        }
    }

    /** The OS ecosystem of an OS package purl: its {@code distro} qualifier, else the given OS. */
    static Ecosystem distro(String type, String namespace, String distro, Ecosystem defaultOs) {
        if (distro != null && !distro.isEmpty()) {
            String d = distro.toLowerCase(Locale.ROOT);
            String release = d.replaceAll("^[a-z-]+?-?(?=[0-9v])", "");
            String major = release.contains(".") ? release.substring(0, release.indexOf('.')) : release;
            String ns = namespace == null ? "" : namespace.toLowerCase(Locale.ROOT);
            if (d.startsWith("debian") || ns.equals("debian")) {
                return Ecosystem.of("Debian:" + major);
            }
            if (d.startsWith("ubuntu") || ns.equals("ubuntu")) {
                return Ecosystem.of("Ubuntu:" + release);
            }
            if (d.startsWith("alpine") || ns.equals("alpine") || type.equals("apk")) {
                String[] parts = release.replaceFirst("^v", "").split("\\.");
                return parts.length >= 2 ? Ecosystem.of("Alpine:v" + parts[0] + "." + parts[1]) : null;
            }
            if (d.startsWith("almalinux") || ns.equals("almalinux")) {
                return Ecosystem.of("AlmaLinux:" + major);
            }
            if (d.startsWith("rocky") || ns.equals("rocky")) {
                return Ecosystem.of("Rocky Linux:" + major);
            }
            if (d.startsWith("rhel") || d.startsWith("redhat") || ns.equals("redhat")) {
                return Ecosystem.of("Red Hat:" + major);
            }
        }
        if (defaultOs != null) {
            String want =
                    switch (defaultOs.family().schemeId() == null
                            ? ""
                            : defaultOs.family().schemeId()) {
                        case "dpkg" -> "deb";
                        case "rpm-evr" -> "rpm";
                        case "apk" -> "apk";
                        default -> "";
                    };
            return want.equals(type) ? defaultOs : null;
        }
        return null;
    }
}
