package dev.fixpoint.agent.run;

import java.time.Clock;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Time and chance as the loop sees them, injectable so that tests neither sleep nor depend on luck.
 *
 * @param nanoTime the monotonic clock ({@link System#nanoTime}): all scheduling is measured on it, so a
 *     wall-clock jump neither stalls nor floods check-ins
 * @param sleeper waits
 * @param random jitter
 * @param wall the wall clock, for the informational {@code agentTime} only
 */
public record Timing(LongSupplier nanoTime, Sleeper sleeper, RandomGenerator random, Clock wall) {

    /** Waits for a while; may be interrupted. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public static Timing system() {
        return new Timing(
                System::nanoTime,
                d -> Thread.sleep(Math.max(0, d.toMillis())),
                RandomGenerator.of("L64X128MixRandom"),
                Clock.systemUTC());
    }
}
