package dev.fixpoint.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock checks' parsing; the executor tests hold real locks from other processes. */
class PackageLocksTest {
    @TempDir
    Path dir;

    static final String PROC_LOCKS = "1: POSIX  ADVISORY  READ 12374 fe:00:2146831 128 128\n"
            + "2: FLOCK  ADVISORY  WRITE 3001 00:1f:77 0 EOF\n"
            + "2: -> FLOCK  ADVISORY  WRITE 3002 103:02:88 0 EOF\n"
            + "3: OFDLCK ADVISORY  WRITE -1 fe:00:99 0 EOF\n";

    @Test
    void findsTheHolderOfAFileByDeviceAndInode() {
        assertThat(PackageLocks.holder(PROC_LOCKS, 0x00, 0x1f, 77)).contains(3001L);
        assertThat(PackageLocks.holder(PROC_LOCKS, 0xfe, 0x00, 2146831)).contains(12374L);
        assertThat(PackageLocks.holder(PROC_LOCKS, 0x103, 0x02, 88)).contains(3002L); // a waiter: someone holds it
        assertThat(PackageLocks.holder(PROC_LOCKS, 0xfe, 0x00, 99)).contains(-1L);
        assertThat(PackageLocks.holder(PROC_LOCKS, 0xfe, 0x01, 2146831)).isEmpty();
        assertThat(PackageLocks.holder(PROC_LOCKS, 0xfe, 0x00, 214683)).isEmpty();
        assertThat(PackageLocks.holder("garbage\n\n1: FLOCK\n", 0, 0, 0)).isEmpty();
    }

    @Test
    void devicesSplitAsGlibcDoes() {
        assertThat(PackageLocks.major(65024)).isEqualTo(0xfe); // 254:0, a device-mapper volume
        assertThat(PackageLocks.minor(65024)).isZero();
        long big = makedev(0x1234056L, 0xabc78L);
        assertThat(PackageLocks.major(big)).isEqualTo(0x1234056L);
        assertThat(PackageLocks.minor(big)).isEqualTo(0xabc78L);
    }

    /** glibc's {@code makedev}. */
    static long makedev(long major, long minor) {
        return ((major & 0xfffL) << 8)
                | ((major & 0xfffff000L) << 32)
                | (minor & 0xffL)
                | ((minor & 0xffffff00L) << 12);
    }

    @Test
    void aFileThatIsNotLockedIsFreeAndAMissingOneToo() throws Exception {
        Path f = dir.resolve("lock");
        Files.writeString(f, "");
        assertThat(PackageLocks.flockBusy(List.of(f, dir.resolve("missing")), "apk"))
                .isEmpty();
        assertThat(PackageLocks.flockBusy(List.of(f), "apk", dir.resolve("no-proc-locks")))
                .hasValueSatisfying(s -> assertThat(s).startsWith("cannot check the lock " + f));
    }

    @Test
    void pidFilesAreHeldWhileTheirProcessExists() throws Exception {
        Path pid = dir.resolve("rpmdb_lock.pid");
        Path proc = Files.createDirectories(dir.resolve("proc/4242"));
        Files.writeString(pid, "4242");
        assertThat(PackageLocks.pidFileBusy(List.of(pid), "dnf", proc.getParent()))
                .isEqualTo(Optional.of(pid + " is held by process 4242 (dnf is running)"));
        Files.writeString(pid, "4243");
        assertThat(PackageLocks.pidFileBusy(List.of(pid), "dnf", proc.getParent()))
                .isEmpty();
        Files.writeString(pid, "");
        assertThat(PackageLocks.pidFileBusy(List.of(pid, dir.resolve("none")), "dnf", proc.getParent()))
                .isEmpty();
        Files.writeString(pid, Long.toString(ProcessHandle.current().pid()));
        assertThat(PackageLocks.pidFileBusy(List.of(pid), "dnf")).hasValue(pid + " is held by this agent");
    }
}
