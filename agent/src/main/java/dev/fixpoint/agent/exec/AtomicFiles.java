package dev.fixpoint.agent.exec;

import dev.fixpoint.agent.run.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Owner-only files replaced atomically, through {@link SecureFiles} (the same code writes {@code
 * agent.json} and the spool); a missing directory is created {@code 0700}, an existing one is left as
 * it is.
 */
final class AtomicFiles {
    private AtomicFiles() {}

    static void write(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            SecureFiles.directory(dir);
        }
        SecureFiles.write(target, bytes);
    }
}
