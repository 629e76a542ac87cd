package dev.fixpoint.server.schedule;

import dev.fixpoint.server.platform.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A recurring maintenance window: occurrences start at the wall-clock times an RFC 5545 recurrence
 * rule gives from {@code firstStart} (the rule's DTSTART, itself the first occurrence) in {@code
 * zone}, and each stays open for {@code duration} of elapsed time.
 *
 * <p>Immutable and thread-safe. Every query does bounded work; see {@code
 * docs/maintenance-windows.md} for the accepted rules, the limits and the DST rules.
 */
public final class MaintenanceWindow {
    private final String name;
    private final Recurrence recurrence;

    /**
     * @param rrule e.g. {@code FREQ=WEEKLY;BYDAY=TU} (an optional {@code RRULE:} prefix is ignored)
     * @param zone the zone whose wall clock the rule runs on
     * @param firstStart DTSTART as a wall-clock time in {@code zone}; must be an occurrence of the rule
     * @param duration how long each occurrence stays open (elapsed time)
     * @throws ApiException (422) naming the field and what is wrong with it
     */
    public MaintenanceWindow(String name, String rrule, ZoneId zone, LocalDateTime firstStart, Duration duration) {
        this.name = Names.check("maintenance window", name);
        this.recurrence = new Recurrence("maintenance window '" + this.name + "'", rrule, zone, firstStart, duration);
    }

    public String name() {
        return name;
    }

    /** The rule as given, without an {@code RRULE:} prefix. */
    public String rrule() {
        return recurrence.rrule();
    }

    public ZoneId zone() {
        return recurrence.zone();
    }

    public LocalDateTime firstStart() {
        return recurrence.firstStart();
    }

    public Duration duration() {
        return recurrence.duration();
    }

    /**
     * The occurrence open at {@code t} ({@code start <= t < end}), if any; where occurrences overlap
     * (a DST change can make them), the one that stays open longest.
     */
    public Optional<Interval> openAt(Instant t) {
        Objects.requireNonNull(t, "t");
        if (Recurrence.outOfRange(t)) {
            return Optional.empty();
        }
        Interval best = null;
        for (Interval i : recurrence.overlapping(t, t.plusNanos(1))) {
            if (best == null || i.end().isAfter(best.end())) {
                best = i;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The first occurrence starting strictly after {@code after}, looking at most 10 years ahead (of
     * {@code after} or of the first start, whichever is later).
     */
    public Optional<Interval> next(Instant after) {
        Objects.requireNonNull(after, "after");
        return recurrence.next(after);
    }

    /** Occurrences overlapping {@code [from, to)}, in order of start. */
    public List<Interval> occurrences(Instant from, Instant to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        return recurrence.overlapping(from, to);
    }

    /**
     * Whether a job expected to take {@code expectedJob} may start at {@code t}: the window is open at
     * {@code t} and stays open until {@code t + expectedJob} (occurrences that overlap or touch count
     * as one stretch).
     */
    public boolean canStart(Instant t, Duration expectedJob) {
        Objects.requireNonNull(t, "t");
        Intervals.checkExpected(expectedJob);
        if (Recurrence.outOfRange(t)) {
            return false;
        }
        Instant jobEnd = t.plus(expectedJob);
        return Intervals.fits(Intervals.merge(recurrence.overlapping(t, Intervals.probeEnd(t, jobEnd))), t, jobEnd);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaintenanceWindow
                && ((MaintenanceWindow) o).name.equals(name)
                && ((MaintenanceWindow) o).recurrence.key().equals(recurrence.key());
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, recurrence.key());
    }

    @Override
    public String toString() {
        return "MaintenanceWindow[" + name + ": " + recurrence + "]";
    }
}
