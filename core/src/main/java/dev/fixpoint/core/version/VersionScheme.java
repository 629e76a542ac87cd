package dev.fixpoint.core.version;

/**
 * One way of ordering version strings, as a package manager or language ecosystem defines it.
 *
 * <p>Parsing is strict: a string the scheme rejects raises {@link InvalidVersionException} with the
 * reason; there is never a silent fallback to a generic comparison. Implementations are immutable and
 * thread-safe.
 */
public interface VersionScheme {

    /** Stable identifier used on the command line and in evidence, e.g. {@code dpkg} or {@code rpm-evr}. */
    String id();

    /** Other names accepted for this scheme on the command line, e.g. {@code rpm_evr}. */
    default java.util.List<String> aliases() {
        return java.util.List.of();
    }

    /**
     * Parses a version strictly.
     *
     * @throws InvalidVersionException naming the input and what is wrong with it
     */
    Version parse(String text) throws InvalidVersionException;

    /**
     * Compares two version strings: negative, zero or positive as {@code a} sorts before, equal to or
     * after {@code b}. Implementations may compare without building {@link Version} objects.
     *
     * @throws InvalidVersionException if either string is not a valid version in this scheme
     */
    default int compare(String a, String b) throws InvalidVersionException {
        return parse(a).compareTo(parse(b));
    }
}
