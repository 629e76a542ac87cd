package dev.fixpoint.agent.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** A monotonic clock that only moves when the loop sleeps, recording each sleep; stops the loop after N. */
final class FakeTime {

    /** Thrown by the sleeper to end a test's loop. */
    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    final List<Duration> sleeps = new ArrayList<>();
    private final int stopAfter;
    private long nanos = 1_000_000_000L;

    FakeTime(int stopAfter) {
        this.stopAfter = stopAfter;
    }

    Timing timing(RandomGenerator random) {
        return new Timing(
                () -> nanos,
                d -> {
                    sleeps.add(d);
                    nanos += d.toNanos();
                    if (sleeps.size() >= stopAfter) {
                        throw new Stop();
                    }
                },
                random,
                Clock.fixed(Instant.parse("2026-11-29T05:00:00Z"), ZoneOffset.UTC));
    }

    /** Randomness that always draws the top of the range (back-off upper bounds, +10 % jitter) or the bottom. */
    static RandomGenerator extreme(boolean top) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public long nextLong(long bound) {
                return top ? bound - 1 : 0;
            }

            @Override
            public double nextDouble() {
                return top ? 0.999999 : 0;
            }
        };
    }
}
