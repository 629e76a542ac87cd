package dev.fixpoint.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.core.job.PackageState;
import dev.fixpoint.core.job.PackageTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader against the installed database of a real Alpine 3.18 image (src/test/resources/exec). */
class ApkDatabaseTest {
    @TempDir
    Path dir;

    @Test
    void readsExactStatesFromARealInstalledDatabase() throws Exception {
        Path db = dir.resolve("installed");
        Files.writeString(db, ApkExecutorTest.alpine318());
        List<PackageState> states = new ApkDatabase(db)
                .states(List.of(
                        new PackageTarget("musl", "1.2.4-r0", "x86_64"),
                        new PackageTarget("alpine-baselayout", "3.4.3-r1", "x86_64"),
                        new PackageTarget("zlib", "1.2.13-r1", "x86_64"),
                        new PackageTarget("ca-certificates-bundle", "20230506-r0", "x86_64"),
                        new PackageTarget("busybox", "1.36.1-r2", "x86_64"),
                        new PackageTarget("openssl", "3.1.4-r5", "x86_64")));
        assertThat(states)
                .containsExactly(
                        new PackageState("musl", "x86_64", "1.2.4-r0", "installed"),
                        new PackageState("alpine-baselayout", "x86_64", "3.4.3-r1", "installed"),
                        new PackageState("zlib", "x86_64", "1.2.13-r1", "installed"),
                        new PackageState("ca-certificates-bundle", "x86_64", "20230506-r0", "installed"),
                        new PackageState("busybox", "x86_64", "1.36.0-r9", "installed"),
                        new PackageState("openssl", "x86_64", null, "not-installed"));
    }

    @Test
    void theArchitectureOfARecordWithoutOneIsUnknown() throws Exception {
        Path db = dir.resolve("installed");
        Files.writeString(db, "P:old\nV:1.0-r0\n\n");
        assertThat(new ApkDatabase(db).states(List.of(new PackageTarget("old", "1.0-r0", "x86_64"))))
                .containsExactly(new PackageState("old", "unknown", "1.0-r0", "installed"));
    }

    @Test
    void theHostArchitectureIsTheFirstLineOfEtcApkArch() throws Exception {
        Path arch = dir.resolve("arch");
        Files.writeString(arch, "\naarch64\narmv7\n");
        assertThat(ApkDatabase.hostArch(arch)).isEqualTo("aarch64");
        Files.writeString(arch, "\n \n");
        assertThatThrownBy(() -> ApkDatabase.hostArch(arch)).isInstanceOf(IOException.class);
    }
}
