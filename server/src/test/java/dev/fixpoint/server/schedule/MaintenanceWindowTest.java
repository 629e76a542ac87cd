package dev.fixpoint.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MaintenanceWindowTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    static Instant at(String local, ZoneId zone) {
        return LocalDateTime.parse(local).atZone(zone).toInstant();
    }

    static Instant utc(String iso) {
        return Instant.parse(iso);
    }

    static MaintenanceWindow window(String rrule, ZoneId zone, String firstStart, Duration d) {
        return new MaintenanceWindow("w", rrule, zone, LocalDateTime.parse(firstStart), d);
    }

    /** Local start dates of the occurrences in [from, to). */
    static List<LocalDateTime> starts(MaintenanceWindow w, Instant from, Instant to) {
        return w.occurrences(from, to).stream()
                .map(i -> LocalDateTime.ofInstant(i.start(), w.zone()))
                .collect(Collectors.toList());
    }

    // "every Tuesday 02:00–04:00 Europe/Berlin"; 2026-01-06 is a Tuesday
    final MaintenanceWindow tuesdays = window("FREQ=WEEKLY;BYDAY=TU", BERLIN, "2026-01-06T02:00", Duration.ofHours(2));

    @Nested
    class Weekly {
        @Test
        void openInsideTheOccurrenceOnly() {
            assertThat(tuesdays.openAt(at("2026-01-13T02:30", BERLIN)))
                    .contains(new Interval(utc("2026-01-13T01:00:00Z"), utc("2026-01-13T03:00:00Z")));
            assertThat(tuesdays.openAt(at("2026-01-13T02:00", BERLIN))).isPresent();
            assertThat(tuesdays.openAt(at("2026-01-13T04:00", BERLIN)))
                    .as("the end is exclusive")
                    .isEmpty();
            assertThat(tuesdays.openAt(at("2026-01-13T01:59:59", BERLIN))).isEmpty();
            assertThat(tuesdays.openAt(at("2026-01-14T02:30", BERLIN))).isEmpty();
            assertThat(tuesdays.openAt(at("2025-12-30T02:30", BERLIN)))
                    .as("nothing before firstStart")
                    .isEmpty();
        }

        @Test
        void nextStartsStrictlyAfter() {
            assertThat(tuesdays.next(at("2026-01-13T02:30", BERLIN))
                            .orElseThrow()
                            .start())
                    .isEqualTo(at("2026-01-20T02:00", BERLIN));
            assertThat(tuesdays.next(at("2026-01-13T02:00", BERLIN))
                            .orElseThrow()
                            .start())
                    .isEqualTo(at("2026-01-20T02:00", BERLIN));
            assertThat(tuesdays.next(at("2026-01-13T01:59", BERLIN))
                            .orElseThrow()
                            .start())
                    .isEqualTo(at("2026-01-13T02:00", BERLIN));
            assertThat(tuesdays.next(at("2020-01-01T00:00", BERLIN))
                            .orElseThrow()
                            .start())
                    .isEqualTo(at("2026-01-06T02:00", BERLIN));
        }

        @Test
        void aJobThatCannotFinishInsideIsNotStarted() {
            assertThat(tuesdays.canStart(at("2026-01-13T02:00", BERLIN), Duration.ofHours(2)))
                    .isTrue();
            assertThat(tuesdays.canStart(at("2026-01-13T02:00", BERLIN), Duration.ofMinutes(121)))
                    .isFalse();
            assertThat(tuesdays.canStart(at("2026-01-13T03:30", BERLIN), Duration.ofMinutes(30)))
                    .as("ends exactly at the window's end")
                    .isTrue();
            assertThat(tuesdays.canStart(at("2026-01-13T03:30", BERLIN), Duration.ofMinutes(31)))
                    .isFalse();
            assertThat(tuesdays.canStart(at("2026-01-13T04:00", BERLIN), Duration.ZERO))
                    .isFalse();
            assertThat(tuesdays.canStart(at("2026-01-13T01:00", BERLIN), Duration.ofMinutes(1)))
                    .isFalse();
        }

        @Test
        void everyOtherWeek() {
            MaintenanceWindow w =
                    window("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", BERLIN, "2026-01-06T02:00", Duration.ofHours(2));
            assertThat(starts(w, at("2026-01-01T00:00", BERLIN), at("2026-02-15T00:00", BERLIN)))
                    .containsExactly(
                            LocalDateTime.parse("2026-01-06T02:00"),
                            LocalDateTime.parse("2026-01-20T02:00"),
                            LocalDateTime.parse("2026-02-03T02:00"));
            assertThat(w.openAt(at("2026-01-13T02:30", BERLIN))).isEmpty();
        }

        @Test
        void severalDaysAWeek() {
            MaintenanceWindow w = window(
                    "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=1,13", ZoneOffset.UTC, "2026-01-03T01:00", Duration.ofHours(3));
            assertThat(starts(w, utc("2026-01-03T00:00:00Z"), utc("2026-01-05T00:00:00Z")))
                    .containsExactly(
                            LocalDateTime.parse("2026-01-03T01:00"),
                            LocalDateTime.parse("2026-01-03T13:00"),
                            LocalDateTime.parse("2026-01-04T01:00"),
                            LocalDateTime.parse("2026-01-04T13:00"));
        }
    }

    @Nested
    class DailyAndMonthly {
        @Test
        void aWindowCrossingMidnight() {
            MaintenanceWindow nightly = window("FREQ=DAILY", BERLIN, "2026-01-01T22:00", Duration.ofHours(4));
            Interval i = nightly.openAt(at("2026-02-03T01:30", BERLIN)).orElseThrow();
            assertThat(i.start()).isEqualTo(at("2026-02-02T22:00", BERLIN));
            assertThat(i.end()).isEqualTo(at("2026-02-03T02:00", BERLIN));
            assertThat(nightly.canStart(at("2026-02-02T23:00", BERLIN), Duration.ofHours(3)))
                    .isTrue();
            assertThat(nightly.canStart(at("2026-02-03T01:30", BERLIN), Duration.ofHours(1)))
                    .isFalse();
            assertThat(nightly.openAt(at("2026-02-03T02:00", BERLIN))).isEmpty();
        }

        @Test
        void patchTuesdayIsTheSecondTuesdayOfEachMonth() {
            MaintenanceWindow w = window("FREQ=MONTHLY;BYDAY=2TU", BERLIN, "2026-01-13T20:00", Duration.ofHours(6));
            assertThat(starts(w, at("2026-01-01T00:00", BERLIN), at("2026-07-01T00:00", BERLIN)).stream()
                            .map(LocalDateTime::toLocalDate))
                    .containsExactly(
                            LocalDate.parse("2026-01-13"),
                            LocalDate.parse("2026-02-10"),
                            LocalDate.parse("2026-03-10"),
                            LocalDate.parse("2026-04-14"),
                            LocalDate.parse("2026-05-12"),
                            LocalDate.parse("2026-06-09"));
            assertThat(w.openAt(at("2026-04-15T01:59", BERLIN))).isPresent();
            assertThat(w.openAt(at("2026-04-15T02:00", BERLIN))).isEmpty();
        }

        @Test
        void theWednesdayAfterPatchTuesday() {
            // the Wednesday after the second Tuesday is not always the second Wednesday: use BYMONTHDAY
            MaintenanceWindow w = window(
                    "FREQ=MONTHLY;BYDAY=WE;BYMONTHDAY=9,10,11,12,13,14,15",
                    BERLIN,
                    "2026-01-14T02:00",
                    Duration.ofHours(2));
            assertThat(starts(w, at("2026-01-01T00:00", BERLIN), at("2026-05-01T00:00", BERLIN)).stream()
                            .map(LocalDateTime::toLocalDate))
                    .containsExactly(
                            LocalDate.parse("2026-01-14"),
                            LocalDate.parse("2026-02-11"),
                            LocalDate.parse("2026-03-11"),
                            LocalDate.parse("2026-04-15"));
        }

        @Test
        void theLastWeekendDayOfTheMonthWithBySetpos() {
            MaintenanceWindow w = window(
                    "FREQ=MONTHLY;BYDAY=SA,SU;BYSETPOS=-1", ZoneOffset.UTC, "2026-01-31T06:00", Duration.ofHours(8));
            assertThat(starts(w, utc("2026-01-01T00:00:00Z"), utc("2026-04-01T00:00:00Z")).stream()
                            .map(LocalDateTime::toLocalDate))
                    .containsExactly(
                            LocalDate.parse("2026-01-31"),
                            LocalDate.parse("2026-02-28"),
                            LocalDate.parse("2026-03-29"));
        }

        @Test
        void byMonthDayIncludingTheLastDay() {
            MaintenanceWindow last =
                    window("FREQ=MONTHLY;BYMONTHDAY=-1", ZoneOffset.UTC, "2026-01-31T23:00", Duration.ofHours(1));
            assertThat(starts(last, utc("2026-01-01T00:00:00Z"), utc("2026-05-01T00:00:00Z")).stream()
                            .map(LocalDateTime::toLocalDate))
                    .containsExactly(
                            LocalDate.parse("2026-01-31"),
                            LocalDate.parse("2026-02-28"),
                            LocalDate.parse("2026-03-31"),
                            LocalDate.parse("2026-04-30"));
            MaintenanceWindow the31st =
                    window("FREQ=MONTHLY;BYMONTHDAY=31", ZoneOffset.UTC, "2026-01-31T23:00", Duration.ofHours(1));
            assertThat(starts(the31st, utc("2026-01-01T00:00:00Z"), utc("2026-06-01T00:00:00Z")).stream()
                            .map(LocalDateTime::toLocalDate))
                    .as("months without a 31st have no occurrence")
                    .containsExactly(
                            LocalDate.parse("2026-01-31"),
                            LocalDate.parse("2026-03-31"),
                            LocalDate.parse("2026-05-31"));
        }

        @Test
        void everyThreeDays() {
            MaintenanceWindow w =
                    window("FREQ=DAILY;INTERVAL=3", ZoneOffset.UTC, "2026-01-01T00:00", Duration.ofHours(1));
            assertThat(w.next(utc("2026-01-01T00:00:00Z")).orElseThrow().start())
                    .isEqualTo(utc("2026-01-04T00:00:00Z"));
            assertThat(w.openAt(utc("2026-12-30T00:30:00Z"))).isPresent(); // day 363 = 3 × 121
            assertThat(w.openAt(utc("2026-12-31T00:30:00Z"))).isEmpty();
        }
    }

    @Nested
    class Ends {
        @Test
        void countIsExhausted() {
            MaintenanceWindow w = window("FREQ=DAILY;COUNT=3", ZoneOffset.UTC, "2026-01-01T02:00", Duration.ofHours(1));
            assertThat(w.openAt(utc("2026-01-03T02:30:00Z"))).isPresent();
            assertThat(w.openAt(utc("2026-01-04T02:30:00Z"))).isEmpty();
            assertThat(w.next(utc("2026-01-03T02:00:00Z"))).isEmpty();
            assertThat(w.next(utc("2030-01-01T00:00:00Z"))).isEmpty();
        }

        @Test
        void untilInUtcIsInclusive() {
            // 02:00 Berlin in January is 01:00Z: the 5th is the last occurrence
            MaintenanceWindow w =
                    window("FREQ=DAILY;UNTIL=20260105T010000Z", BERLIN, "2026-01-01T02:00", Duration.ofHours(1));
            assertThat(starts(w, at("2026-01-01T00:00", BERLIN), at("2026-01-10T00:00", BERLIN)))
                    .hasSize(5)
                    .last()
                    .isEqualTo(LocalDateTime.parse("2026-01-05T02:00"));
            assertThat(w.next(at("2026-01-05T02:00", BERLIN))).isEmpty();
            MaintenanceWindow earlier =
                    window("FREQ=DAILY;UNTIL=20260105T005959Z", BERLIN, "2026-01-01T02:00", Duration.ofHours(1));
            assertThat(starts(earlier, at("2026-01-01T00:00", BERLIN), at("2026-01-10T00:00", BERLIN)))
                    .hasSize(4);
        }

        @Test
        void untilAsADateIncludesThatDay() {
            MaintenanceWindow w = window("FREQ=DAILY;UNTIL=20260105", BERLIN, "2026-01-01T22:00", Duration.ofHours(4));
            assertThat(starts(w, at("2026-01-01T00:00", BERLIN), at("2026-01-10T00:00", BERLIN)))
                    .hasSize(5);
            assertThat(w.openAt(at("2026-01-06T01:00", BERLIN)))
                    .as("the last occurrence still runs past midnight")
                    .isPresent();
        }

        @Test
        void untilAsALocalTimeIsInTheWindowsZone() {
            MaintenanceWindow w =
                    window("FREQ=DAILY;UNTIL=20260105T020000", BERLIN, "2026-01-01T02:00", Duration.ofHours(1));
            assertThat(starts(w, at("2026-01-01T00:00", BERLIN), at("2026-01-10T00:00", BERLIN)))
                    .hasSize(5);
        }
    }

    @Nested
    class DaylightSaving {
        // Europe/Berlin: 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET.

        @Test
        void springForwardShiftsANonexistentStartByTheGap() {
            MaintenanceWindow sundays = window("FREQ=WEEKLY;BYDAY=SU", BERLIN, "2026-03-22T02:30", Duration.ofHours(1));
            Interval gapDay = sundays.next(at("2026-03-28T00:00", BERLIN)).orElseThrow();
            // 02:30 does not exist that night: it becomes 03:30 CEST (01:30Z), still one hour long
            assertThat(gapDay.start()).isEqualTo(utc("2026-03-29T01:30:00Z"));
            assertThat(gapDay.end()).isEqualTo(utc("2026-03-29T02:30:00Z"));
            assertThat(sundays.openAt(utc("2026-03-29T01:29:00Z"))).isEmpty();
            assertThat(sundays.openAt(utc("2026-03-29T02:00:00Z"))).contains(gapDay);
            // a week later it is 02:30 CEST again
            assertThat(sundays.next(gapDay.start()).orElseThrow().start()).isEqualTo(utc("2026-04-05T00:30:00Z"));
            // and a week before it was 02:30 CET
            assertThat(sundays.openAt(utc("2026-03-22T01:45:00Z"))).isPresent();
        }

        @Test
        void aWindowStartingBeforeTheGapKeepsItsElapsedLength() {
            MaintenanceWindow nightly = window("FREQ=DAILY", BERLIN, "2026-03-01T01:00", Duration.ofHours(3));
            Interval i = nightly.openAt(at("2026-03-29T01:30", BERLIN)).orElseThrow();
            assertThat(i.start()).isEqualTo(utc("2026-03-29T00:00:00Z"));
            // three real hours: 01:00 CET to 05:00 CEST on the wall clock
            assertThat(i.end()).isEqualTo(at("2026-03-29T05:00", BERLIN));
            assertThat(i.length()).isEqualTo(Duration.ofHours(3));
        }

        @Test
        void fallBackTakesTheFirstOfTheRepeatedTimes() {
            MaintenanceWindow nightly = window("FREQ=DAILY", BERLIN, "2026-10-01T02:30", Duration.ofHours(1));
            Interval i = nightly.next(at("2026-10-24T12:00", BERLIN)).orElseThrow();
            // 02:30 happens twice: 00:30Z (CEST) and 01:30Z (CET); the first counts
            assertThat(i.start()).isEqualTo(utc("2026-10-25T00:30:00Z"));
            assertThat(i.end()).isEqualTo(utc("2026-10-25T01:30:00Z"));
            assertThat(nightly.openAt(utc("2026-10-25T01:45:00Z")))
                    .as("the second 02:45 of the night is after the occurrence")
                    .isEmpty();
            assertThat(nightly.next(i.start()).orElseThrow().start()).isEqualTo(utc("2026-10-26T01:30:00Z"));
        }

        @Test
        void tuesdayWindowsKeepTheirWallClockAcrossBothChanges() {
            assertThat(tuesdays.openAt(utc("2026-03-24T01:30:00Z"))).isPresent(); // 02:30 CET
            assertThat(tuesdays.openAt(utc("2026-03-31T00:30:00Z"))).isPresent(); // 02:30 CEST
            assertThat(tuesdays.openAt(utc("2026-03-31T02:30:00Z"))).isEmpty(); // 04:30 CEST
            assertThat(tuesdays.openAt(utc("2026-10-27T01:30:00Z"))).isPresent(); // 02:30 CET
        }

        @Test
        void newYork() {
            // America/New_York: 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST
            MaintenanceWindow nightly = window("FREQ=DAILY", NEW_YORK, "2026-03-01T02:30", Duration.ofMinutes(90));
            Interval gap = nightly.openAt(utc("2026-03-08T08:00:00Z")).orElseThrow();
            assertThat(gap.start()).isEqualTo(utc("2026-03-08T07:30:00Z")); // 03:30 EDT
            assertThat(nightly.openAt(utc("2026-03-07T07:45:00Z")).orElseThrow().start())
                    .isEqualTo(utc("2026-03-07T07:30:00Z")); // 02:30 EST
            assertThat(nightly.openAt(utc("2026-03-09T06:45:00Z")).orElseThrow().start())
                    .isEqualTo(utc("2026-03-09T06:30:00Z")); // 02:30 EDT

            MaintenanceWindow early = window("FREQ=DAILY", NEW_YORK, "2026-10-01T01:30", Duration.ofMinutes(30));
            Interval overlap = early.next(utc("2026-11-01T00:00:00Z")).orElseThrow();
            assertThat(overlap.start()).isEqualTo(utc("2026-11-01T05:30:00Z")); // the first 01:30, EDT
            assertThat(early.openAt(utc("2026-11-01T06:45:00Z"))).isEmpty(); // the second 01:45, EST
            assertThat(early.canStart(utc("2026-11-01T05:30:00Z"), Duration.ofMinutes(30)))
                    .isTrue();
        }
    }

    @Test
    void rrulePrefixAndCaseAreAccepted() {
        MaintenanceWindow w = new MaintenanceWindow(
                " w ",
                "RRULE:freq=weekly;byday=tu",
                BERLIN,
                LocalDateTime.parse("2026-01-06T02:00"),
                Duration.ofHours(2));
        assertThat(w.name()).isEqualTo("w");
        assertThat(w.rrule()).isEqualTo("freq=weekly;byday=tu");
        assertThat(w.openAt(at("2026-01-13T02:30", BERLIN))).isPresent();
    }

    @Test
    void queriesFarOutsideTheEvaluationRangeAreEmptyNotErrors() {
        assertThat(tuesdays.openAt(Instant.MAX)).isEmpty();
        assertThat(tuesdays.openAt(Instant.MIN)).isEmpty();
        assertThat(tuesdays.next(Instant.MAX)).isEmpty();
        assertThat(tuesdays.next(Instant.MIN)).isPresent();
        assertThat(tuesdays.canStart(Instant.MAX, Duration.ZERO)).isFalse();
        assertThat(tuesdays.occurrences(Instant.MIN, Instant.MAX)).isNotEmpty();
        assertThat(tuesdays.openAt(at("2199-12-31T02:30", BERLIN))).isPresent(); // a Tuesday
        assertThat(tuesdays.next(at("2199-12-31T02:30", BERLIN))).isEmpty();
    }
}
