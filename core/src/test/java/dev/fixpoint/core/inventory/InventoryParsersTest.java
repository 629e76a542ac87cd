package dev.fixpoint.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.core.platform.Ecosystem;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InventoryParsersTest {

    static final Ecosystem DEBIAN = Ecosystem.of("Debian:12");

    static Reader resource(String name) {
        InputStream in = InventoryParsersTest.class.getResourceAsStream("/inventories/" + name);
        return new InputStreamReader(Objects.requireNonNull(in, name), StandardCharsets.UTF_8);
    }

    static String text(String name) {
        try (InputStream in = InventoryParsersTest.class.getResourceAsStream("/inventories/" + name)) {
            return new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void dpkgStatusOfARealDebian12System() {
        Inventory inv = DpkgStatusParser.parseStatus(resource("debian-12-minbase.status"), DEBIAN, "status");
        long stanzas = text("debian-12-minbase.status")
                .lines()
                .filter(l -> l.startsWith("Package: "))
                .count();
        assertThat(inv.packages()).hasSize((int) stanzas).hasSize(88);
        InstalledPackage bash = find(inv, "bash");
        assertThat(bash.version()).isEqualTo("5.2.15-2+b13");
        assertThat(bash.sourceName()).isEqualTo("bash");
        assertThat(bash.sourceVersion()).isEqualTo("5.2.15-2"); // binNMU: source version differs
        assertThat(bash.arch()).isEqualTo("amd64");
        InstalledPackage libgcc = find(inv, "libgcc-s1");
        assertThat(libgcc.sourceName()).isEqualTo("gcc-12");
        assertThat(libgcc.sourceVersion()).isEqualTo(libgcc.version());
        assertThat(inv.ecosystem()).isEqualTo(DEBIAN);
        assertThat(inv.origin()).isEqualTo("status");
    }

    @Test
    void dpkgStatusSkipsPackagesWhoseFilesAreGone() {
        Inventory inv = DpkgStatusParser.parseStatus(
                resource("ubuntu-18.04-trivy.status"), Ecosystem.of("Ubuntu:18.04:LTS"), "status");
        long installed = text("ubuntu-18.04-trivy.status")
                .lines()
                .filter(l -> l.equals("Status: install ok installed"))
                .count();
        assertThat(inv.packages()).hasSize((int) installed).hasSize(90);
        assertThat(inv.packages()).noneMatch(p -> p.name().equals("git")); // deinstall ok config-files
    }

    @ParameterizedTest
    @CsvSource({
        "install ok installed, true",
        "install ok unpacked, true",
        "install ok half-configured, true",
        "install ok triggers-pending, true",
        "install ok triggers-awaited, true",
        "deinstall ok config-files, false",
        "install reinstreq half-installed, false",
        "purge ok not-installed, false",
    })
    void dpkgCountsPackagesWhoseFilesAreOnDisk(String status, boolean counted) {
        String db = "Package: x\nStatus: " + status + "\nVersion: 1.0\nArchitecture: amd64\n";
        assertThat(DpkgStatusParser.parseStatus(new StringReader(db), DEBIAN, "s")
                        .packages())
                .hasSize(counted ? 1 : 0);
    }

    @Test
    void dpkgStatusDFilesHaveNoStatusField() {
        Inventory inv = DpkgStatusParser.parseStatusD(
                List.of(new StringReader("Package: base-files\nVersion: 12.4\nArchitecture: amd64\n")),
                List.of("status.d/base"),
                DEBIAN,
                "image");
        assertThat(inv.packages()).extracting(InstalledPackage::name).containsExactly("base-files");
    }

    @Test
    void dpkgErrorsNameTheInputAndLine() {
        assertThatThrownBy(() -> DpkgStatusParser.parseStatus(
                        new StringReader("Package: a\nStatus: install ok installed\n\nPackage: b\nStatus: install ok"
                                + " installed\nArchitecture: all\n"),
                        DEBIAN,
                        "status"))
                .isInstanceOf(InventoryParseException.class)
                .hasMessage("status:1: package \"a\" has no Version field");
        assertThatThrownBy(() -> DpkgStatusParser.parseStatus(new StringReader("garbage\n"), DEBIAN, "status"))
                .hasMessageContaining("status:1: expected \"Field: value\"");
        assertThatThrownBy(() -> DpkgStatusParser.parseStatus(
                        new StringReader("Package: a\nStatus: " + "x".repeat(Lines.MAX_LINE + 5)), DEBIAN, "status"))
                .hasMessageContaining("status:2: line longer than");
    }

    @Test
    void rpmListOfRealUbi9() {
        Ecosystem alma = Ecosystem.of("AlmaLinux:9");
        Inventory inv = RpmQueryParser.parse(resource("ubi9-9.2.rpm-list.tsv"), alma, "rpms");
        assertThat(inv.packages()).hasSize(180);
        assertThat(find(inv, "acl").version()).isEqualTo("2.3.1-3.el9");
        assertThat(find(inv, "acl").arch()).isEqualTo("x86_64");
    }

    @Test
    void rpmEpochsOfZeroAreDroppedAndOthersKept() {
        Inventory inv = RpmQueryParser.parse(
                new StringReader("openssl\t1:3.0.7-27.el9\tx86_64\topenssl-3.0.7-27.el9.src.rpm\n"
                        + "bash\t0:5.1.8-6.el9\tx86_64\n"
                        + "zlib\t(none):1.2.11-40.el9\tx86_64\n"
                        + "gpg-pubkey\t0:3abb34f8-5ffd890e\t(none)\n"
                        + "acl\t2.3.1-3.el9\tx86_64\n"),
                Ecosystem.of("AlmaLinux:9"),
                "rpms");
        assertThat(inv.packages())
                .extracting(InstalledPackage::name, InstalledPackage::version)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("openssl", "1:3.0.7-27.el9"),
                        org.assertj.core.groups.Tuple.tuple("bash", "5.1.8-6.el9"),
                        org.assertj.core.groups.Tuple.tuple("zlib", "1.2.11-40.el9"),
                        org.assertj.core.groups.Tuple.tuple("acl", "2.3.1-3.el9"));
        assertThat(inv.packages().get(0).sourceName()).isEqualTo("openssl");
        assertThat(inv.packages().get(0).sourceVersion()).isEqualTo("3.0.7-27.el9");
    }

    @Test
    void rpmListErrorsNameTheLine() {
        assertThatThrownBy(() -> RpmQueryParser.parse(
                        new StringReader("acl\t2.3.1-3.el9\tx86_64\nbash 5.1\n"), Ecosystem.of("AlmaLinux:9"), "rpms"))
                .isInstanceOf(InventoryParseException.class)
                .hasMessageStartingWith("rpms:2: expected NAME<TAB>");
        assertThatThrownBy(() -> RpmQueryParser.parse(
                        new StringReader("acl\tx:2.3.1-3.el9\tx86_64\n"), Ecosystem.of("AlmaLinux:9"), "rpms"))
                .hasMessage("rpms:1: package \"acl\" has a malformed epoch \"x\"");
        assertThatThrownBy(() -> RpmQueryParser.parse(
                        new StringReader("acl\t2.3.1\tx86_64\n"), Ecosystem.of("AlmaLinux:9"), "rpms"))
                .hasMessageContaining("has no VERSION-RELEASE");
    }

    @Test
    void apkInstalledDatabasesKeepTheOrigin() {
        Ecosystem alpine = Ecosystem.of("Alpine:v3.18");
        Inventory inv = ApkInstalledParser.parse(resource("alpine-3.18-scalibr.installed"), alpine, "installed");
        long records = text("alpine-3.18-scalibr.installed")
                .lines()
                .filter(l -> l.startsWith("P:"))
                .count();
        assertThat(inv.packages()).hasSize((int) records).hasSize(15);
        InstalledPackage ssl = find(inv, "libssl3");
        assertThat(ssl.sourceName()).isEqualTo("openssl");
        assertThat(ssl.sourceVersion()).isEqualTo(ssl.version());
        assertThat(ApkInstalledParser.parse(resource("alpine-syft.installed"), alpine, "i")
                        .packages())
                .hasSize(14);
        assertThatThrownBy(() -> ApkInstalledParser.parse(new StringReader("P:x\nbogus\n"), alpine, "installed"))
                .hasMessageStartingWith("installed:2: expected \"X:value\"");
        assertThatThrownBy(() -> ApkInstalledParser.parse(new StringReader("P:x\nA:x86_64\n"), alpine, "installed"))
                .hasMessage("installed:1: package \"x\" has no V: (version)");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "ID=debian\\nVERSION_ID=\"12\"| Debian:12",
                "ID=ubuntu\\nVERSION_ID=\"22.04\"\\nVERSION=\"22.04.3 LTS (Jammy Jellyfish)\"| Ubuntu:22.04:LTS",
                "ID=ubuntu\\nVERSION_ID=\"23.10\"\\nVERSION=\"23.10 (Mantic Minotaur)\"| Ubuntu:23.10",
                "ID=\"almalinux\"\\nVERSION_ID=\"9.4\"| AlmaLinux:9",
                "ID=\"rocky\"\\nVERSION_ID=\"8.9\"| Rocky Linux:8",
                "ID=\"rhel\"\\nVERSION_ID=\"9.2\"| Red Hat:9",
                "ID=alpine\\nVERSION_ID=3.18.4| Alpine:v3.18",
                "ID=wolfi| Wolfi",
                "ID=\"sles\"\\nVERSION_ID=\"15.5\"| SUSE:Linux Enterprise Server 15 SP5",
                "ID=\"opensuse-leap\"\\nVERSION_ID=\"15.5\"| openSUSE:Leap 15.5",
            })
    void osReleaseNamesTheEcosystem(String content, String expected) {
        OsRelease os = OsRelease.parse(new StringReader(content.replace("\\n", "\n")), "os-release");
        assertThat(os.ecosystem()).isEqualTo(new OsRelease.Result.Known(Ecosystem.of(expected)));
    }

    @Test
    void osReleaseOfTheRealDebian12AndUnsupportedOnes() {
        assertThat(OsRelease.parse(resource("debian-12.os-release"), "os-release")
                        .ecosystem())
                .isEqualTo(new OsRelease.Result.Known(DEBIAN));
        assertThat(OsRelease.parse(new StringReader("ID=debian\nPRETTY_NAME=\"Debian trixie/sid\"\n"), "os-release")
                        .ecosystem())
                .isInstanceOfSatisfying(OsRelease.Result.Unsupported.class, u -> assertThat(u.reason())
                        .startsWith("os-release: Debian without VERSION_ID"));
        assertThat(OsRelease.parse(new StringReader("ID=fedora\nVERSION_ID=40\n"), "os-release")
                        .ecosystem())
                .isInstanceOfSatisfying(OsRelease.Result.Unsupported.class, u -> assertThat(u.reason())
                        .contains("ID=fedora, VERSION_ID=40"));
        assertThat(OsRelease.parse(new StringReader("NAME=\"a \\\"b\\\" \\\\c\"\n"), "x")
                        .get("NAME"))
                .contains("a \"b\" \\c");
        assertThatThrownBy(() -> OsRelease.parse(new StringReader("ID=\"debian\n"), "os-release"))
                .hasMessage("os-release:1: unterminated quoted value");
    }

    private static InstalledPackage find(Inventory inv, String name) {
        return inv.packages().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no package " + name));
    }
}
