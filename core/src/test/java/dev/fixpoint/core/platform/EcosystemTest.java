package dev.fixpoint.core.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EcosystemTest {

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "Debian:12|Debian:12|true",
                "Debian:12|Debian:11|false",
                "Ubuntu:22.04:LTS|Ubuntu:22.04:LTS|true",
                "Ubuntu:22.04:LTS|Ubuntu:22.04|true",
                "Ubuntu:22.04:LTS|Ubuntu:Pro:22.04:LTS|false",
                "Ubuntu:Pro:18.04:LTS|Ubuntu:Pro:18.04:LTS|true",
                "Ubuntu:22.04:LTS|Ubuntu:24.04:LTS|false",
                "AlmaLinux:9|AlmaLinux:9|true",
                "AlmaLinux:9|AlmaLinux:8|false",
                "AlmaLinux:9|Rocky Linux:9|false",
                "Alpine:v3.18|Alpine:v3.18|true",
                "Alpine:v3.18|Alpine:v3.19|false",
                "Red Hat:9|Red Hat:enterprise_linux:9::appstream|true",
                "Red Hat:9|Red Hat:enterprise_linux:9::baseos|true",
                "Red Hat:9|Red Hat:rhel_eus:9.2::appstream|false",
                "Red Hat:9|Red Hat:enterprise_linux:8::appstream|false",
                "npm|npm|true",
                "npm|PyPI|false",
                "Hex|Hex|true",
            })
    void coversByMatchKey(String host, String advisory, boolean covers) {
        assertThat(Ecosystem.of(host).covers(Ecosystem.of(advisory))).isEqualTo(covers);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "Debian:12|DEBIAN|dpkg|12",
                "Ubuntu:Pro:16.04:LTS|UBUNTU|dpkg|16.04",
                "AlmaLinux:9|ALMALINUX|rpm-evr|9",
                "Red Hat:enterprise_linux:9::appstream|RED_HAT|rpm-evr|9",
                "Alpine:v3.18|ALPINE|apk|v3.18",
                "Maven|MAVEN|maven|''",
            })
    void knowsFamilySchemeAndRelease(String name, Ecosystem.Family family, String scheme, String release) {
        Ecosystem e = Ecosystem.of(name);
        assertThat(e.family()).isEqualTo(family);
        assertThat(e.schemeId()).contains(scheme);
        assertThat(e.release()).isEqualTo(release);
    }

    @org.junit.jupiter.api.Test
    void rejectsBlankNames() {
        assertThatThrownBy(() -> Ecosystem.of(" ")).hasMessageContaining("blank");
        assertThatThrownBy(() -> Ecosystem.of(" Debian:12")).hasMessageContaining("blanks");
    }
}
