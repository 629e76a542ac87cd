package dev.fixpoint.core.version;

/**
 * Plumbing shared by the versions of this package: keeps the original text, refuses to compare across
 * schemes, and derives {@code equals} and {@code hashCode} from the scheme's order, so that equality
 * agrees with {@code compareTo} ({@code 1.0} equals {@code 1.0.0} under PEP 440).
 *
 * @param <V> the concrete version class of one scheme
 */
abstract class SchemeVersion<V extends SchemeVersion<V>> implements Version {
    private final String text;
    private final Class<V> type;

    SchemeVersion(String text, Class<V> type) {
        this.text = text;
        this.type = type;
    }

    /** Compares with another version of the same scheme: negative, zero or positive. */
    abstract int compareSame(V other);

    /** A hash that versions comparing equal share. */
    abstract int orderHash();

    @Override
    public final String text() {
        return text;
    }

    @Override
    public final int compareTo(Version other) {
        if (!type.isInstance(other)) {
            throw new IllegalArgumentException("cannot compare " + scheme().id() + " version \"" + text + "\" with "
                    + other.scheme().id() + " version \"" + other.text() + "\"");
        }
        return compareSame(type.cast(other));
    }

    @Override
    public final boolean equals(Object other) {
        return type.isInstance(other) && compareSame(type.cast(other)) == 0;
    }

    @Override
    public final int hashCode() {
        return orderHash();
    }

    @Override
    public final String toString() {
        return text;
    }
}
