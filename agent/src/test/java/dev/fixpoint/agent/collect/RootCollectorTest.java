package dev.fixpoint.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.core.platform.Ecosystem;
import dev.fixpoint.core.testing.Ci;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootCollectorTest {

    @TempDir
    Path root;

    private void put(String relative, String resource) throws IOException {
        Path target = root.resolve(relative);
        Files.createDirectories(target.getParent());
        try (InputStream in = RootCollectorTest.class.getResourceAsStream("/inventories/" + resource)) {
            Files.copy(Objects.requireNonNull(in, resource), target);
        }
    }

    private void write(String relative, String content) throws IOException {
        Path target = root.resolve(relative);
        Files.createDirectories(target.getParent());
        Files.writeString(target, content);
    }

    @Test
    void aDebianRootWithOsReleaseLinkedAsOnRealSystems() throws Exception {
        put("usr/lib/os-release", "debian-12.os-release");
        Files.createDirectories(root.resolve("etc"));
        Files.createSymbolicLink(root.resolve("etc/os-release"), Path.of("../usr/lib/os-release"));
        put("var/lib/dpkg/status", "debian-12-minbase.status");

        RootCollector.Collected c = RootCollector.create().collect(root);
        assertThat(c.database()).isEqualTo("dpkg");
        assertThat(c.inventory().ecosystem()).isEqualTo(Ecosystem.of("Debian:12"));
        assertThat(c.inventory().packages()).hasSize(88);
    }

    @Test
    void symlinksThatPointOutOfTheRootStayInsideIt() throws Exception {
        // An absolute link and one climbing with .. both resolve inside the root, never on this host.
        write("usr/lib/os-release", "ID=alpine\nVERSION_ID=3.18.4\n");
        Files.createDirectories(root.resolve("etc"));
        Files.createSymbolicLink(root.resolve("etc/os-release"), Path.of("../../../../../usr/lib/os-release"));
        Files.createDirectories(root.resolve("lib/apk/db"));
        write("elsewhere/installed", "P:musl\nV:1.2.4-r2\nA:x86_64\no:musl\n");
        Files.createSymbolicLink(root.resolve("lib/apk/db/installed"), Path.of("/elsewhere/installed"));

        RootCollector.Collected c = RootCollector.create().collect(root);
        assertThat(c.inventory().ecosystem()).isEqualTo(Ecosystem.of("Alpine:v3.18"));
        assertThat(c.database()).isEqualTo("apk");
        assertThat(c.inventory().packages()).singleElement().satisfies(p -> assertThat(p.name())
                .isEqualTo("musl"));
    }

    @Test
    void aLinkToTheHostsPasswdIsNotFollowedOutOfTheRoot() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.createSymbolicLink(root.resolve("etc/os-release"), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> RootCollector.create().collect(root))
                .isInstanceOf(CollectException.class)
                .hasMessageContaining("no etc/os-release or usr/lib/os-release");
    }

    @Test
    void errorsSayWhatIsMissing() throws Exception {
        assertThatThrownBy(() -> RootCollector.create().collect(root.resolve("nope")))
                .hasMessageEndingWith("is not a directory");
        write("etc/os-release", "ID=fedora\nVERSION_ID=40\n");
        assertThatThrownBy(() -> RootCollector.create().collect(root)).hasMessageContaining("ID=fedora, VERSION_ID=40");
        assertThatThrownBy(() ->
                        RootCollector.create().withOs(Ecosystem.of("Debian:12")).collect(root))
                .hasMessageContaining("no package database found under");
    }

    @Test
    void anRpmRootNeedsRpm() throws Exception {
        write("etc/os-release", "ID=\"almalinux\"\nVERSION_ID=\"9.4\"\n");
        write("var/lib/rpm/rpmdb.sqlite", "");
        assertThatThrownBy(() -> RootCollector.create()
                        .withRpmCommand("/nonexistent/rpm", Duration.ofSeconds(5))
                        .collect(root))
                .isInstanceOf(CollectException.class)
                .hasMessageContaining("cannot run \"/nonexistent/rpm\"")
                .hasMessageContaining("--rpm-list");
    }

    @Test
    void anRpmRootIsReadWithTheRealRpm() throws Exception {
        Ci.require(Files.isExecutable(Path.of("/usr/bin/rpm")), "the rpm program (apt-get install rpm)");
        write("etc/os-release", "ID=\"almalinux\"\nVERSION_ID=\"9.4\"\n");
        Process init = new ProcessBuilder("rpm", "--root", root.toString(), "--dbpath", "/var/lib/rpm", "--initdb")
                .inheritIO()
                .start();
        assertThat(init.waitFor()).isZero();
        RootCollector.Collected c = RootCollector.create().collect(root);
        assertThat(c.database()).isEqualTo("rpm");
        assertThat(c.inventory().ecosystem()).isEqualTo(Ecosystem.of("AlmaLinux:9"));
        assertThat(c.inventory().packages()).isEmpty(); // a fresh database, read by rpm itself
    }

    @Test
    void pendingUpdatesOfTheLiveSystemFromTheRealApt() throws Exception {
        Ci.require(Files.isExecutable(Path.of("/usr/bin/apt-get")), "a Debian or Ubuntu machine with apt");
        var updates = new PendingUpdatesCollector(Duration.ofMinutes(2)).collect("dpkg");
        // Whatever this machine lacks, every pending update names a package and a version to install.
        assertThat(updates).allSatisfy(u -> {
            assertThat(u.name()).isNotBlank();
            assertThat(u.available()).isNotBlank();
            assertThat(u.security()).isNotNull();
        });
        assertThatThrownBy(() -> new PendingUpdatesCollector(Duration.ofSeconds(5)).collect("pacman"))
                .hasMessageContaining("no pending-update query");
    }

    @Test
    void theLiveSystem() throws Exception {
        Ci.require(Files.exists(Path.of("/var/lib/dpkg/status")), "a dpkg-based machine to scan");
        RootCollector.Collected c = RootCollector.create().collect(Path.of("/"));
        assertThat(c.database()).isEqualTo("dpkg");
        assertThat(c.inventory().ecosystem().family()).isIn(Ecosystem.Family.DEBIAN, Ecosystem.Family.UBUNTU);
        assertThat(c.inventory().packages()).hasSizeGreaterThan(50).anyMatch(p -> p.name()
                .equals("dpkg"));
    }
}
