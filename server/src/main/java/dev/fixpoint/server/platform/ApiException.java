package dev.fixpoint.server.platform;

/**
 * An error the API answers as RFC 9457 problem details. The detail names the input and what is
 * wrong with it; it never carries a secret or a stack trace.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String title;
    private final transient Long retryAfterSeconds;

    public ApiException(int status, String type, String title, String detail) {
        this(status, type, title, detail, null);
    }

    public ApiException(int status, String type, String title, String detail, Long retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "bad-request", "Bad request", detail);
    }

    public static ApiException invalid(String detail) {
        return new ApiException(422, "invalid", "Unprocessable content", detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "not-found", "Not found", detail);
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(401, "unauthorized", "Authentication required", detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(403, "forbidden", "Forbidden", detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(409, "conflict", "Conflict", detail);
    }

    public int status() {
        return status;
    }

    /** The problem type's last path segment under {@link Problems#TYPE_BASE}. */
    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
