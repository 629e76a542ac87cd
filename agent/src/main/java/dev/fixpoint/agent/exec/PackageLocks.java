package dev.fixpoint.agent.exec;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * Whether the package manager is busy, asked the way it asks itself: apt and dpkg hold {@code fcntl}
 * record locks on {@code /var/lib/dpkg/lock-frontend} and {@code /var/lib/dpkg/lock}, and {@link
 * FileChannel#tryLock()} takes the same kind of lock on Linux. Each file is locked and released at once; a missing file is
 * free (nothing created it, so nothing holds it). This is a pre-check that gives a clear answer; the
 * window between it and {@code apt-get} taking the lock is closed by {@code apt-get} itself, which
 * fails (exit 100, "Could not get lock") rather than wait.
 */
final class PackageLocks {
    private PackageLocks() {}

    /** Why the package manager is busy, or empty when every lock could be taken. */
    static Optional<String> busy(List<Path> lockFiles) {
        for (Path p : lockFiles) {
            if (!Files.exists(p)) {
                continue;
            }
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    return Optional.of(p + " is locked by another process (apt or dpkg is running)");
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
}
