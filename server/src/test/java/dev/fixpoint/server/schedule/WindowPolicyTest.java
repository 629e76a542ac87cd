package dev.fixpoint.server.schedule;

import static dev.fixpoint.server.schedule.MaintenanceWindowTest.BERLIN;
import static dev.fixpoint.server.schedule.MaintenanceWindowTest.at;
import static dev.fixpoint.server.schedule.MaintenanceWindowTest.utc;
import static dev.fixpoint.server.schedule.MaintenanceWindowTest.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.server.platform.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowPolicyTest {
    static final Duration HOUR = Duration.ofHours(1);

    final MaintenanceWindow tuesdays = window("FREQ=WEEKLY;BYDAY=TU", BERLIN, "2026-01-06T02:00", Duration.ofHours(2));

    static WindowPolicy policy(List<MaintenanceWindow> windows, Blackout... blackouts) {
        return new WindowPolicy(windows, List.of(blackouts));
    }

    @Test
    void withoutWindowsNothingEverStarts() {
        WindowPolicy none = policy(List.of());
        assertThat(none.canStart(at("2026-01-13T02:30", BERLIN), HOUR)).isFalse();
        assertThat(none.nextStart(at("2026-01-01T00:00", BERLIN), HOUR)).isEmpty();
    }

    @Test
    void aWindowAloneDecides() {
        WindowPolicy p = policy(List.of(tuesdays));
        assertThat(p.canStart(at("2026-01-13T02:30", BERLIN), HOUR)).isTrue();
        assertThat(p.canStart(at("2026-01-13T03:30", BERLIN), HOUR)).isFalse();
        assertThat(p.nextStart(at("2026-01-13T02:15", BERLIN), HOUR))
                .as("already inside and the job fits: now")
                .contains(at("2026-01-13T02:15", BERLIN));
        assertThat(p.nextStart(at("2026-01-13T03:30", BERLIN), HOUR))
                .as("too late in this occurrence: the next one")
                .contains(at("2026-01-20T02:00", BERLIN));
        assertThat(p.nextStart(at("2026-01-13T03:30", BERLIN), Duration.ofMinutes(30)))
                .contains(at("2026-01-13T03:30", BERLIN));
        assertThat(p.nextStart(at("2026-01-07T00:00", BERLIN), Duration.ofHours(3)))
                .as("longer than any window")
                .isEmpty();
    }

    @Test
    void aBlackoutOverridesTheWindow() {
        Blackout freeze =
                new Blackout("release freeze", at("2026-01-12T00:00", BERLIN), at("2026-01-19T00:00", BERLIN));
        WindowPolicy p = policy(List.of(tuesdays), freeze);
        assertThat(p.canStart(at("2026-01-13T02:30", BERLIN), HOUR)).isFalse();
        assertThat(p.canStart(at("2026-01-20T02:30", BERLIN), HOUR)).isTrue();
        assertThat(p.nextStart(at("2026-01-12T00:00", BERLIN), HOUR)).contains(at("2026-01-20T02:00", BERLIN));
    }

    @Test
    void aJobMustNotRunIntoABlackout() {
        Blackout lunch =
                new Blackout("db failover test", at("2026-01-13T03:00", BERLIN), at("2026-01-13T03:30", BERLIN));
        WindowPolicy p = policy(List.of(tuesdays), lunch);
        assertThat(p.canStart(at("2026-01-13T02:00", BERLIN), Duration.ofMinutes(61)))
                .isFalse();
        assertThat(p.canStart(at("2026-01-13T02:00", BERLIN), HOUR))
                .as("finishing just as the blackout begins")
                .isTrue();
        assertThat(p.canStart(at("2026-01-13T02:30", BERLIN), HOUR.plusNanos(1)))
                .isFalse();
        assertThat(p.canStart(at("2026-01-13T02:00", BERLIN), Duration.ofMinutes(30)))
                .isTrue();
        assertThat(p.canStart(at("2026-01-13T03:00", BERLIN), Duration.ZERO)).isFalse();
        assertThat(p.canStart(at("2026-01-13T03:30", BERLIN), Duration.ofMinutes(30)))
                .as("the blackout's end is exclusive")
                .isTrue();
        assertThat(p.nextStart(at("2026-01-13T02:40", BERLIN), Duration.ofMinutes(30)))
                .contains(at("2026-01-13T03:30", BERLIN));
        assertThat(p.nextStart(at("2026-01-13T02:40", BERLIN), Duration.ofMinutes(45)))
                .contains(at("2026-01-20T02:00", BERLIN));
    }

    @Test
    void aRecurringBlackout() {
        // every year from 20 December for two weeks, nothing is patched
        Blackout holidays = Blackout.recurring(
                "holidays",
                "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20",
                BERLIN,
                LocalDateTime.parse("2026-12-20T00:00"),
                Duration.ofDays(14));
        MaintenanceWindow nightly = window("FREQ=DAILY", BERLIN, "2026-01-01T01:00", Duration.ofHours(3));
        WindowPolicy p = policy(List.of(nightly), holidays);
        assertThat(holidays.isRecurring()).isTrue();
        assertThat(p.canStart(at("2026-12-19T01:00", BERLIN), HOUR)).isTrue();
        assertThat(p.canStart(at("2026-12-20T01:00", BERLIN), HOUR)).isFalse();
        assertThat(p.canStart(at("2027-12-25T01:00", BERLIN), HOUR)).isFalse();
        assertThat(p.nextStart(at("2026-12-21T12:00", BERLIN), HOUR)).contains(at("2027-01-03T01:00", BERLIN));
    }

    @Test
    void overlappingWindowsMergeIntoOneStretch() {
        MaintenanceWindow early = window("FREQ=DAILY", ZoneOffset.UTC, "2026-01-01T01:00", Duration.ofHours(2));
        MaintenanceWindow late = window("FREQ=DAILY", ZoneOffset.UTC, "2026-01-01T02:30", Duration.ofMinutes(150));
        WindowPolicy p = policy(List.of(early, late));
        Instant t = utc("2026-02-01T01:30:00Z");
        // neither window alone holds a three-hour job started at 01:30; together (01:00–05:00) they do
        assertThat(early.canStart(t, Duration.ofHours(3))).isFalse();
        assertThat(late.canStart(t, Duration.ofHours(3))).isFalse();
        assertThat(p.canStart(t, Duration.ofHours(3))).isTrue();
        assertThat(p.canStart(t, Duration.ofMinutes(211))).isFalse();
        assertThat(p.free(utc("2026-02-01T00:00:00Z"), utc("2026-02-02T00:00:00Z")))
                .containsExactly(new Interval(utc("2026-02-01T01:00:00Z"), utc("2026-02-01T05:00:00Z")));
    }

    @Test
    void touchingWindowsMergeToo() {
        MaintenanceWindow a = window("FREQ=DAILY", ZoneOffset.UTC, "2026-01-01T01:00", HOUR);
        MaintenanceWindow b = window("FREQ=DAILY", ZoneOffset.UTC, "2026-01-01T02:00", HOUR);
        assertThat(policy(List.of(a, b)).canStart(utc("2026-01-05T01:00:00Z"), Duration.ofHours(2)))
                .isTrue();
        assertThat(policy(List.of(a)).canStart(utc("2026-01-05T01:00:00Z"), Duration.ofHours(2)))
                .isFalse();
    }

    @Test
    void aLongJobAcrossBackToBackOccurrencesAndSearchChunks() {
        // back-to-back daily occurrences make one open stretch; a 40-day job is longer than a search chunk
        MaintenanceWindow always = window("FREQ=DAILY", ZoneOffset.UTC, "2026-01-01T00:00", Duration.ofDays(1));
        Blackout b = new Blackout("b", utc("2026-03-01T00:00:00Z"), utc("2026-03-02T00:00:00Z"));
        WindowPolicy p = policy(List.of(always), b);
        assertThat(p.nextStart(utc("2026-01-10T12:00:00Z"), Duration.ofDays(40)))
                .contains(utc("2026-01-10T12:00:00Z"));
        assertThat(p.nextStart(utc("2026-01-25T00:00:00Z"), Duration.ofDays(40)))
                .as("would run into the blackout: after it")
                .contains(utc("2026-03-02T00:00:00Z"));
    }

    @Test
    void aJobThatFitsOnlyInALaterMonth() {
        // a 20-day window each month; a 19-day job from day 5 does not fit, the next month's does
        MaintenanceWindow monthly =
                window("FREQ=MONTHLY;BYMONTHDAY=1", ZoneOffset.UTC, "2026-01-01T00:00", Duration.ofDays(20));
        WindowPolicy p = policy(List.of(monthly));
        assertThat(p.nextStart(utc("2026-01-05T00:00:00Z"), Duration.ofDays(19)))
                .contains(utc("2026-02-01T00:00:00Z"));
        assertThat(p.nextStart(utc("2026-01-05T00:00:00Z"), Duration.ofDays(15)))
                .contains(utc("2026-01-05T00:00:00Z"));
    }

    @Test
    void exhaustedWindowsAndTheHorizon() {
        MaintenanceWindow thrice = window("FREQ=WEEKLY;COUNT=3", ZoneOffset.UTC, "2026-01-01T00:00", HOUR);
        WindowPolicy p = policy(List.of(thrice));
        assertThat(p.nextStart(utc("2026-01-15T00:00:01Z"), HOUR)).isEmpty();
        MaintenanceWindow yearly = window("FREQ=YEARLY", ZoneOffset.UTC, "2026-06-01T00:00", HOUR);
        WindowPolicy y = policy(List.of(yearly));
        assertThat(y.nextStart(utc("2026-06-02T00:00:00Z"), HOUR)).contains(utc("2027-06-01T00:00:00Z"));
        assertThat(y.nextStart(utc("2026-06-02T00:00:00Z"), HOUR, Duration.ofDays(300)))
                .isEmpty();
        assertThat(y.nextStart(utc("2026-06-02T00:00:00Z"), HOUR, Duration.ofDays(364)))
                .contains(utc("2027-06-01T00:00:00Z"));
        assertThat(y.nextStart(Instant.MAX, HOUR)).isEmpty();
        assertThat(y.nextStart(Instant.MIN, HOUR, WindowPolicy.MAX_HORIZON)).isEmpty();
        assertThat(y.canStart(Instant.MAX, HOUR)).isFalse();
    }

    @Test
    void badArgumentsAreRefusedClearly() {
        WindowPolicy p = policy(List.of(tuesdays));
        assertThatThrownBy(() -> p.canStart(utc("2026-01-13T01:00:00Z"), Duration.ofMinutes(-1)))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("expected job duration");
        assertThatThrownBy(() -> p.nextStart(utc("2026-01-13T01:00:00Z"), HOUR, Duration.ofDays(5000)))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("horizon");
        assertThatThrownBy(() -> new Blackout("b", utc("2026-01-02T00:00:00Z"), utc("2026-01-01T00:00:00Z")))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("blackout 'b'")
                .hasMessageContaining("end");
        assertThatThrownBy(() -> new Blackout(" ", utc("2026-01-01T00:00:00Z"), utc("2026-01-02T00:00:00Z")))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("name is required");
        assertThatThrownBy(() -> new WindowPolicy(null, List.of()))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("windows");
    }
}
