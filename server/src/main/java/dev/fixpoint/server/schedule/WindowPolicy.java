package dev.fixpoint.server.schedule;

import dev.fixpoint.server.platform.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * When jobs may start: the open time is the union of every window's occurrences (occurrences that
 * overlap or touch, of one window or several, make one continuous stretch), minus every blackout.
 * A job of expected length {@code d} may start at {@code t} when {@code [t, t + d)} lies inside one
 * such stretch: it starts inside a window, can finish inside it, and meets no blackout.
 *
 * <p>A policy without windows never allows a start (no job starts outside a window).
 */
public final class WindowPolicy {
    /** How far {@link #nextStart(Instant, Duration)} looks ahead. */
    public static final Duration DEFAULT_HORIZON = Duration.ofDays(400);
    /** The longest horizon {@link #nextStart(Instant, Duration, Duration)} accepts. */
    public static final Duration MAX_HORIZON = Intervals.MAX_EXPECTED;

    private static final Duration CHUNK = Duration.ofDays(32);

    private final List<MaintenanceWindow> windows;
    private final List<Blackout> blackouts;

    public WindowPolicy(List<MaintenanceWindow> windows, List<Blackout> blackouts) {
        if (windows == null || windows.stream().anyMatch(Objects::isNull)) {
            throw ApiException.invalid("window policy: windows must be a list without nulls");
        }
        if (blackouts == null || blackouts.stream().anyMatch(Objects::isNull)) {
            throw ApiException.invalid("window policy: blackouts must be a list without nulls");
        }
        this.windows = List.copyOf(windows);
        this.blackouts = List.copyOf(blackouts);
    }

    public List<MaintenanceWindow> windows() {
        return windows;
    }

    public List<Blackout> blackouts() {
        return blackouts;
    }

    /** Whether a job expected to take {@code expected} may start at {@code t}. */
    public boolean canStart(Instant t, Duration expected) {
        Objects.requireNonNull(t, "t");
        Intervals.checkExpected(expected);
        if (Recurrence.outOfRange(t)) {
            return false;
        }
        Instant jobEnd = t.plus(expected);
        return Intervals.fits(free(t, Intervals.probeEnd(t, jobEnd)), t, jobEnd);
    }

    /**
     * The earliest instant at or after {@code after} at which a job expected to take {@code expected}
     * may start, looking {@link #DEFAULT_HORIZON} ahead; empty when there is none that soon.
     */
    public Optional<Instant> nextStart(Instant after, Duration expected) {
        return nextStart(after, expected, DEFAULT_HORIZON);
    }

    /** As {@link #nextStart(Instant, Duration)}, with the latest start at {@code after + horizon}. */
    public Optional<Instant> nextStart(Instant after, Duration expected, Duration horizon) {
        Objects.requireNonNull(after, "after");
        Intervals.checkExpected(expected);
        if (horizon == null || horizon.isNegative() || horizon.compareTo(MAX_HORIZON) > 0) {
            throw ApiException.invalid(
                    "horizon must be between 0 and " + MAX_HORIZON.toDays() + " days, got " + horizon);
        }
        Instant from = Recurrence.clamp(after);
        if (from.isBefore(after)) {
            return Optional.empty(); // beyond the last year any window can occur in
        }
        Instant last = from.plus(horizon);
        for (Instant c = from; !c.isAfter(last); c = c.plus(CHUNK)) {
            Instant chunkEnd = c.plus(CHUNK);
            // starts in [c, chunkEnd) are decided here: a stretch cut short at the end of what is
            // fetched still reaches chunkEnd + expected, so every such start that fits is seen
            for (Interval f : free(c, Intervals.probeEnd(chunkEnd, chunkEnd.plus(expected)))) {
                Instant s = f.start().isBefore(c) ? c : f.start();
                if (!s.isBefore(chunkEnd) || s.isAfter(last)) {
                    break;
                }
                if (!s.plus(expected).isAfter(f.end()) && f.contains(s)) {
                    return Optional.of(s);
                }
            }
        }
        return Optional.empty();
    }

    /** The open stretches overlapping {@code [from, to)}, blackouts removed, merged and in order. */
    public List<Interval> free(Instant from, Instant to) {
        List<Interval> open = new ArrayList<>();
        for (MaintenanceWindow w : windows) {
            open.addAll(w.occurrences(from, to));
        }
        if (open.isEmpty()) {
            return open;
        }
        List<Interval> closed = new ArrayList<>();
        for (Blackout b : blackouts) {
            closed.addAll(b.occurrences(from, to));
        }
        return Intervals.subtract(Intervals.merge(open), Intervals.merge(closed));
    }
}
