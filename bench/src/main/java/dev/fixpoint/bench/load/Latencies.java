package dev.fixpoint.bench.load;

import java.util.Arrays;
import java.util.Locale;

/** Latencies in microseconds, kept whole (a run is at most a few hundred thousand requests) and sorted at the end. */
final class Latencies {
    private long[] values = new long[1 << 16];
    private int n;

    synchronized void add(long micros) {
        if (n == values.length) {
            values = Arrays.copyOf(values, n * 2);
        }
        values[n++] = micros;
    }

    synchronized void addAll(Latencies other) {
        synchronized (other) {
            for (int i = 0; i < other.n; i++) {
                add(other.values[i]);
            }
        }
    }

    synchronized int count() {
        return n;
    }

    /** p50, p90, p99, max, in milliseconds. */
    synchronized double[] summary() {
        long[] s = Arrays.copyOf(values, n);
        Arrays.sort(s);
        return new double[] {pct(s, 0.50), pct(s, 0.90), pct(s, 0.99), n == 0 ? Double.NaN : s[n - 1] / 1000.0};
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000.0;
    }

    String format() {
        double[] s = summary();
        return String.format(Locale.ROOT, "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms", s[0], s[1], s[2], s[3]);
    }
}
