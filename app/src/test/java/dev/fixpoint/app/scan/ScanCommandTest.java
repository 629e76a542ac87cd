package dev.fixpoint.app.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.app.Main;
import dev.fixpoint.core.testing.Ci;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fixpoint scan} end to end, through the command line, on real inventories and advisories. */
class ScanCommandTest {

    private static final Path EXTRACTED = extracted();

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(out);
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    /**
     * A test resource as a file: this module's own are files already; core's (in its test jar when the
     * whole build runs) are copied out once.
     */
    static String res(String name) {
        java.net.URL url = Objects.requireNonNull(ScanCommandTest.class.getResource("/" + name), name);
        try {
            if (url.getProtocol().equals("file")) {
                return Path.of(url.toURI()).toString();
            }
            Path copy = EXTRACTED.resolve(name);
            if (!Files.exists(copy)) {
                Files.createDirectories(copy.getParent());
                try (java.io.InputStream in = url.openStream()) {
                    Files.copy(in, copy);
                }
            }
            return copy.toString();
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot read test resource " + name, e);
        }
    }

    static final String UBI9 = res("inventories/ubi9-9.2.rpm-list.tsv");
    static final String ALMA_FEEDS = res("scan/alma-feeds");

    @Test
    void tableOfARealRpmInventorySortedByRisk() {
        Run r = run("scan", "--rpm-list", UBI9, "--os", "AlmaLinux:9", "--feeds", ALMA_FEEDS);
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).contains("180 packages against 3 advisories");
        assertThat(lines.get(1))
                .startsWith("PACKAGE")
                .contains("INSTALLED", "FIXED", "ADVISORY", "CVES", "SEVERITY", "EPSS", "KEV", "DECISION");
        // CVE-2023-44487 (HTTP/2 rapid reset) is in KEV: its advisory comes first.
        assertThat(lines.get(2))
                .contains("libnghttp2", "1.43.0-5.el9_2.1", "1.43.0-5.el9_3.1", "ALSA-2023:6746", "CVE-2023-44487")
                .contains("yes");
        assertThat(r.out()).contains("glibc ", "2.34-60.el9_2.7", "2.34-100.el9_4.2", "ALSA-2024:3339");
        assertThat(r.err()).contains("loading feeds: 5/5 files");
    }

    @Test
    void jsonFindingsCarryTheDocumentedFields() throws IOException {
        Run r = run("scan", "--rpm-list", UBI9, "--os", "AlmaLinux:9", "--feeds", ALMA_FEEDS, "--format", "json", "-q");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        JsonNode doc = r.json();
        assertThat(doc.get("schema").asText()).isEqualTo(JsonFormat.SCHEMA);
        assertThat(doc.at("/target/ecosystem").asText()).isEqualTo("AlmaLinux:9");
        assertThat(doc.at("/feeds/kevEntries").asInt()).isEqualTo(1);
        JsonNode first = doc.get("findings").get(0);
        for (String field : List.of(
                "package",
                "installed",
                "advisory",
                "fixed",
                "state",
                "aliases",
                "severity",
                "epss",
                "kev",
                "decision",
                "score",
                "evidence")) {
            assertThat(first.has(field)).as(field).isTrue();
        }
        assertThat(first.get("package").asText()).isEqualTo("libnghttp2");
        assertThat(first.get("state").asText()).isEqualTo("AFFECTED");
        assertThat(first.get("fixed").asText()).isEqualTo("1.43.0-5.el9_3.1");
        assertThat(first.at("/kev/cve").asText()).isEqualTo("CVE-2023-44487");
        assertThat(first.at("/epss/probability").asDouble()).isGreaterThan(0.9);
        assertThat(first.at("/evidence/scheme").asText()).isEqualTo("rpm-evr");
        assertThat(first.at("/evidence/decisionPath")).isNotEmpty();
        assertThat(doc.at("/summary/AFFECTED").asInt())
                .isEqualTo(doc.get("findings").size());
    }

    @Test
    void cycloneDxVulnerabilityReport() throws IOException {
        Path out = tmp.resolve("vdr.json");
        Run r = run(
                "scan",
                "--rpm-list",
                UBI9,
                "--os",
                "AlmaLinux:9",
                "--feeds",
                ALMA_FEEDS,
                "--format",
                "cyclonedx",
                "-o",
                out.toString(),
                "-q");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode bom = new ObjectMapper().readTree(out.toFile());
        assertThat(bom.get("bomFormat").asText()).isEqualTo("CycloneDX");
        assertThat(bom.get("specVersion").asText()).isEqualTo("1.6");
        JsonNode v = bom.get("vulnerabilities").get(0);
        assertThat(v.get("id").asText()).isEqualTo("ALSA-2023:6746");
        assertThat(v.at("/analysis/state").asText()).isEqualTo("exploitable");
        assertThat(v.at("/analysis/response/0").asText()).isEqualTo("update");
        String ref = v.at("/affects/0/ref").asText();
        List<String> purls = new ArrayList<>();
        for (JsonNode c : bom.get("components")) {
            if (c.get("bom-ref").asText().equals(ref)) {
                purls.add(c.get("purl").asText());
            }
        }
        assertThat(purls)
                .containsExactly("pkg:rpm/almalinux/libnghttp2@1.43.0-5.el9_2.1?arch=x86_64&distro=almalinux-9");
    }

    @Test
    void failOnSeverityForCi() {
        assertThat(run(
                                "scan",
                                "--rpm-list",
                                UBI9,
                                "--os",
                                "AlmaLinux:9",
                                "--feeds",
                                ALMA_FEEDS,
                                "-q",
                                "--fail-on",
                                "high")
                        .exit())
                .isEqualTo(Main.EXIT_FAIL_ON);
        assertThat(run(
                                "scan",
                                "--rpm-list",
                                UBI9,
                                "--os",
                                "AlmaLinux:9",
                                "--feeds",
                                ALMA_FEEDS,
                                "-q",
                                "--fail-on",
                                "critical")
                        .exit())
                .isZero();
        Run bad = run("scan", "--rpm-list", UBI9, "--os", "AlmaLinux:9", "--feeds", ALMA_FEEDS, "--fail-on", "severe");
        assertThat(bad.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(bad.err()).contains("--fail-on: unknown severity \"severe\": use low, medium, high or critical");
    }

    @Test
    void sourcePackagesOfARealDebianStatus() throws IOException {
        Run r = run(
                "scan",
                "--dpkg-status",
                res("inventories/debian-12-minbase.status"),
                "--os",
                "Debian:12",
                "--feeds",
                res("scan/debian-feeds"),
                "--format",
                "json",
                "-q");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode bash = null;
        for (JsonNode f : r.json().get("findings")) {
            if (f.get("package").asText().equals("bash")) {
                bash = f;
            }
        }
        // bash 5.2.15-2+b13 is a binNMU of source 5.2.15-2: the source version is what is compared.
        assertThat(bash).isNotNull();
        assertThat(bash.get("installed").asText()).isEqualTo("5.2.15-2+b13");
        assertThat(bash.get("sourceVersion").asText()).isEqualTo("5.2.15-2");
        assertThat(bash.at("/evidence/matchedBy").asText()).isEqualTo("source package");
        assertThat(bash.get("fixed").asText()).isEqualTo("5.2.15-2+deb12u1");
    }

    @Test
    void applicationDependenciesFromACycloneDxSbom() throws IOException {
        Run r = run(
                "scan", "--sbom", res("scan/app.cdx.json"), "--feeds", res("scan/app-feeds"), "--format", "json", "-q");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> found = new ArrayList<>();
        for (JsonNode f : r.json().get("findings")) {
            found.add(f.get("package").asText() + " " + f.get("state").asText() + " "
                    + f.get("fixed").asText());
        }
        assertThat(found).containsExactlyInAnyOrder("aiohttp AFFECTED 3.8.5", "golang.org/x/text AFFECTED 0.3.8");
    }

    @Test
    void theLiveSystem() throws IOException {
        Ci.require(
                Files.exists(Path.of("/var/lib/dpkg/status"))
                        && Files.exists(Path.of("/etc/debian_version"))
                        && Files.readString(Path.of("/etc/os-release")).contains("VERSION_ID=\"12\""),
                "a Debian 12 machine to scan");
        Run r = run("scan", "--feeds", res("scan/debian-feeds"), "--format", "json", "-q");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.json().at("/target/input").asText()).isEqualTo("/");
        assertThat(r.json().at("/target/ecosystem").asText()).isEqualTo("Debian:12");
        assertThat(r.json().get("findings"))
                .anySatisfy(f -> assertThat(f.get("package").asText()).isEqualTo("dpkg"));
    }

    @Test
    void badInputGetsOneClearMessageAndExitTwo() throws IOException {
        Run noOs = run("scan", "--dpkg-status", res("inventories/debian-12-minbase.status"), "--feeds", ALMA_FEEDS);
        assertThat(noOs.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(noOs.err()).contains("--dpkg-status needs --os").doesNotContain("Exception");

        Run unknownOs = run("scan", "--rpm-list", UBI9, "--os", "Windows:11", "--feeds", ALMA_FEEDS);
        assertThat(unknownOs.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(unknownOs.err()).contains("unknown operating system \"Windows:11\"");

        Run missing = run(
                "scan", "--rpm-list", tmp.resolve("nope.tsv").toString(), "--os", "AlmaLinux:9", "--feeds", ALMA_FEEDS);
        assertThat(missing.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(missing.err()).contains("nope.tsv: no such file");

        Path broken = Files.writeString(tmp.resolve("rpms.tsv"), "bash 5.1\n");
        Run malformedInput = run("scan", "--rpm-list", broken.toString(), "--os", "AlmaLinux:9", "--feeds", ALMA_FEEDS);
        assertThat(malformedInput.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(malformedInput.err()).contains(broken + ":1: expected NAME<TAB>");

        Path feeds = Files.createDirectories(tmp.resolve("feeds"));
        Path badFeed = Files.writeString(feeds.resolve("x.json"), "{\"id\": \"GHSA-x\", \"affected\": 5}");
        Run malformedFeed = run("scan", "--rpm-list", UBI9, "--os", "AlmaLinux:9", "--feeds", feeds.toString());
        assertThat(malformedFeed.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(malformedFeed.err()).contains("malformed feed: " + badFeed + ":1:1: affected: expected an array");
        Files.copy(Path.of(ALMA_FEEDS, "ALSA-2023:6746.json"), feeds.resolve("ALSA-2023:6746.json"));
        Run skipping = run(
                "scan",
                "--rpm-list",
                UBI9,
                "--os",
                "AlmaLinux:9",
                "--feeds",
                feeds.toString(),
                "--skip-malformed-feeds",
                "-q");
        assertThat(skipping.exit()).as(skipping.err()).isZero();
        assertThat(skipping.out()).contains("ALSA-2023:6746", "warning: skipped malformed " + badFeed);

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Run noAdvisories = run("scan", "--rpm-list", UBI9, "--os", "AlmaLinux:9", "--feeds", empty.toString());
        assertThat(noAdvisories.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(noAdvisories.err()).contains("no advisories found");

        Run twoInputs = run("scan", "--rpm-list", UBI9, "--apk-db", UBI9, "--feeds", ALMA_FEEDS);
        assertThat(twoInputs.exit()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(twoInputs.err()).contains("mutually exclusive");
    }

    @Test
    void hostileFieldsDoNotReachTheTerminal() throws IOException {
        Path feeds = Files.createDirectories(tmp.resolve("hostile"));
        Files.writeString(
                feeds.resolve("a.json"),
                "{\"id\":\"EVIL-\\u001b[31m1\",\"modified\":\"2024-01-01T00:00:00Z\","
                        + "\"affected\":[{\"package\":{\"ecosystem\":\"AlmaLinux:9\",\"name\":\"bash\"},"
                        + "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"99\"}]}]}]}");
        Run r = run("scan", "--rpm-list", UBI9, "--os", "AlmaLinux:9", "--feeds", feeds.toString(), "-q");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("EVIL-?[31m1").doesNotContain("\u001b");
    }

    private static Path extracted() {
        try {
            Path dir = Files.createTempDirectory("fixpoint-scan-test");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
