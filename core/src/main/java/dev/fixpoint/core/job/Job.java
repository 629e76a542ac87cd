package dev.fixpoint.core.job;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A typed operation for one host, valid from {@code notBefore} until {@code expires}. The constructor
 * checks the job's shape (identifiers, time window, packages present exactly when the type needs
 * them, no package twice); what the package strings may contain depends on the host's package
 * manager and is checked by {@link PackageFamily#check(Job)}.
 *
 * @param id unique per job, the key of the agent's replay store: 1–128 of {@code [A-Za-z0-9._-]},
 *     starting with a letter or digit
 * @param hostId the host the job is for, same grammar
 * @param type what to do
 * @param packages the exact target states (INSTALL, ROLLBACK: 1 to {@value #MAX_PACKAGES}; other
 *     types: none)
 * @param notBefore the job must not start earlier
 * @param expires the job must not start at or after this time
 * @param nonce 16–128 of {@code [A-Za-z0-9_-]} (base64url or hex of at least 96 random bits)
 * @param healthChecks what the agent checks after an INSTALL or ROLLBACK (at most {@value
 *     HealthCheck#MAX_PER_JOB}, none twice; other types: none)
 */
public record Job(
        String id,
        String hostId,
        JobType type,
        List<PackageTarget> packages,
        Instant notBefore,
        Instant expires,
        String nonce,
        List<HealthCheck> healthChecks) {

    public static final int MAX_PACKAGES = 1000;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,128}");

    public Job {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(expires, "expires");
        requireMatch("id", id, ID);
        requireMatch("hostId", hostId, ID);
        requireMatch("nonce", nonce, NONCE);
        if (!notBefore.isBefore(expires)) {
            throw new IllegalArgumentException(
                    "job " + id + ": notBefore " + notBefore + " is not before expires " + expires);
        }
        packages = List.copyOf(Objects.requireNonNull(packages, "packages"));
        if (type.hasPackages() && packages.isEmpty()) {
            throw new IllegalArgumentException("job " + id + ": a " + type + " job needs at least one package");
        }
        if (!type.hasPackages() && !packages.isEmpty()) {
            throw new IllegalArgumentException("job " + id + ": a " + type + " job carries no packages");
        }
        if (packages.size() > MAX_PACKAGES) {
            throw new IllegalArgumentException(
                    "job " + id + ": " + packages.size() + " packages, at most " + MAX_PACKAGES + " allowed");
        }
        Set<String> keys = new HashSet<>();
        for (PackageTarget p : packages) {
            if (!keys.add(p.key())) {
                throw new IllegalArgumentException("job " + id + ": package " + Strings.quote(p.key()) + " twice");
            }
        }
        healthChecks = List.copyOf(Objects.requireNonNull(healthChecks, "healthChecks"));
        if (!type.changesPackages() && !healthChecks.isEmpty()) {
            throw new IllegalArgumentException("job " + id + ": a " + type + " job carries no health checks");
        }
        if (healthChecks.size() > HealthCheck.MAX_PER_JOB) {
            throw new IllegalArgumentException("job " + id + ": " + healthChecks.size() + " health checks, at most "
                    + HealthCheck.MAX_PER_JOB + " allowed");
        }
        if (new HashSet<>(healthChecks).size() != healthChecks.size()) {
            throw new IllegalArgumentException("job " + id + ": the same health check twice");
        }
    }

    /** A job without health checks. */
    public Job(
            String id,
            String hostId,
            JobType type,
            List<PackageTarget> packages,
            Instant notBefore,
            Instant expires,
            String nonce) {
        this(id, hostId, type, packages, notBefore, expires, nonce, List.of());
    }

    private static void requireMatch(String field, String value, Pattern grammar) {
        Objects.requireNonNull(value, field);
        if (!grammar.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "invalid job " + field + " " + Strings.quote(value) + ": expected " + grammar.pattern());
        }
    }
}
