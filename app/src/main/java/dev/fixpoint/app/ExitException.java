package dev.fixpoint.app;

/**
 * A failure a command reports as one message (printed as {@code fixpoint: MESSAGE}, no stack trace)
 * with its own exit code: e.g. 1 when the server refused a request, 3 when it cannot be reached or
 * trusted. Bad input from the user stays a {@link UserInputException} (exit 2).
 */
public final class ExitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public ExitException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
