package dev.fixpoint.agent.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Whether each directory a package manager writes to has enough usable space. */
final class DiskSpace {
    private DiskSpace() {}

    /**
     * Why one of {@code paths} has less than {@code minFreeBytes} usable, or empty. A directory that does
     * not exist is skipped (the package manager does not use it on this host).
     */
    static Optional<String> low(List<Path> paths, long minFreeBytes) {
        for (Path p : paths) {
            if (!Files.exists(p)) {
                continue;
            }
            try {
                long free = Files.getFileStore(p).getUsableSpace();
                if (free < minFreeBytes) {
                    return Optional.of("only " + free / (1024 * 1024) + " MiB usable under " + p + ", "
                            + minFreeBytes / (1024 * 1024) + " MiB required");
                }
            } catch (IOException e) {
                return Optional.of("cannot tell the free space under " + p + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }
}
