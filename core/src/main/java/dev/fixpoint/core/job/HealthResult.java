package dev.fixpoint.core.job;

import java.util.Objects;

/**
 * The outcome of one health check.
 *
 * @param check what was checked
 * @param ok whether it passed
 * @param detail one line saying what was seen ({@code active}, {@code connection refused}, {@code HTTP
 *     503}, {@code exit 1}), for a person
 */
public record HealthResult(HealthCheck check, boolean ok, String detail) {
    public HealthResult {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(detail, "detail");
    }
}
