package dev.fixpoint.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.core.platform.Ecosystem;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class PackageFamilyTest {

    /** Strings no family may accept as a name, a version or an architecture. */
    static final List<String> HOSTILE = List.of(
            "",
            " ",
            "-oAPT::Update::Pre-Invoke::=touch /tmp/pwned",
            "-oAPT::Get::AllowUnauthenticated=true",
            "--allow-unauthenticated",
            "-y",
            "pkg;rm -rf /",
            "pkg && reboot",
            "pkg|sh",
            "$(reboot)",
            "`reboot`",
            "pkg>x",
            "pkg<x",
            "pkg*",
            "pkg?",
            "pkg'",
            "pkg\"",
            "pkg\\",
            "pkg\nother",
            "pkg\rother",
            "pkg\tother",
            "pkg other",
            "pkg\u0000",
            "../../etc/passwd",
            "/tmp/evil.deb",
            "./evil.deb",
            "pkg/1.0",
            "pkg=1.0",
            "pkg#1",
            "pkg{a,b}",
            "pkg[1]",
            "pkg!",
            "pkg%s",
            "pkg@host",
            "opensѕl", // Cyrillic ѕ
            "ореnssl", // Cyrillic о, р, е
            "openssl\u00a0", // no-break space
            "openssl\u200b", // zero-width space
            "openssl\u2010dev", // Unicode hyphen
            "ｏｐｅｎｓｓｌ", // full-width
            "1.0\u2024", // one dot leader
            "１.0", // full-width digit
            "x".repeat(10_000));

    @ParameterizedTest
    @EnumSource(PackageFamily.class)
    void hostileNamesVersionsAndArchesAreRefused(PackageFamily f) {
        for (String s : HOSTILE) {
            assertThatThrownBy(() -> f.checkName(s)).as("name %s", s).isInstanceOf(InvalidJobException.class);
            assertThatThrownBy(() -> f.checkVersion(s)).as("version %s", s).isInstanceOf(InvalidJobException.class);
            assertThatThrownBy(() -> f.checkArch(s)).as("arch %s", s).isInstanceOf(InvalidJobException.class);
        }
    }

    @Test
    void messagesNameTheFieldAndEscapeTheValue() {
        assertThatThrownBy(() -> PackageFamily.DPKG.checkName("pkg\n;rm"))
                .hasMessageStartingWith("invalid name \"pkg\\u000a;rm\": not a DPKG package name");
        assertThatThrownBy(() -> PackageFamily.DPKG.checkVersion("1.0-"))
                .hasMessage("invalid version \"1.0-\": revision number is empty");
        assertThatThrownBy(() -> PackageFamily.DPKG.checkVersion("9".repeat(129)))
                .hasMessageContaining("longer than 128");
        assertThatThrownBy(() -> PackageFamily.DPKG.checkArch("x86_64")).hasMessageContaining("not one of [all, amd64");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "openssl",
                "libssl3",
                "g++",
                "libstdc++6",
                "linux-image-6.1.0-21-amd64",
                "python3.11",
                "0ad",
                "fixpoint-testpkg"
            })
    void debianNames(String name) {
        assertThatCode(() -> PackageFamily.DPKG.checkName(name)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "OpenSSL", "lib_ssl", "+pkg", ".pkg", "pkg:amd64", "pkg~1"})
    void notDebianNames(String name) {
        assertThatThrownBy(() -> PackageFamily.DPKG.checkName(name)).isInstanceOf(InvalidJobException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "1.0",
                "3.0.13-1~deb12u1",
                "1:2.38.1-5+deb12u1",
                "2.36-9+deb12u7",
                "1.2.3+dfsg-1+b1",
                "0:1.0",
                "6.1.90-1",
                "1.0~rc1-1"
            })
    void debianVersions(String v) {
        assertThatCode(() -> PackageFamily.DPKG.checkVersion(v)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0-", "a1.0", ":1.0", "1:", "-1:1.0", "+1:1.0", "1:2:3", "1.0_1", "1.0-1 ", "1,0"})
    void notDebianVersions(String v) {
        assertThatThrownBy(() -> PackageFamily.DPKG.checkVersion(v)).isInstanceOf(InvalidJobException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"openssl-libs", "kernel-core", "perl-Data-Dumper", "NetworkManager", "python3.11", "gcc-c++"})
    void rpmNames(String name) {
        assertThatCode(() -> PackageFamily.RPM.checkName(name)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1:3.0.7-27.el9", "3.0.7-27.el9", "5.14.0-427.13.1.el9_4", "1.0~rc1^git2-1.fc40"})
    void rpmVersionsNameOneBuild(String v) {
        assertThatCode(() -> PackageFamily.RPM.checkVersion(v)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.0.7", "3.0.7-", "-27.el9", "1:3.0.7-27-el9", "3.0.7-27.el9 ", "a:1-1"})
    void notRpmVersions(String v) {
        assertThatThrownBy(() -> PackageFamily.RPM.checkVersion(v)).isInstanceOf(InvalidJobException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.1.4-r5", "1.36.1-r15", "2.4_git20230101-r0", "1.2.3_rc1-r1", "1.0a-r0"})
    void apkVersions(String v) {
        assertThatCode(() -> PackageFamily.APK.checkVersion(v)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0-1", "1.0-r", "1.0_bogus", "1..0", "v1.0", "1.0-r1-r2"})
    void notApkVersions(String v) {
        assertThatThrownBy(() -> PackageFamily.APK.checkVersion(v)).isInstanceOf(InvalidJobException.class);
    }

    @Test
    void aJobIsCheckedPackageByPackage() throws Exception {
        PackageFamily.DPKG.check(Jobs.sample());
        Job bad = Jobs.install(
                new PackageTarget("openssl", "3.0.13-1~deb12u1", "amd64"),
                new PackageTarget("libssl3", "3.0.13-1~deb12u1;reboot", "amd64"));
        assertThatThrownBy(() -> PackageFamily.DPKG.check(bad))
                .hasMessageStartingWith("job job-1, package 2: invalid version \"3.0.13-1~deb12u1;reboot\"");
        assertThatThrownBy(() -> PackageFamily.RPM.check(Jobs.sample()))
                .hasMessageContaining("package 1: invalid arch \"amd64\"")
                .isInstanceOf(InvalidJobException.class);
    }

    @Test
    void sameVersionIsTheRecordedStringNotOrderEquality() {
        assertThat(PackageFamily.DPKG.sameVersion("0:1.0", "1.0")).isTrue();
        assertThat(PackageFamily.DPKG.sameVersion("1.0", "1.00")).isFalse();
        assertThat(PackageFamily.DPKG.sameVersion("1:1.0", "1.0")).isFalse();
        assertThat(PackageFamily.RPM.sameVersion("0:3.0.7-27.el9", "3.0.7-27.el9"))
                .isTrue();
        assertThat(PackageFamily.APK.sameVersion("1.0-r0", "1.0-r0")).isTrue();
    }

    @Test
    void familiesOfDistributions() {
        assertThat(PackageFamily.of(Ecosystem.of("Debian:12").family())).contains(PackageFamily.DPKG);
        assertThat(PackageFamily.of(Ecosystem.of("Ubuntu:22.04:LTS").family())).contains(PackageFamily.DPKG);
        assertThat(PackageFamily.of(Ecosystem.of("AlmaLinux:9").family())).contains(PackageFamily.RPM);
        assertThat(PackageFamily.of(Ecosystem.of("Alpine:v3.18").family())).contains(PackageFamily.APK);
        assertThat(PackageFamily.of(Ecosystem.of("npm").family())).isEmpty();
    }
}
