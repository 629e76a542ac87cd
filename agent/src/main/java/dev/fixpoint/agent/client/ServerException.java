package dev.fixpoint.agent.client;

import java.time.Duration;
import java.util.Optional;

/**
 * A request to the server failed. {@link #kind()} says how, and so whether trying again later can help
 * ({@link #retryable()}) or the agent has to stop ({@link Kind#UNAUTHORIZED}) or give up on this report
 * ({@link Kind#REJECTED}).
 */
public final class ServerException extends Exception {
    private static final long serialVersionUID = 1L;

    /** How a request failed. */
    public enum Kind {
        /** No connection, a timeout, or a broken connection: try again later. */
        UNREACHABLE(true),
        /** The server's certificate is not the pinned one (or not trusted on first use). */
        UNTRUSTED(true),
        /** {@code 401}: the credential (or enrollment token) was refused; never retried with it. */
        UNAUTHORIZED(false),
        /** {@code 429}: the server asks the agent to slow down. */
        THROTTLED(true),
        /** {@code 5xx}. */
        SERVER_ERROR(true),
        /** Another {@code 4xx}: this request will not succeed if repeated as it is. */
        REJECTED(false),
        /** A response that does not follow the protocol: too large, not JSON, missing fields. */
        BAD_RESPONSE(true);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }
    }

    private final Kind kind;
    private final int status;
    private final transient Duration retryAfter;

    ServerException(Kind kind, int status, Duration retryAfter, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when there was no response. */
    public int status() {
        return status;
    }

    /** The server's {@code Retry-After}, when it sent a valid one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public boolean retryable() {
        return kind.retryable;
    }
}
