package dev.fixpoint.bench.fleet;

/** Makes plausible older versions of a real version string, for lagging synthetic hosts. */
public final class Versions {
    private Versions() {}

    /**
     * The version {@code steps} updates behind: the last non-zero numeric run decremented once per
     * step, walking left when a run reaches zero. Digits stay digits, so the result is valid in the
     * same scheme (dpkg, rpm) and sorts before the original.
     */
    public static String behind(String version, int steps) {
        String v = version;
        for (int s = 0; s < steps; s++) {
            v = decrementOnce(v);
        }
        return v;
    }

    private static String decrementOnce(String v) {
        int end = v.length();
        while (end > 0) {
            while (end > 0 && !Character.isDigit(v.charAt(end - 1))) {
                end--;
            }
            int start = end;
            while (start > 0 && Character.isDigit(v.charAt(start - 1))) {
                start--;
            }
            if (start == end) {
                return v;
            }
            String run = v.substring(start, end);
            if (run.length() < 18 && Long.parseLong(run) > 0) {
                String dec = Long.toString(Long.parseLong(run) - 1);
                return v.substring(0, start) + dec + v.substring(end);
            }
            end = start;
        }
        return v;
    }
}
