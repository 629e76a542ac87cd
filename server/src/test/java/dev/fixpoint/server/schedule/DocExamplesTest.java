package dev.fixpoint.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples in docs/maintenance-windows.md, so that they stay true. */
class DocExamplesTest {
    final ZoneId berlin = ZoneId.of("Europe/Berlin");

    @Test
    void theExamplesBuildAndBehave() {
        var tuesdays = new MaintenanceWindow(
                "tuesday nights",
                "FREQ=WEEKLY;BYDAY=TU",
                berlin,
                LocalDateTime.parse("2026-01-06T02:00"),
                Duration.ofHours(2));
        var patchTuesday = new MaintenanceWindow(
                "patch tuesday",
                "FREQ=MONTHLY;BYDAY=2TU",
                berlin,
                LocalDateTime.parse("2026-01-13T20:00"),
                Duration.ofHours(6));
        var twiceMonthly = new MaintenanceWindow(
                "mid and end of month",
                "FREQ=MONTHLY;BYMONTHDAY=15,-1;UNTIL=20261231T235959Z",
                ZoneOffset.UTC,
                LocalDateTime.parse("2026-01-15T01:00"),
                Duration.ofHours(3));
        var weekends = new MaintenanceWindow(
                "alternate weekends",
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU;COUNT=20",
                berlin,
                LocalDateTime.parse("2026-01-03T06:00"),
                Duration.ofHours(8));
        var holidays = Blackout.recurring(
                "holidays",
                "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20",
                berlin,
                LocalDateTime.parse("2026-12-20T00:00"),
                Duration.ofDays(14));
        var freeze = new Blackout(
                "release freeze", Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-08T00:00:00Z"));
        var policy = new WindowPolicy(List.of(tuesdays, patchTuesday), List.of(holidays, freeze));

        Instant wednesday = Instant.parse("2026-03-04T12:00:00Z"); // inside the freeze
        assertThat(policy.canStart(wednesday, Duration.ofMinutes(45))).isFalse();
        // Tuesday 10 March is both a Tuesday night and patch Tuesday: the night window comes first
        assertThat(policy.nextStart(wednesday, Duration.ofMinutes(45)))
                .contains(LocalDateTime.parse("2026-03-10T02:00").atZone(berlin).toInstant());
        assertThat(twiceMonthly.occurrences(
                        Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2027-03-01T00:00:00Z")))
                .hasSize(2);
        assertThat(weekends.occurrences(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z")))
                .hasSize(20);
    }

    @Test
    void theErrorMessagesAreAsShown() {
        ZoneId z = berlin;
        assertThatThrownBy(() -> new MaintenanceWindow(
                        "tuesday nights",
                        "FREQ=WEEKLY;BYDAY=TU",
                        z,
                        LocalDateTime.parse("2026-01-05T02:00"),
                        Duration.ofHours(2)))
                .hasMessage("maintenance window 'tuesday nights': firstStart 2026-01-05T02:00 is not an occurrence of"
                        + " the rule FREQ=WEEKLY;BYDAY=TU; its first occurrence from there is 2026-01-06T02:00 — use that"
                        + " as firstStart");
        assertThatThrownBy(() -> new MaintenanceWindow(
                        "tuesday nights",
                        "FREQ=WEEKLY;BYDAY=TU",
                        z,
                        LocalDateTime.parse("2026-01-06T02:00"),
                        Duration.ofDays(8)))
                .hasMessage(
                        "maintenance window 'tuesday nights': duration PT192H is longer than the rule's period"
                                + " (FREQ=WEEKLY;INTERVAL=1 repeats every PT168H at the shortest), so occurrences would overlap");
        assertThatThrownBy(() -> new MaintenanceWindow(
                        "tuesday nights",
                        "FREQ=SECONDLY",
                        z,
                        LocalDateTime.parse("2026-01-06T02:00"),
                        Duration.ofHours(2)))
                .hasMessage("maintenance window 'tuesday nights': rrule FREQ=SECONDLY is not supported for windows; use"
                        + " HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY");
    }
}
