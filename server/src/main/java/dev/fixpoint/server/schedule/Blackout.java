package dev.fixpoint.server.schedule;

import dev.fixpoint.server.platform.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * A period in which nothing is patched, overriding every maintenance window: either one fixed span
 * {@code [start, end)} or recurring by the same RFC 5545 mechanism as {@link MaintenanceWindow}
 * (e.g. every year from 15 December for three weeks).
 */
public final class Blackout {
    private final String name;
    private final Interval fixed;
    private final Recurrence recurrence;

    /**
     * A one-off blackout over {@code [start, end)}.
     *
     * @throws ApiException (422) when a field is missing or {@code end} is not after {@code start}
     */
    public Blackout(String name, Instant start, Instant end) {
        this.name = Names.check("blackout", name);
        String what = "blackout '" + this.name + "'";
        if (start == null) {
            throw ApiException.invalid(what + ": start is required");
        }
        if (end == null) {
            throw ApiException.invalid(what + ": end is required");
        }
        if (!end.isAfter(start)) {
            throw ApiException.invalid(what + ": end " + end + " must be after start " + start);
        }
        this.fixed = new Interval(start, end);
        this.recurrence = null;
    }

    private Blackout(String name, String rrule, ZoneId zone, LocalDateTime firstStart, Duration duration) {
        this.name = Names.check("blackout", name);
        this.fixed = null;
        this.recurrence = new Recurrence("blackout '" + this.name + "'", rrule, zone, firstStart, duration);
    }

    /**
     * A recurring blackout: the same rules, limits and DST handling as {@link MaintenanceWindow}.
     *
     * @throws ApiException (422) naming the field and what is wrong with it
     */
    public static Blackout recurring(
            String name, String rrule, ZoneId zone, LocalDateTime firstStart, Duration duration) {
        return new Blackout(name, rrule, zone, firstStart, duration);
    }

    public String name() {
        return name;
    }

    public boolean isRecurring() {
        return recurrence != null;
    }

    /** The blackout's spans that overlap {@code [from, to)}, in order of start. */
    public List<Interval> occurrences(Instant from, Instant to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (recurrence != null) {
            return recurrence.overlapping(from, to);
        }
        return fixed.overlaps(from, to) ? List.of(fixed) : List.of();
    }

    /** Whether any span of this blackout shares an instant with {@code [from, to)}. */
    public boolean overlaps(Instant from, Instant to) {
        return !occurrences(from, to).isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Blackout)) {
            return false;
        }
        Blackout b = (Blackout) o;
        return b.name.equals(name)
                && Objects.equals(b.fixed, fixed)
                && Objects.equals(
                        b.recurrence == null ? null : b.recurrence.key(), recurrence == null ? null : recurrence.key());
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, fixed, recurrence == null ? null : recurrence.key());
    }

    @Override
    public String toString() {
        return "Blackout[" + name + ": " + (fixed != null ? fixed.start() + " to " + fixed.end() : recurrence) + "]";
    }
}
