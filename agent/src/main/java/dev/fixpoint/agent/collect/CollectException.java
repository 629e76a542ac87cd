package dev.fixpoint.agent.collect;

/** An inventory cannot be collected: the message says what is missing or wrong, and where. */
public final class CollectException extends Exception {
    private static final long serialVersionUID = 1L;

    public CollectException(String message) {
        super(message);
    }

    public CollectException(String message, Throwable cause) {
        super(message, cause);
    }
}
