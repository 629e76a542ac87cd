package dev.fixpoint.app;

/**
 * Bad input from the user (a file that cannot be read, a malformed feed, an unknown OS): printed as
 * one clear message without a stack trace, exit code 2.
 */
public final class UserInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
