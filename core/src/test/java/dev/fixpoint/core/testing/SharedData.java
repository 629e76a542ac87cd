package dev.fixpoint.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The project's shared folder of large real data ({@code ../shared/data} beside the checkout, or
 * {@code $FIXPOINT_SHARED_DATA}). The test suite must pass without it: small samples are copied into
 * each module's test resources; tests over the large sets skip, with a visible message, where it is
 * absent (also under CI, whose clean clone may not have it).
 */
public final class SharedData {
    private SharedData() {}

    public static Optional<Path> dir() {
        String env = System.getenv("FIXPOINT_SHARED_DATA");
        if (env != null && !env.isBlank() && Files.isDirectory(Path.of(env))) {
            return Optional.of(Path.of(env));
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path candidate = p.resolve("shared/data");
            if (Files.isRegularFile(candidate.resolve("SOURCES.md"))) {
                return Optional.of(candidate);
            }
            p = p.getParent();
        }
        return Optional.empty();
    }

    /** The path {@code relative} under the shared data folder; skips the test when it is absent. */
    public static Path require(String relative) {
        Optional<Path> dir = dir();
        Path p = dir.map(d -> d.resolve(relative)).orElse(null);
        if (p == null || !Files.exists(p)) {
            System.err.println("SKIPPED (shared data not present: " + relative
                    + "; set FIXPOINT_SHARED_DATA to the shared data folder)");
            Assumptions.abort("shared data not present: " + relative);
        }
        return p;
    }
}
