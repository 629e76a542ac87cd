package dev.fixpoint.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need something beyond the JDK (the real version-comparison tools, PostgreSQL, root,
 * {@code ../shared}) skip with a visible message on a developer machine, and fail under CI, where
 * {@code .ci/run} sets {@code FIXPOINT_CI=1} and installs what they need.
 */
public final class Ci {
    private Ci() {}

    /** True when running under {@code .ci/run}. */
    public static boolean isCi() {
        return "1".equals(System.getenv("FIXPOINT_CI")) || Boolean.getBoolean("fixpoint.ci");
    }

    /**
     * Skips the calling test unless {@code available}; under CI, fails instead.
     *
     * @param what what is missing and how to provide it, e.g. "dpkg oracle (run tools/oracles/setup.sh)"
     */
    public static void require(boolean available, String what) {
        if (available) {
            return;
        }
        if (isCi()) {
            fail("required under CI but missing: " + what);
        }
        System.err.println("SKIPPED (missing: " + what + ")");
        Assumptions.abort("missing: " + what);
    }
}
