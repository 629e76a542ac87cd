package dev.fixpoint.feeds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.advisory.Affected;
import dev.fixpoint.core.advisory.Event;
import dev.fixpoint.core.advisory.Range;
import dev.fixpoint.core.advisory.Severity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class FeedReadersTest {

    @TempDir
    Path tmp;

    public static Path resource(String name) {
        try {
            return Path.of(Objects.requireNonNull(FeedReadersTest.class.getResource("/feeds/" + name), name)
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static LoadedFeeds load(Path... paths) {
        return FeedLoader.load(List.of(paths), Progress.none());
    }

    static Advisory advisory(LoadedFeeds f, String id) {
        return f.advisories().stream()
                .filter(a -> a.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + id));
    }

    static Affected entry(Advisory a, String ecosystem, String name) {
        return a.affected().stream()
                .filter(e -> e.pkg().ecosystem().name().equals(ecosystem)
                        && e.pkg().name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + ecosystem + " " + name + " in " + a.id()));
    }

    @Test
    void loadsEveryKindFromOneDirectoryDetectedByContent() {
        List<String> progress = new ArrayList<>();
        LoadedFeeds f = FeedLoader.load(
                List.of(resource("")), (done, total, records, current) -> progress.add(done + "/" + total));
        assertThat(f.files())
                .containsEntry(FeedKind.OSV, 4)
                .containsEntry(FeedKind.CSAF, 3)
                .containsEntry(FeedKind.EPSS, 2)
                .containsEntry(FeedKind.NVD, 2)
                .containsEntry(FeedKind.KEV, 1);
        assertThat(f.skipped()).singleElement().satisfies(s -> assertThat(s).endsWith("SOURCES.md"));
        assertThat(f.advisories()).hasSize(7);
        assertThat(progress).last().isEqualTo("13/13");
    }

    @Test
    void osvAlmaLinuxAdvisoryWithTheCvesItFixes() {
        Advisory a = advisory(load(resource("osv/ALSA-2026:54662.json")), "ALSA-2026:54662");
        assertThat(a.source()).isEqualTo("OSV");
        assertThat(a.cveIds()).containsExactly("CVE-2026-58055");
        Affected lib = entry(a, "AlmaLinux:9", "libnghttp2");
        assertThat(lib.ranges())
                .containsExactly(new Range(
                        Range.Type.ECOSYSTEM, List.of(Event.introduced("0"), Event.fixed("1.43.0-6.el9_8.2"))));
        assertThat(a.severities()).contains(new Severity("VENDOR", "Moderate", "summary"));
        assertThat(a.published()).hasToString("2026-08-13T00:00:00Z");
        assertThat(a.references()).anyMatch(r -> r.url().equals("https://errata.almalinux.org/9/ALSA-2026-54662.html"));
    }

    @Test
    void osvUbuntuNoticeKeepsBinaries() {
        Advisory a = advisory(load(resource("osv/USN-7095-1.json")), "USN-7095-1");
        assertThat(a.affected())
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.pkg().ecosystem().name()).startsWith("Ubuntu:"));
        assertThat(a.affected()).anySatisfy(e -> assertThat(e.binaries()).isNotEmpty());
    }

    @Test
    void gzippedOsvAndNvdFiles() throws IOException {
        Path gz = tmp.resolve("alsa.json.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(Files.readAllBytes(resource("osv/ALSA-2026:54662.json")));
        }
        assertThat(load(gz).advisories()).extracting(Advisory::id).containsExactly("ALSA-2026:54662");
    }

    @Test
    void osvZipAsOsvDevPublishesIt() throws IOException {
        Path zip = tmp.resolve("all.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String f : List.of("osv/ALSA-2026:54662.json", "osv/GO-2020-0001.json")) {
                z.putNextEntry(new ZipEntry(Path.of(f).getFileName().toString()));
                z.write(Files.readAllBytes(resource(f)));
                z.closeEntry();
            }
            z.putNextEntry(new ZipEntry("../../evil.json"));
            z.write("{\"id\":\"EVIL\",\"modified\":\"2024-01-01T00:00:00Z\"}".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        LoadedFeeds f = load(zip);
        assertThat(f.advisories()).extracting(Advisory::id).containsExactly("ALSA-2026:54662", "GO-2020-0001");
        assertThat(f.advisories().get(0).origin()).endsWith("all.zip!ALSA-2026:54662.json");
    }

    @Test
    void csafRedHatAdvisoryBecomesFixedRangesPerPlatform() {
        Advisory a = advisory(load(resource("csaf/rhsa-2023_5835.json")), "RHSA-2023:5835");
        assertThat(a.source()).isEqualTo("CSAF Red Hat Product Security");
        assertThat(a.aliases()).containsExactly("CVE-2023-39325", "CVE-2023-44487");
        Affected e = entry(a, "Red Hat:enterprise_linux:7::server", "rhc-worker-script");
        assertThat(e.ranges())
                .containsExactly(
                        new Range(Range.Type.ECOSYSTEM, List.of(Event.introduced("0"), Event.fixed("0.5-1.el7_9"))));
        assertThat(a.severities()).contains(new Severity("VENDOR", "Important", "Red Hat Product Security"));
        assertThat(a.severities()).anyMatch(s -> s.type().equals(Severity.CVSS_V3));
    }

    @Test
    void csafVexKnownAffectedAndNotAffected() {
        Advisory a = advisory(load(resource("csaf/CVE-2023-20862.json")), "CVE-2023-20862");
        assertThat(a.affected()).anySatisfy(e -> assertThat(e.ranges())
                .containsExactly(new Range(Range.Type.ECOSYSTEM, List.of(Event.introduced("0")))));
        assertThat(a.affected()).anySatisfy(e -> assertThat(e.ranges()).isEmpty());
    }

    @Test
    void csafSuseProductNamesGiveNameVersionRelease() {
        Advisory a = advisory(load(resource("csaf/opensuse-su-2016_1623-1.json")), "openSUSE-SU-2016:1623-1");
        Affected e = entry(a, "SUSE:Package Hub 12", "chromium");
        assertThat(e.ranges())
                .containsExactly(new Range(
                        Range.Type.ECOSYSTEM, List.of(Event.introduced("0"), Event.fixed("51.0.2704.103-85.3"))));
    }

    @Test
    void kevKeepsDueDatesActionsAndRansomwareUse() {
        LoadedFeeds f = load(resource("kev/kev-excerpt.json"));
        assertThat(f.kev().catalogVersion()).isEqualTo("2026.08.07");
        assertThat(f.kev().get("CVE-2021-44228")).hasValueSatisfying(k -> {
            assertThat(k.dueDate()).hasToString("2021-12-24");
            assertThat(k.knownRansomwareUse()).isTrue();
            assertThat(k.requiredAction()).isNotBlank();
        });
    }

    @Test
    void epssOfficialGzipWithModelHeaderAndTheOlderTwoColumnFormat() {
        LoadedFeeds f = load(resource("epss/epss_scores-2023-03-07.csv.gz"));
        assertThat(f.epss().modelVersion()).isEqualTo("v2023.03.01");
        assertThat(f.epss().scoreDate()).hasToString("2023-03-07");
        assertThat(f.epss().get("CVE-2020-5902")).hasValueSatisfying(s -> {
            assertThat(s.probability()).isEqualTo(0.97567);
            assertThat(s.percentile()).isEqualTo(0.99995);
        });
        LoadedFeeds old = load(resource("epss/epss_scores-2021-04-14.csv.gz"));
        assertThat(old.epss().get("CVE-2020-5902").orElseThrow().percentile()).isNaN();
    }

    @Test
    void nvdEnrichmentTakesCvssAndCwe() {
        LoadedFeeds f = load(resource("nvd"));
        assertThat(f.enrichments().get("CVE-2021-44228").cvss())
                .anyMatch(s -> s.score().equals("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"));
        assertThat(f.enrichments().get("CVE-2021-44228").cwes()).contains("CWE-502");
        assertThat(f.enrichments().get("CVE-2017-5638").cvss())
                .anyMatch(s -> s.type().equals(Severity.CVSS_V4));
    }

    @Test
    void malformedFeedsNameTheFileAndPosition() throws IOException {
        Path truncated = write("a.json", "{\"id\": \"GHSA-1\", \"affected\": [ {\"package\": ");
        assertThatThrownBy(() -> load(truncated))
                .isInstanceOf(FeedFormatException.class)
                .hasMessageStartingWith(truncated + ":1:")
                .hasMessageContaining("malformed JSON");
        Path wrongType =
                write("b.json", "{\"id\": \"GHSA-2\", \"modified\": \"2024-01-01T00:00:00Z\", \"aliases\": 7}");
        assertThatThrownBy(() -> load(wrongType))
                .hasMessage(wrongType + ":1:1: aliases: expected an array, found number");
        Path badEvent = write(
                "c.json",
                "{\"id\":\"GHSA-3\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"x\"},"
                        + "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"patched\":\"1\"}]}]}]}");
        assertThatThrownBy(() -> load(badEvent))
                .hasMessageContaining("affected[0].ranges[0].events[0]: unknown event \"patched\"");
        Path epss = write("e.csv", "cve,epss,percentile\nCVE-2024-1,0.5,0.9\nCVE-2024-2,abc,0.1\n");
        assertThatThrownBy(() -> load(epss)).hasMessage(epss + ":3: EPSS score \"abc\" is not a number");
        Path epssRange = write("f.csv", "cve,epss\nCVE-2024-1,1.5\n");
        assertThatThrownBy(() -> load(epssRange)).hasMessageContaining("is outside [0, 1]");
        Path badDate = write("g.json", "{\"id\":\"GHSA-4\",\"modified\":\"yesterday\"}");
        assertThatThrownBy(() -> load(badDate)).hasMessageContaining("modified: not a timestamp: \"yesterday\"");
        assertThatThrownBy(() -> load(tmp.resolve("missing")))
                .hasMessageEndingWith("missing: no such file or directory");
    }

    @Test
    void hostileFeedsHitTheLimits() throws IOException {
        Path deep = write(
                "deep.json",
                "{\"id\":\"X\",\"modified\":\"2024-01-01T00:00:00Z\",\"a\":" + "[".repeat(5000) + "]".repeat(5000)
                        + "}");
        assertThatThrownBy(() -> load(deep)).hasMessageContaining("exceeds a safety limit");
        Limits small = new Limits(1000, 1000, 100, 64, 100, 100);
        Path big = write(
                "big.json",
                "{\"id\":\"X\",\"modified\":\"2024-01-01T00:00:00Z\",\"details\":\"" + "x".repeat(5000) + "\"}");
        assertThatThrownBy(() -> FeedLoader.load(List.of(big), Progress.none(), small))
                .isInstanceOf(FeedFormatException.class);
        Path bomb = tmp.resolve("bomb.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(bomb))) {
            z.putNextEntry(new ZipEntry("a.json"));
            z.write(("{\"id\":\"X\",\"modified\":\"2024-01-01T00:00:00Z\",\"details\":\"" + " ".repeat(200_000) + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        assertThatThrownBy(() -> FeedLoader.load(
                        List.of(bomb), Progress.none(), new Limits(1 << 30, 1 << 30, 50, 64, 1 << 20, 1000)))
                .hasMessageContaining("zip bomb");
        Path garbage = tmp.resolve("garbage.gz");
        Files.write(garbage, new byte[] {0x1f, (byte) 0x8b, 1, 2, 3, 4, 5});
        assertThat(load(garbage).skipped()).containsExactly(garbage.toString());
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(gz)) {
            o.write("#model_version:v1,score_date:2024-01-01T00:00:00+0000\ncve,epss,percentile\nCVE-1,x\n"
                    .getBytes(StandardCharsets.UTF_8));
        }
        Path badGz = tmp.resolve("epss.csv.gz");
        Files.write(badGz, gz.toByteArray());
        assertThatThrownBy(() -> load(badGz)).hasMessage(badGz + ":3: EPSS score \"x\" is not a number");
    }

    private Path write(String name, String content) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, content);
        return p;
    }
}
