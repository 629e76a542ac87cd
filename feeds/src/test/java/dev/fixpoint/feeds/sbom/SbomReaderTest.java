package dev.fixpoint.feeds.sbom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.platform.Ecosystem;
import dev.fixpoint.core.testing.SharedData;
import dev.fixpoint.feeds.FeedFormatException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class SbomReaderTest {

    static InputStream json(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void cycloneDxImageSbomWithItsOperatingSystemAndApplicationPackages() {
        SbomReader.Result r = SbomReader.read(
                json("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":["
                        + "{\"type\":\"operating-system\",\"name\":\"debian\",\"version\":\"12.4\"},"
                        + "{\"type\":\"library\",\"name\":\"libssl3\",\"version\":\"3.0.11-1~deb12u2\","
                        + "\"purl\":\"pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl%403.0.11-1~deb12u2\"},"
                        + "{\"type\":\"library\",\"name\":\"lodash\",\"version\":\"4.17.20\",\"purl\":\"pkg:npm/lodash@4.17.20\"},"
                        + "{\"type\":\"library\",\"name\":\"jackson-databind\",\"version\":\"2.9.8\","
                        + "\"purl\":\"pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.8\"}]}"),
                "image.cdx.json",
                null);
        assertThat(r.format()).isEqualTo("CycloneDX");
        assertThat(r.inventory().ecosystem()).isEqualTo(Ecosystem.of("Debian:12"));
        assertThat(r.inventory().packages())
                .extracting(p -> p.ecosystem().name() + " " + p.name() + " " + p.version() + " " + p.sourceName())
                .containsExactly(
                        "Debian:12 libssl3 3.0.11-1~deb12u2 openssl",
                        "npm lodash 4.17.20 lodash",
                        "Maven com.fasterxml.jackson.core:jackson-databind 2.9.8 com.fasterxml.jackson.core:jackson-databind");
        assertThat(r.skipped()).singleElement().satisfies(s -> assertThat(s).contains("debian: no purl"));
    }

    @Test
    void redHatsRealSpdxSbomOfUbi9() throws Exception {
        var file = SharedData.require("inventories/rhel-ubi9-9.2-spdx-sbom/ubi9-9.2-755.1697625012.json");
        SbomReader.Result r;
        try (InputStream in = Files.newInputStream(file)) {
            r = SbomReader.read(in, file.toString(), Ecosystem.of("Red Hat:9"));
        }
        assertThat(r.format()).isEqualTo("SPDX");
        assertThat(r.inventory().packages()).hasSizeGreaterThan(500).allSatisfy(p -> assertThat(p.ecosystem())
                .isEqualTo(Ecosystem.of("Red Hat:9")));
        assertThat(r.inventory().packages()).extracting(InstalledPackage::name).contains("openssl");
        try (InputStream in = Files.newInputStream(file)) {
            // Without --os its rpm purls (no distro qualifier) cannot be placed: skipped, with the reason.
            SbomReader.Result none = SbomReader.read(in, file.toString(), null);
            assertThat(none.skipped()).anySatisfy(s -> assertThat(s).contains("name the OS with --os"));
        }
    }

    @Test
    void notAnSbom() {
        assertThatThrownBy(() -> SbomReader.read(json("{\"hello\":1}"), "x.json", null))
                .isInstanceOf(FeedFormatException.class)
                .hasMessageContaining("not a CycloneDX (bomFormat) or SPDX (spdxVersion) JSON SBOM");
        assertThatThrownBy(() -> SbomReader.read(json("[1,2"), "y.json", null))
                .isInstanceOf(FeedFormatException.class)
                .hasMessageStartingWith("y.json:1:");
    }
}
