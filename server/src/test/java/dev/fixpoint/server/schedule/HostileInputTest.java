package dev.fixpoint.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.server.platform.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad and hostile input is refused up front, fast, with a message naming the field. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HostileInputTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final LocalDateTime TUESDAY = LocalDateTime.parse("2026-01-06T02:00");
    static final Duration TWO_HOURS = Duration.ofHours(2);

    static Stream<Arguments> badRules() {
        return Stream.of(
                Arguments.of("garbage", "not a valid RFC 5545 recurrence rule"),
                Arguments.of("FREQ=SECONDLY", "FREQ=SECONDLY is not supported"),
                Arguments.of("FREQ=MINUTELY;INTERVAL=5", "FREQ=MINUTELY is not supported"),
                Arguments.of("FREQ=WEEKLY;COUNT=2147483647", "COUNT=2147483647 is out of range"),
                Arguments.of("FREQ=WEEKLY;COUNT=99999999999999", "not a valid RFC 5545"),
                Arguments.of("FREQ=WEEKLY;COUNT=0", "not a valid"),
                Arguments.of("FREQ=WEEKLY;INTERVAL=0", "not a valid"),
                Arguments.of("FREQ=YEARLY;INTERVAL=6", "INTERVAL=6"),
                Arguments.of("FREQ=WEEKLY;BYDAY=XX", "not a valid"),
                Arguments.of("FREQ=WEEKLY;BYDAY=2TU", "numeric value when the FREQ rule part is not set to MONTHLY"),
                Arguments.of("FREQ=WEEKLY;FOO=BAR", "not a valid"),
                Arguments.of("FREQ=WEEKLY;FREQ=DAILY", "not a valid"),
                Arguments.of("BYDAY=TU", "rrule"),
                Arguments.of("FREQ=DAILY;BYHOUR=2;BYMINUTE=0,1,2,3,4,5,6,7,8,9", "BYMINUTE"),
                Arguments.of("FREQ=HOURLY;BYSECOND=0,1,2,3", "BYSECOND"),
                Arguments.of("FREQ=WEEKLY;RSCALE=GREGORIAN", "RSCALE"),
                Arguments.of("FREQ=WEEKLY;UNTIL=20250101T000000Z", "before firstStart"),
                Arguments.of("FREQ=WEEKLY;UNTIL=20250101", "before firstStart"),
                Arguments.of("FREQ=WEEKLY;UNTIL=2026", "not a valid"),
                Arguments.of("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never produces an occurrence"),
                Arguments.of("FREQ=WEEKLY;BYDAY=WE", "is not an occurrence of the rule"),
                Arguments.of("FREQ=WEEKLY;BYDAY=TU\nX", "unexpected character at position 21"),
                Arguments.of("FREQ=WEEKLY;BYDAY=TU;BYMONTH=13", "not a valid"),
                Arguments.of("", "rrule is empty"),
                Arguments.of("   ", "rrule is empty"),
                Arguments.of("RRULE:", "rrule is empty"),
                Arguments.of("FREQ=WEEKLY;BYDAY=TÜ", "unexpected character"),
                Arguments.of("FREQ=WEEKLY;" + "BYDAY=TU;".repeat(1110), "10002 characters long"),
                Arguments.of("F".repeat(10_000), "10000 characters long"),
                Arguments.of("FREQ=DAILY;BYHOUR=" + "1,".repeat(240) + "1", "is not an occurrence of the rule"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("badRules")
    void badRulesAreRefused(String rrule, String expected) {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> new MaintenanceWindow("tuesday", rrule, BERLIN, TUESDAY, TWO_HOURS))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith("maintenance window 'tuesday': ")
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(422))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1000));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
    }

    static Stream<Arguments> badFields() {
        return Stream.of(
                Arguments.of(null, "FREQ=WEEKLY", BERLIN, TUESDAY, TWO_HOURS, "name is required"),
                Arguments.of("x".repeat(101), "FREQ=WEEKLY", BERLIN, TUESDAY, TWO_HOURS, "name is 101 characters"),
                Arguments.of("a\u0000b", "FREQ=WEEKLY", BERLIN, TUESDAY, TWO_HOURS, "control character"),
                Arguments.of("w", null, BERLIN, TUESDAY, TWO_HOURS, "rrule is required"),
                Arguments.of("w", "FREQ=WEEKLY", null, TUESDAY, TWO_HOURS, "zone is required"),
                Arguments.of("w", "FREQ=WEEKLY", BERLIN, null, TWO_HOURS, "firstStart is required"),
                Arguments.of("w", "FREQ=WEEKLY", BERLIN, TUESDAY, null, "duration is required"),
                Arguments.of("w", "FREQ=WEEKLY", BERLIN, TUESDAY, Duration.ZERO, "duration must be positive"),
                Arguments.of("w", "FREQ=WEEKLY", BERLIN, TUESDAY, Duration.ofHours(-2), "duration must be positive"),
                Arguments.of("w", "FREQ=WEEKLY", BERLIN, TUESDAY, Duration.ofSeconds(30), "at least 1 minute"),
                Arguments.of("w", "FREQ=WEEKLY", BERLIN, TUESDAY, Duration.ofDays(8), "longer than the rule's period"),
                Arguments.of("w", "FREQ=DAILY", BERLIN, TUESDAY, Duration.ofHours(25), "longer than the rule's period"),
                Arguments.of("w", "FREQ=HOURLY;INTERVAL=4", BERLIN, TUESDAY, Duration.ofHours(5), "repeats every PT4H"),
                Arguments.of("w", "FREQ=YEARLY", BERLIN, TUESDAY, Duration.ofDays(40), "at most 31 days"),
                Arguments.of(
                        "w",
                        "FREQ=WEEKLY",
                        BERLIN,
                        LocalDateTime.parse("1900-01-02T02:00"),
                        TWO_HOURS,
                        "firstStart must be in the years 1970 to 2199"),
                Arguments.of(
                        "w",
                        "FREQ=WEEKLY",
                        BERLIN,
                        LocalDateTime.parse("+99999-01-02T02:00"),
                        TWO_HOURS,
                        "firstStart must be in the years"),
                Arguments.of("w", "FREQ=WEEKLY", BERLIN, TUESDAY.plusNanos(5), TWO_HOURS, "whole seconds"));
    }

    @ParameterizedTest(name = "[{index}] {5}")
    @MethodSource("badFields")
    void badFieldsAreRefused(
            String name, String rrule, ZoneId zone, LocalDateTime firstStart, Duration duration, String expected) {
        assertThatThrownBy(() -> new MaintenanceWindow(name, rrule, zone, firstStart, duration))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void recurringBlackoutsAreValidatedTheSameWay() {
        assertThatThrownBy(() -> Blackout.recurring("xmas", "FREQ=SECONDLY", BERLIN, TUESDAY, TWO_HOURS))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith("blackout 'xmas': ")
                .hasMessageContaining("FREQ=SECONDLY");
    }

    @Test
    void theDensestAcceptedRuleStaysCheapOverItsWholeRange() {
        // four starts an hour from 1970, queried at the far end of the evaluation range
        MaintenanceWindow dense = new MaintenanceWindow(
                "dense",
                "FREQ=HOURLY;BYMINUTE=0,15,30,45",
                ZoneOffset.UTC,
                LocalDateTime.parse("1970-01-01T00:00"),
                Duration.ofMinutes(10));
        long t0 = System.nanoTime();
        assertThat(dense.openAt(Instant.parse("2199-06-01T12:05:00Z"))).isPresent();
        assertThat(dense.canStart(Instant.parse("2199-06-01T12:05:00Z"), Duration.ofMinutes(5)))
                .isTrue();
        assertThat(dense.next(Instant.parse("2199-06-01T12:05:00Z"))
                        .orElseThrow()
                        .start())
                .isEqualTo(Instant.parse("2199-06-01T12:15:00Z"));
        WindowPolicy p = new WindowPolicy(java.util.List.of(dense), java.util.List.of());
        assertThat(p.nextStart(Instant.parse("2199-06-01T12:05:00Z"), Duration.ofMinutes(11)))
                .as("no occurrence is long enough: the whole horizon is searched, and stays bounded")
                .isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void aLargeButAcceptedCountIsCheap() {
        MaintenanceWindow counted = new MaintenanceWindow(
                "counted",
                "FREQ=HOURLY;COUNT=10000",
                ZoneOffset.UTC,
                LocalDateTime.parse("2026-01-01T00:00"),
                Duration.ofMinutes(30));
        assertThat(counted.openAt(Instant.parse("2027-02-21T15:10:00Z"))).isPresent(); // the 9999th hour
        assertThat(counted.openAt(Instant.parse("2027-02-21T16:10:00Z"))).isEmpty(); // the 10001st
        assertThat(counted.next(Instant.parse("2026-06-01T00:00:00Z"))).isPresent();
        assertThat(counted.next(Instant.parse("2027-03-01T00:00:00Z"))).isEmpty();
    }
}
