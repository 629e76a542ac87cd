package dev.fixpoint.core.matching;

import dev.fixpoint.core.advisory.Event;
import dev.fixpoint.core.advisory.Range;
import dev.fixpoint.core.version.InvalidVersionException;
import dev.fixpoint.core.version.Version;
import dev.fixpoint.core.version.VersionScheme;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An OSV range with its event versions parsed once and sorted, ready to evaluate many installed
 * versions. Evaluation follows the OSV schema's algorithm: walk the events in version order;
 * {@code introduced} opens, {@code fixed} closes at that version, {@code last_affected} closes after
 * it; {@code limit} events, if any, bound the range from above.
 */
final class CompiledRange {

    /** A parsed event; {@code version} is null for {@code introduced "0"}. */
    private record Point(Event event, Version version) {}

    private final Range range;
    private final VersionScheme scheme;
    private final List<Point> points; // sorted; limits excluded
    private final List<Version> limits;
    private final String problem;

    private CompiledRange(Range range, VersionScheme scheme, List<Point> points, List<Version> limits, String problem) {
        this.range = range;
        this.scheme = scheme;
        this.points = points;
        this.limits = limits;
        this.problem = problem;
    }

    /** A range that cannot be evaluated at all, and why. */
    static CompiledRange unavailable(Range range, String problem) {
        return new CompiledRange(range, null, List.of(), List.of(), problem);
    }

    static CompiledRange compile(Range range, VersionScheme scheme) {
        List<Point> points = new ArrayList<>();
        List<Version> limits = new ArrayList<>();
        for (Event e : range.events()) {
            if (e.isIntroducedZero()) {
                points.add(new Point(e, null));
                continue;
            }
            Version v;
            try {
                v = scheme.parse(e.version());
            } catch (InvalidVersionException ex) {
                return new CompiledRange(
                        range, scheme, List.of(), List.of(), "advisory event \"" + e + "\": " + ex.getMessage());
            }
            if (e.kind() == Event.Kind.LIMIT) {
                limits.add(v);
            } else {
                points.add(new Point(e, v));
            }
        }
        // "introduced 0" sorts first; at equal versions keep the published order (a stable sort).
        points.sort(Comparator.comparing(Point::version, Comparator.nullsFirst(Comparator.<Version>naturalOrder())));
        return new CompiledRange(range, scheme, List.copyOf(points), List.copyOf(limits), null);
    }

    Range range() {
        return range;
    }

    VersionScheme scheme() {
        return scheme;
    }

    /** Why this range cannot be evaluated (an unparsable event version), or null. */
    String problem() {
        return problem;
    }

    /** The outcome of evaluating one version against this range. */
    record Outcome(boolean affected, Event closing) {
        /** The version that fixes it: the closing event's, when that is a {@code fixed} event. */
        String fixedVersion() {
            return closing != null && closing.kind() == Event.Kind.FIXED ? closing.version() : null;
        }
    }

    /** Evaluates {@code v}, which must come from this range's scheme. Only call when problem() is null. */
    Outcome evaluate(Version v) {
        boolean affected = false;
        for (Point p : points) {
            switch (p.event().kind()) {
                case INTRODUCED -> {
                    if (p.version() == null || v.compareTo(p.version()) >= 0) {
                        affected = true;
                    }
                }
                case FIXED -> {
                    if (v.compareTo(p.version()) >= 0) {
                        affected = false;
                    }
                }
                case LAST_AFFECTED -> {
                    if (v.compareTo(p.version()) > 0) {
                        affected = false;
                    }
                }
                case LIMIT -> throw new IllegalStateException("limits are kept apart");
            }
        }
        if (affected && !limits.isEmpty() && limits.stream().noneMatch(l -> v.compareTo(l) < 0)) {
            affected = false;
        }
        return new Outcome(affected, affected ? closingEvent(v) : null);
    }

    /** The first event after {@code v} that ends the affected stretch: fixed above v, or last_affected at or above it. */
    private Event closingEvent(Version v) {
        for (Point p : points) {
            if (p.version() == null) {
                continue;
            }
            int c = v.compareTo(p.version());
            Event.Kind k = p.event().kind();
            if ((k == Event.Kind.FIXED && c < 0) || (k == Event.Kind.LAST_AFFECTED && c <= 0)) {
                return p.event();
            }
        }
        return null;
    }
}
