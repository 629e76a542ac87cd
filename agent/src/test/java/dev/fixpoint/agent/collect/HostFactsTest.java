package dev.fixpoint.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.agent.testing.FakeRoot;
import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.platform.Ecosystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostFactsTest {

    @TempDir
    Path root;

    private static String kernelStanza(String name, String version) {
        return "\nPackage: " + name + "\nStatus: install ok installed\nArchitecture: amd64\nVersion: " + version
                + "\nSource: linux-signed-amd64 (" + version + ")\nDescription: Linux kernel\n";
    }

    @Test
    void aDebianHostWithANewerKernelAndAptsRebootFlag() throws Exception {
        FakeRoot.debian(root);
        FakeRoot.append(root, "var/lib/dpkg/status", kernelStanza("linux-image-6.1.0-18-amd64", "6.1.76-1"));
        FakeRoot.append(root, "var/lib/dpkg/status", kernelStanza("linux-image-6.1.0-21-amd64", "6.1.90-1"));
        FakeRoot.append(root, "var/lib/dpkg/status", kernelStanza("linux-image-amd64", "6.1.90-1"));
        // As on a real system: var/run is a link to /run, resolved inside the root.
        Files.createDirectories(root.resolve("run"));
        Files.createSymbolicLink(root.resolve("var/run"), Path.of("/run"));
        FakeRoot.write(root, "run/reboot-required", "*** System restart required ***\n");
        FakeRoot.write(root, "run/reboot-required.pkgs", "libc6\nlinux-image-6.1.0-21-amd64\nlibc6\n");

        HostFacts f = HostFacts.collect(root, RootCollector.create().collect(root));
        assertThat(f.hostname()).isEqualTo("web-1");
        assertThat(f.machineId()).isEqualTo("3f2a6c1d9e8b4a7f8c6d5e4f3a2b1c0d");
        assertThat(f.osId()).isEqualTo("debian");
        assertThat(f.osVersionId()).isEqualTo("12");
        assertThat(f.osPrettyName()).isEqualTo("Debian GNU/Linux 12 (bookworm)");
        assertThat(f.kernelRunning()).isEqualTo("6.1.0-18-amd64");
        assertThat(f.kernelsInstalled()).containsExactly("6.1.0-18-amd64", "6.1.0-21-amd64");
        assertThat(f.rebootRequired()).isTrue();
        assertThat(f.rebootReasons()).containsExactly("libc6", "linux-image-6.1.0-21-amd64");
    }

    @Test
    void debianRunningTheNewestKernelWithoutAFlagNeedsNoReboot() throws Exception {
        FakeRoot.debian(root);
        FakeRoot.append(root, "var/lib/dpkg/status", kernelStanza("linux-image-6.1.0-18-amd64", "6.1.76-1"));
        HostFacts f = HostFacts.collect(root, RootCollector.create().collect(root));
        assertThat(f.rebootRequired()).isFalse();
        assertThat(f.rebootReasons()).isEmpty();
    }

    @Test
    void rpmKernelsAreComparedByEpochVersionRelease() {
        Ecosystem eco = Ecosystem.of("AlmaLinux:9");
        Inventory inv = new Inventory(
                eco,
                List.of(
                        new InstalledPackage(eco, "kernel-core", "0:5.14.0-362.8.1.el9_3", "x86_64"),
                        new InstalledPackage(eco, "kernel-core", "0:5.14.0-362.24.1.el9_3", "x86_64"),
                        new InstalledPackage(eco, "kernel", "0:5.14.0-362.24.1.el9_3", "x86_64"),
                        new InstalledPackage(eco, "kernel-tools", "0:5.14.0-362.24.1.el9_3", "x86_64")),
                "test");
        List<Kernels.Kernel> k = Kernels.installed(inv, "rpm");
        assertThat(k)
                .extracting(Kernels.Kernel::release)
                .containsExactly("5.14.0-362.24.1.el9_3.x86_64", "5.14.0-362.8.1.el9_3.x86_64");
        // Sorted by text, 24 before 8; the comparison is rpm's.
        assertThat(Kernels.newerThanRunning("5.14.0-362.8.1.el9_3.x86_64", k, "rpm"))
                .hasValueSatisfying(n -> assertThat(n.release()).isEqualTo("5.14.0-362.24.1.el9_3.x86_64"));
        assertThat(Kernels.newerThanRunning("5.14.0-362.24.1.el9_3.x86_64", k, "rpm"))
                .isEmpty();
        assertThat(Kernels.newerThanRunning(null, k, "rpm")).isEmpty();
    }

    @Test
    void alpineReplacesItsKernelInPlace() throws Exception {
        FakeRoot.write(root, "etc/os-release", "ID=alpine\nVERSION_ID=3.18.4\nPRETTY_NAME=\"Alpine Linux v3.18\"\n");
        FakeRoot.write(
                root,
                "lib/apk/db/installed",
                "P:linux-lts\nV:6.1.70-r0\nA:x86_64\no:linux-lts\n\nP:linux-firmware-none\nV:20230919-r0\nA:x86_64\n\n"
                        + "P:musl\nV:1.2.4-r2\nA:x86_64\n");
        FakeRoot.write(root, "etc/hostname", "edge-7\n");
        FakeRoot.write(root, "proc/sys/kernel/osrelease", "6.1.62-0-lts\n");

        HostFacts f = HostFacts.collect(root, RootCollector.create().collect(root));
        assertThat(f.kernelsInstalled()).containsExactly("6.1.70-0-lts");
        assertThat(f.rebootRequired()).isTrue();
        assertThat(f.rebootReasons()).containsExactly("linux-lts-6.1.70-r0");
        assertThat(f.machineId()).isEmpty();

        FakeRoot.write(root, "proc/sys/kernel/osrelease", "6.1.70-0-lts\n");
        assertThat(HostFacts.collect(root, RootCollector.create().collect(root)).rebootRequired())
                .isFalse();
    }

    @Test
    void aContainerWithoutKernelPackagesNeedsNoReboot() throws Exception {
        FakeRoot.debian(root);
        HostFacts f = HostFacts.collect(root, RootCollector.create().collect(root));
        assertThat(f.kernelsInstalled()).isEmpty();
        assertThat(f.rebootRequired()).isFalse();
    }

    @Test
    void theHostNameComesFromTheRunningKernelFirstAndIsRequired() throws Exception {
        FakeRoot.write(root, "etc/hostname", "from-etc\n");
        FakeRoot.write(root, "proc/sys/kernel/hostname", "from-proc\n");
        assertThat(HostFacts.identity(root).hostname()).isEqualTo("from-proc");
        Path empty = Files.createDirectory(root.resolve("empty"));
        assertThatThrownBy(() -> HostFacts.identity(empty))
                .isInstanceOf(CollectException.class)
                .hasMessageContaining("cannot tell the host name");
    }
}
