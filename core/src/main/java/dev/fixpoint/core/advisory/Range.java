package dev.fixpoint.core.advisory;

import java.util.List;
import java.util.Objects;

/**
 * An OSV range: a list of events read in order. {@code ECOSYSTEM} ranges use the ecosystem's own
 * version scheme, {@code SEMVER} ranges SemVer 2.0, {@code GIT} ranges commit hashes (which Fixpoint
 * cannot evaluate against installed packages; it relies on the explicit versions instead).
 *
 * @param repo the repository of a {@code GIT} range, or null
 */
public record Range(Type type, String repo, List<Event> events) {

    public enum Type {
        ECOSYSTEM,
        SEMVER,
        GIT
    }

    public Range {
        Objects.requireNonNull(type, "type");
        events = List.copyOf(events);
    }

    public Range(Type type, List<Event> events) {
        this(type, null, events);
    }

    /** A readable rendering for evidence, e.g. {@code ECOSYSTEM [introduced 0, fixed 1.2-3]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(type.name()).append(" [");
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(events.get(i));
        }
        return sb.append(']').toString();
    }
}
