package dev.fixpoint.agent.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * Whether a package manager is busy, asked the way it asks itself. Three kinds of lock are in use:
 *
 * <ul>
 *   <li><b>fcntl record locks</b> ({@link #busy(List, String)}): apt and dpkg on {@code
 *       /var/lib/dpkg/lock-frontend} and {@code /var/lib/dpkg/lock}; rpm on its transaction lock {@code
 *       %{_rpmlock_path}} ({@code .rpm.lock} in the database directory); dnf 5 on {@code
 *       /run/dnf/rpmtransaction.lock}. {@link FileChannel#tryLock()} takes the same kind of lock on
 *       Linux, so it fails exactly while one of them holds it. Each file is locked and released at once.
 *   <li><b>flock locks</b> ({@link #flockBusy}): apk on {@code /lib/apk/db/lock} (apk-tools 3 also on
 *       {@code /run/apk/db.lock}). The JDK cannot take a flock lock, and flock and fcntl locks do not see
 *       each other on Linux, so these are looked up in the kernel's table, {@code /proc/locks}, by device
 *       and inode.
 *   <li><b>pid files</b> ({@link #pidFileBusy}): dnf 4 keeps a lock as a file holding the pid of its
 *       owner ({@code rpmdb_lock.pid}, {@code metadata_lock.pid}, {@code download_lock.pid}); it is held
 *       while that process exists, the way dnf itself decides (it looks for {@code /proc/PID}).
 * </ul>
 *
 * A missing file is free (nothing created it, so nothing holds it). These are pre-checks that give a
 * clear answer; the window between them and the package manager taking its lock is closed by the
 * package manager itself, which the executors run so that it fails rather than waits.
 */
final class PackageLocks {
    private PackageLocks() {}

    private static final Path PROC_LOCKS = Path.of("/proc/locks");

    /** apt and dpkg's fcntl locks: why they are busy, or empty when every lock could be taken. */
    static Optional<String> busy(List<Path> lockFiles) {
        return busy(lockFiles, "apt or dpkg");
    }

    /**
     * Why one of these fcntl-locked files is held, naming {@code who} uses them, or empty when every
     * lock could be taken.
     */
    static Optional<String> busy(List<Path> lockFiles, String who) {
        for (Path p : lockFiles) {
            if (!Files.exists(p)) {
                continue;
            }
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    return Optional.of(p + " is locked by another process (" + who + " is running)");
                }
                lock.release();
            } catch (OverlappingFileLockException e) {
                return Optional.of(p + " is locked by this agent");
            } catch (IOException e) {
                return Optional.of("cannot check the lock " + p + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Why one of these flock-locked files is held (any lock on it in {@code /proc/locks}), or empty. */
    static Optional<String> flockBusy(List<Path> lockFiles, String who) {
        return flockBusy(lockFiles, who, PROC_LOCKS);
    }

    static Optional<String> flockBusy(List<Path> lockFiles, String who, Path procLocks) {
        String table = null;
        for (Path p : lockFiles) {
            if (!Files.exists(p)) {
                continue;
            }
            try {
                if (table == null) {
                    table = Files.readString(procLocks, StandardCharsets.US_ASCII);
                }
                long dev = (Long) Files.getAttribute(p, "unix:dev");
                long ino = (Long) Files.getAttribute(p, "unix:ino");
                Optional<Long> holder = holder(table, major(dev), minor(dev), ino);
                if (holder.isPresent()) {
                    return Optional.of(
                            p + " is locked by another process (pid " + holder.get() + "; " + who + " is running)");
                }
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
                return Optional.of("cannot check the lock " + p + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * The pid of a process holding or waiting for a lock on the file {@code major:minor:inode}, from the
     * text of {@code /proc/locks}. Its lines read {@code 1: FLOCK ADVISORY WRITE 1234 fe:00:2146832 0
     * EOF}, with {@code ->} after the number for a process waiting for the lock (so someone holds it);
     * device numbers are hexadecimal, the inode decimal.
     */
    static Optional<Long> holder(String procLocks, long major, long minor, long inode) {
        for (String line : procLocks.split("\n")) {
            String[] f = line.trim().split("\\s+");
            int i = f.length > 1 && f[1].equals("->") ? 2 : 1;
            if (f.length < i + 5) {
                continue;
            }
            String[] id = f[i + 4].split(":");
            if (id.length != 3) {
                continue;
            }
            try {
                if (Long.parseLong(id[0], 16) == major
                        && Long.parseLong(id[1], 16) == minor
                        && Long.parseLong(id[2]) == inode) {
                    return Optional.of(Long.parseLong(f[i + 3]));
                }
            } catch (NumberFormatException e) {
                // not a lock line
            }
        }
        return Optional.empty();
    }

    /** glibc's {@code major()} of a {@code st_dev}. */
    static long major(long dev) {
        return ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & 0xfffff000L);
    }

    /** glibc's {@code minor()} of a {@code st_dev}. */
    static long minor(long dev) {
        return (dev & 0xffL) | ((dev >>> 12) & 0xffffff00L);
    }

    /**
     * Why one of these dnf 4 pid files is held: it names a process that exists. An empty file is free; one
     * that does not hold a number is reported, since dnf itself refuses to run until it is removed.
     */
    static Optional<String> pidFileBusy(List<Path> pidFiles, String who) {
        return pidFileBusy(pidFiles, who, Path.of("/proc"));
    }

    static Optional<String> pidFileBusy(List<Path> pidFiles, String who, Path proc) {
        for (Path p : pidFiles) {
            if (!Files.exists(p)) {
                continue;
            }
            String text;
            try (InputStream in = Files.newInputStream(p)) {
                text = new String(in.readNBytes(20), StandardCharsets.US_ASCII).strip(); // dnf reads 20 bytes too
            } catch (IOException e) {
                return Optional.of("cannot check the lock " + p + ": " + e.getMessage());
            }
            if (text.isEmpty()) {
                continue;
            }
            long pid;
            try {
                pid = Long.parseLong(text);
            } catch (NumberFormatException e) {
                return Optional.of(p + " is not a pid file (" + who + " refuses to run until it is removed)");
            }
            if (pid == ProcessHandle.current().pid()) {
                return Optional.of(p + " is held by this agent");
            }
            if (pid > 0 && Files.exists(proc.resolve(Long.toString(pid)))) {
                return Optional.of(p + " is held by process " + pid + " (" + who + " is running)");
            }
        }
        return Optional.empty();
    }
}
