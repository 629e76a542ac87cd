package dev.fixpoint.core.version;

/**
 * A string is not a valid version in a scheme. The message names the scheme, the input and the
 * reason, e.g. {@code invalid dpkg version "1.0-": revision is empty}.
 *
 * <p>This is an expected outcome of parsing untrusted data, not a programming error, so it carries no
 * stack trace (cheap to throw in bulk comparisons).
 */
public final class InvalidVersionException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String scheme;
    private final String input;
    private final String reason;

    public InvalidVersionException(String scheme, String input, String reason) {
        super("invalid " + scheme + " version \"" + input + "\": " + reason, null, false, false);
        this.scheme = scheme;
        this.input = input;
        this.reason = reason;
    }

    public String scheme() {
        return scheme;
    }

    public String input() {
        return input;
    }

    /** Why the input was rejected, without the input itself. */
    public String reason() {
        return reason;
    }
}
