package dev.fixpoint.core.advisory;

import java.util.Locale;
import java.util.Objects;

/**
 * One event of an OSV range. {@code introduced "0"} means "from the beginning of time".
 *
 * @param version the version (or commit) the event happens at
 */
public record Event(Kind kind, String version) {

    public enum Kind {
        INTRODUCED,
        FIXED,
        LAST_AFFECTED,
        LIMIT;

        /** The OSV field name: {@code introduced}, {@code fixed}, {@code last_affected}, {@code limit}. */
        public String osvName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Event {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(version, "version");
    }

    public static Event introduced(String v) {
        return new Event(Kind.INTRODUCED, v);
    }

    public static Event fixed(String v) {
        return new Event(Kind.FIXED, v);
    }

    public static Event lastAffected(String v) {
        return new Event(Kind.LAST_AFFECTED, v);
    }

    public static Event limit(String v) {
        return new Event(Kind.LIMIT, v);
    }

    /** {@code introduced "0"}: affected from the first version. */
    public boolean isIntroducedZero() {
        return kind == Kind.INTRODUCED && version.equals("0");
    }

    @Override
    public String toString() {
        return kind.osvName() + " " + version;
    }
}
