package dev.fixpoint.core.job;

/**
 * A job names a package, version or architecture its target's package manager must not be given. The
 * message names the field, the (escaped) value and the rule it breaks.
 */
public final class InvalidJobException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidJobException(String message) {
        super(message, null, false, false);
    }
}
