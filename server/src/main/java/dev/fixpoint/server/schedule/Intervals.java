package dev.fixpoint.server.schedule;

import dev.fixpoint.server.platform.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Set operations on lists of {@link Interval}s. */
final class Intervals {
    /** The longest expected job length accepted (as long as the longest search horizon). */
    static final Duration MAX_EXPECTED = Duration.ofDays(5 * 366);

    private Intervals() {}

    /** The union as disjoint intervals in order; intervals that overlap or touch become one. */
    static List<Interval> merge(List<Interval> in) {
        List<Interval> sorted = new ArrayList<>(in);
        sorted.sort(Comparator.comparing(Interval::start));
        List<Interval> out = new ArrayList<>();
        Instant start = null;
        Instant end = null;
        for (Interval i : sorted) {
            if (start == null) {
                start = i.start();
                end = i.end();
            } else if (!i.start().isAfter(end)) {
                if (i.end().isAfter(end)) {
                    end = i.end();
                }
            } else {
                out.add(new Interval(start, end));
                start = i.start();
                end = i.end();
            }
        }
        if (start != null) {
            out.add(new Interval(start, end));
        }
        return out;
    }

    /** {@code open} minus {@code holes}; both must be merged (disjoint and in order). */
    static List<Interval> subtract(List<Interval> open, List<Interval> holes) {
        List<Interval> out = new ArrayList<>();
        int h = 0;
        for (Interval o : open) {
            Instant cursor = o.start();
            while (h < holes.size() && !holes.get(h).end().isAfter(cursor)) {
                h++;
            }
            int k = h;
            while (k < holes.size() && holes.get(k).start().isBefore(o.end())) {
                Interval hole = holes.get(k);
                if (hole.start().isAfter(cursor)) {
                    out.add(new Interval(cursor, hole.start()));
                }
                if (hole.end().isAfter(cursor)) {
                    cursor = hole.end();
                }
                k++;
            }
            if (cursor.isBefore(o.end())) {
                out.add(new Interval(cursor, o.end()));
            }
        }
        return out;
    }

    /**
     * Whether a job over {@code [t, t + job)} fits: some stretch of {@code merged} contains {@code t}
     * and lasts until {@code t + job} or later.
     */
    static boolean fits(List<Interval> merged, Instant t, Instant jobEnd) {
        for (Interval i : merged) {
            if (i.contains(t)) {
                return !jobEnd.isAfter(i.end());
            }
        }
        return false;
    }

    /** Refuses a missing or negative expected job length, or one longer than the longest horizon. */
    static void checkExpected(Duration expected) {
        if (expected == null || expected.isNegative()) {
            throw ApiException.invalid("expected job duration must be zero or positive, got " + expected);
        }
        if (expected.compareTo(MAX_EXPECTED) > 0) {
            throw ApiException.invalid(
                    "expected job duration must be at most " + MAX_EXPECTED.toDays() + " days, got " + expected);
        }
    }

    /** The end of the span to examine for a job over {@code [t, jobEnd)}: at least one instant. */
    static Instant probeEnd(Instant t, Instant jobEnd) {
        return jobEnd.isAfter(t) ? jobEnd : t.plusNanos(1);
    }
}
