package dev.fixpoint.server.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** A half-open span of time {@code [start, end)}: open at {@code start}, closed again at {@code end}. */
public record Interval(Instant start, Instant end) {

    public Interval {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("interval end " + end + " must be after its start " + start);
        }
    }

    /** Whether {@code t} lies inside: {@code start <= t < end}. */
    public boolean contains(Instant t) {
        return !t.isBefore(start) && t.isBefore(end);
    }

    /** Whether this and {@code [from, to)} share any instant. */
    public boolean overlaps(Instant from, Instant to) {
        return start.isBefore(to) && from.isBefore(end);
    }

    public Duration length() {
        return Duration.between(start, end);
    }
}
