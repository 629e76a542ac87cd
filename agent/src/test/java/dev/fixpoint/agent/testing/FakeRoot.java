package dev.fixpoint.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** A root filesystem built in a test directory from the real package databases in core's test resources. */
public final class FakeRoot {
    private FakeRoot() {}

    /**
     * A Debian 12 host {@code web-1}: the real minbase dpkg status, os-release, a machine id and the
     * running kernel {@code 6.1.0-18-amd64}.
     */
    public static Path debian(Path root) throws IOException {
        copy(root, "etc/os-release", "debian-12.os-release");
        copy(root, "var/lib/dpkg/status", "debian-12-minbase.status");
        write(root, "etc/hostname", "web-1\n");
        write(root, "etc/machine-id", "3f2a6c1d9e8b4a7f8c6d5e4f3a2b1c0d\n");
        write(root, "proc/sys/kernel/osrelease", "6.1.0-18-amd64\n");
        return root;
    }

    public static void copy(Path root, String relative, String resource) throws IOException {
        Path target = root.resolve(relative);
        Files.createDirectories(target.getParent());
        try (InputStream in = FakeRoot.class.getResourceAsStream("/inventories/" + resource)) {
            Files.copy(Objects.requireNonNull(in, resource), target);
        }
    }

    public static void write(Path root, String relative, String content) throws IOException {
        Path target = root.resolve(relative);
        Files.createDirectories(target.getParent());
        Files.writeString(target, content);
    }

    public static void append(Path root, String relative, String content) throws IOException {
        Files.writeString(root.resolve(relative), content, java.nio.file.StandardOpenOption.APPEND);
    }
}
