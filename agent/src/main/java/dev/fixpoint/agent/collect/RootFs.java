package dev.fixpoint.agent.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Paths inside a root filesystem (an unpacked image, a chroot, or {@code /}), resolved the way the
 * system that owns it would resolve them: a symbolic link is followed relative to the root, an absolute
 * target means the root's own {@code /}, and {@code ..} never climbs above the root. So an image whose
 * {@code /etc/os-release} links to {@code ../usr/lib/os-release} is read correctly, and one whose link
 * points at {@code /etc/shadow} or {@code ../../../..} reads its own files, never the scanning host's.
 */
final class RootFs {
    private static final int MAX_LINKS = 40;

    private final Path root;

    RootFs(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** The path of {@code relative} inside the root, or empty when it does not exist there. */
    Optional<Path> resolve(String relative) throws IOException {
        Deque<String> todo = new ArrayDeque<>();
        push(todo, relative);
        Deque<String> done = new ArrayDeque<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pop();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.removeLast();
                }
                continue;
            }
            Path candidate = join(done).resolve(part);
            if (Files.isSymbolicLink(candidate)) {
                if (++links > MAX_LINKS) {
                    throw new IOException("too many symbolic links resolving " + relative + " in " + root);
                }
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) {
                    done.clear();
                }
                push(todo, target);
                continue;
            }
            if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            done.addLast(part);
        }
        return Optional.of(join(done));
    }

    private Path join(Deque<String> parts) {
        Path p = root;
        for (String s : parts) {
            p = p.resolve(s);
        }
        return p;
    }

    /** Pushes the components of {@code path} so that the first is popped first. */
    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(parts[i]);
        }
    }
}
