package dev.fixpoint.agent.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files only the agent's user may read: directories created {@code 0700}, files created {@code 0600}
 * (the mode given at creation, so there is no moment when a secret is readable by others), replaced
 * atomically: written to a temporary name, fsynced, renamed over the target, the directory fsynced.
 */
public final class SecureFiles {
    private SecureFiles() {}

    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    /** Suffix of temporary files; a leftover one (a crash mid-write) is never read and is removed. */
    static final String TMP_SUFFIX = ".tmp";

    /**
     * Creates {@code dir} (and missing parents) with mode 0700; an existing directory that others can
     * enter is narrowed to 0700, since it is about to hold a credential.
     */
    public static void directory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        if (!mode.equals(DIR_MODE)) {
            Set<PosixFilePermission> others = EnumSet.copyOf(mode);
            others.retainAll(EnumSet.complementOf(EnumSet.copyOf(DIR_MODE)));
            if (!others.isEmpty() || !mode.containsAll(DIR_MODE)) {
                Files.setPosixFilePermissions(dir, DIR_MODE);
            }
        }
    }

    /** Replaces {@code target} with {@code bytes}, atomically, mode 0600. */
    public static void write(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(FILE_MODE);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), TMP_SUFFIX, mode);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        syncDirectory(dir);
    }

    /** Makes a rename or deletion in {@code dir} durable. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
