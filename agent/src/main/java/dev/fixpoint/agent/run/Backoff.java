package dev.fixpoint.agent.run;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Exponential back-off with full jitter: the n-th consecutive failure waits a uniformly random time in
 * {@code [0, min(cap, 5 s · 2^n)]}, the cap being the check-in interval; the server's {@code Retry-After}
 * is a floor. Check-in intervals get ±10 % jitter so a fleet restarted together spreads out.
 */
final class Backoff {

    static final Duration BASE = Duration.ofSeconds(5);

    private final RandomGenerator random;
    private int failures;

    Backoff(RandomGenerator random) {
        this.random = random;
    }

    /** The upper bound of the wait after {@code failures} consecutive failures (the first is 0). */
    static Duration upperBound(int failures, Duration cap) {
        Duration c = cap.compareTo(BASE) < 0 ? BASE : cap;
        if (failures >= 30) {
            return c;
        }
        Duration d = BASE.multipliedBy(1L << failures);
        return d.compareTo(c) > 0 ? c : d;
    }

    /** The wait before the next attempt, counting one more failure. */
    Duration next(Duration cap, Optional<Duration> retryAfter) {
        long upper = upperBound(failures, cap).toMillis();
        failures++;
        Duration d = Duration.ofMillis(random.nextLong(upper + 1));
        if (retryAfter.isPresent() && retryAfter.get().compareTo(d) > 0) {
            return retryAfter.get();
        }
        return d;
    }

    int failures() {
        return failures;
    }

    void reset() {
        failures = 0;
    }

    /** {@code interval} ± 10 %. */
    static Duration jittered(Duration interval, RandomGenerator random) {
        double f = 0.9 + 0.2 * random.nextDouble();
        return Duration.ofMillis(Math.round(interval.toMillis() * f));
    }
}
