package dev.fixpoint.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Duration INTERVAL = Duration.ofMinutes(5);

    @Test
    void theUpperBoundDoublesFromFiveSecondsToTheInterval() {
        Backoff b = new Backoff(FakeTime.extreme(true));
        List<Long> seconds = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            seconds.add(Math.round(b.next(INTERVAL, Optional.empty()).toMillis() / 1000.0));
        }
        assertThat(seconds).containsExactly(5L, 10L, 20L, 40L, 80L, 160L, 300L, 300L, 300L);
        b.reset();
        assertThat(b.next(INTERVAL, Optional.empty())).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void fullJitterDrawsAnywhereBetweenZeroAndTheBound() {
        RandomGenerator r = RandomGenerator.of("L64X128MixRandom");
        Backoff b = new Backoff(r);
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < 10; i++) {
                Duration d = b.next(INTERVAL, Optional.empty());
                assertThat(d).isBetween(Duration.ZERO, Backoff.upperBound(i, INTERVAL));
            }
            b.reset();
        }
        assertThat(new Backoff(FakeTime.extreme(false)).next(INTERVAL, Optional.empty()))
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void retryAfterIsAFloor() {
        Backoff b = new Backoff(FakeTime.extreme(false));
        assertThat(b.next(INTERVAL, Optional.of(Duration.ofSeconds(600)))).isEqualTo(Duration.ofSeconds(600));
        Backoff top = new Backoff(FakeTime.extreme(true));
        assertThat(top.next(INTERVAL, Optional.of(Duration.ofSeconds(1)))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void checkinsAreJitteredByTenPercent() {
        RandomGenerator r = RandomGenerator.of("L64X128MixRandom");
        for (int i = 0; i < 1000; i++) {
            assertThat(Backoff.jittered(INTERVAL, r)).isBetween(Duration.ofSeconds(270), Duration.ofSeconds(330));
        }
        assertThat(Backoff.jittered(INTERVAL, FakeTime.extreme(false))).isEqualTo(Duration.ofSeconds(270));
    }
}
