package dev.fixpoint.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingUpdatesParserTest {

    @Test
    void aptGetSimulatedUpgradeOfARealDebian12Machine() {
        List<PendingUpdate> u = PendingUpdatesParser.apt(
                InventoryParsersTest.resource("debian-12-apt-get-s-upgrade.txt"), "apt-get -s upgrade");
        long inst = InventoryParsersTest.text("debian-12-apt-get-s-upgrade.txt")
                .lines()
                .filter(l -> l.startsWith("Inst "))
                .count();
        assertThat(u).hasSize((int) inst);
        assertThat(u)
                .filteredOn(p -> p.name().equals("libpam0g"))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.installed()).isEqualTo("1.5.2-6+deb12u1");
                    assertThat(p.available()).isEqualTo("1.5.2-6+deb12u3");
                    assertThat(p.origin()).isEqualTo("Debian-Security:12/oldstable-security");
                    assertThat(p.arch()).isEqualTo("amd64");
                    assertThat(p.security()).isTrue();
                });
        assertThat(u)
                .filteredOn(p -> p.name().equals("base-files"))
                .singleElement()
                .satisfies(p -> assertThat(p.security()).isFalse());
    }

    @Test
    void aptLinesWithSeveralArchivesAndUbuntuSecurity() {
        List<PendingUpdate> u = PendingUpdatesParser.apt(
                new StringReader("Inst libssl3 [3.0.2-0ubuntu1.10] (3.0.2-0ubuntu1.18 Ubuntu:22.04/jammy-updates,"
                        + " Ubuntu:22.04/jammy-security [amd64])\n"
                        + "Conf libssl3 (3.0.2-0ubuntu1.18 Ubuntu:22.04/jammy-updates [amd64])\n"
                        + "Inst newpkg (1.0-1 Ubuntu:22.04/jammy [all])\n"),
                "apt");
        assertThat(u).hasSize(2);
        assertThat(u.get(0).security()).isTrue();
        assertThat(u.get(1).installed()).isNull();
        assertThatThrownBy(() -> PendingUpdatesParser.apt(new StringReader("Inst broken\n"), "apt"))
                .hasMessageStartingWith("apt:1: unexpected apt line");
    }

    @Test
    void dnfCheckUpdateWithTheSecurityList() {
        String checkUpdate = "Last metadata expiration check: 0:12:31 ago on Sat 28 Nov 2026 10:00:00 UTC.\n"
                + "\n"
                + "openssl.x86_64                     1:3.0.7-27.el9                       baseos\n"
                + "openssl-libs.x86_64                1:3.0.7-27.el9                       baseos\n"
                + "tzdata.noarch                      2024b-2.el9                          baseos\n"
                + "Obsoleting Packages\n"
                + "grub2-tools.x86_64                 1:2.06-80.el9                        baseos\n";
        String updateinfo = "ALSA-2024:1234 Important/Sec. openssl-1:3.0.7-27.el9.x86_64\n"
                + "ALSA-2024:1234 Important/Sec. openssl-libs-1:3.0.7-27.el9.x86_64\n"
                + "ALBA-2024:9999 bugfix       tzdata-2024b-2.el9.noarch\n";
        List<PendingUpdate> u =
                PendingUpdatesParser.dnf(new StringReader(checkUpdate), new StringReader(updateinfo), "dnf");
        assertThat(u).extracting(PendingUpdate::name).containsExactly("openssl", "openssl-libs", "tzdata");
        assertThat(u).extracting(PendingUpdate::security).containsExactly(true, true, false);
        assertThat(u.get(0).available()).isEqualTo("1:3.0.7-27.el9");
        assertThat(u.get(0).origin()).isEqualTo("baseos");
        assertThat(PendingUpdatesParser.dnf(new StringReader(checkUpdate), null, "dnf"))
                .allMatch(p -> p.security() == null);
    }

    @Test
    void apkVersionList() {
        List<PendingUpdate> u = PendingUpdatesParser.apk(
                new StringReader("Installed:                                Available:\n"
                        + "busybox-1.36.1-r2                       < 1.36.1-r5\n"
                        + "libcrypto3-3.1.4-r1                     < 3.1.4-r5\n"),
                "apk");
        assertThat(u)
                .extracting(PendingUpdate::name, PendingUpdate::installed, PendingUpdate::available)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("busybox", "1.36.1-r2", "1.36.1-r5"),
                        org.assertj.core.groups.Tuple.tuple("libcrypto3", "3.1.4-r1", "3.1.4-r5"));
        assertThat(u).allMatch(p -> p.security() == null);
    }
}
