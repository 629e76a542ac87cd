package dev.fixpoint.server.schedule;

import dev.fixpoint.server.platform.ApiException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.dmfs.rfc5545.DateTime;
import org.dmfs.rfc5545.recur.Freq;
import org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRuleIterator;

/**
 * A validated RFC 5545 recurrence of wall-clock start times in a zone, each lasting {@code duration}
 * of elapsed time, evaluated with bounded work. Shared by maintenance windows and recurring
 * blackouts.
 *
 * <p>lib-recur evaluates the rule on floating (zone-less) local date-times; each local start is then
 * placed in the zone by java.time's rules — a start in a DST gap moves forward by the gap's length,
 * a start in a DST overlap takes the earlier offset (the first occurrence of that wall-clock time).
 * UNTIL is taken out of the rule and applied here, so that a UTC UNTIL compares with real instants.
 */
final class Recurrence {
    /** Longest RRULE text accepted (checked before parsing). */
    static final int MAX_RRULE_LENGTH = 500;
    /** Largest COUNT accepted. */
    static final int MAX_COUNT = 10_000;
    /** Most BYMINUTE values (each multiplies the occurrences per hour). */
    static final int MAX_BYMINUTE = 4;
    /** Shortest and longest durations of one occurrence. */
    static final Duration MIN_DURATION = Duration.ofMinutes(1);

    static final Duration MAX_DURATION = Duration.ofDays(31);
    /** Longest nominal period (FREQ × INTERVAL). */
    static final Duration MAX_PERIOD = Duration.ofDays(5 * 365);
    /** {@code next} looks this far ahead at most. */
    static final Duration NEXT_HORIZON = Duration.ofDays(10 * 366);
    /** First starts must lie in these years; evaluation stops at the end of the last. */
    static final int MIN_YEAR = 1970;

    static final int MAX_YEAR = 2199;
    /** Instances examined per query at most (after fast-forwarding); beyond it the query fails closed. */
    static final int MAX_SCAN = 100_000;

    private static final LocalDateTime EVALUATION_END = LocalDateTime.of(MAX_YEAR + 1, 1, 1, 0, 0);
    private static final Instant EARLIEST =
            LocalDateTime.of(MIN_YEAR - 1, 1, 1, 0, 0).toInstant(ZoneOffset.UTC);
    private static final Instant LATEST =
            LocalDateTime.of(MAX_YEAR + 2, 1, 1, 0, 0).toInstant(ZoneOffset.UTC);

    private final String rruleText;
    private final RecurrenceRule rule;
    private final ZoneId zone;
    private final LocalDateTime firstStart;
    private final Duration duration;
    /** UNTIL as an instant (a UTC or local date-time UNTIL), or null. */
    private final Instant untilInstant;
    /** UNTIL as a date (a DATE value: occurrences starting on that local date or before), or null. */
    private final LocalDate untilDate;
    /** No occurrence starts later than this local time (from UNTIL), or null. */
    private final LocalDateTime untilLocalBound;

    /**
     * @param what names the thing in error messages, e.g. {@code maintenance window 'tuesday'}
     * @throws ApiException (422) naming the field and what is wrong with it
     */
    Recurrence(String what, String rrule, ZoneId zone, LocalDateTime firstStart, Duration duration) {
        if (rrule == null) {
            throw invalid(what, "rrule is required");
        }
        if (zone == null) {
            throw invalid(what, "zone is required");
        }
        if (firstStart == null) {
            throw invalid(what, "firstStart is required");
        }
        if (duration == null) {
            throw invalid(what, "duration is required");
        }
        if (rrule.length() > MAX_RRULE_LENGTH) {
            throw invalid(
                    what,
                    "rrule is " + rrule.length() + " characters long; at most " + MAX_RRULE_LENGTH + " are accepted");
        }
        String text = rrule.strip();
        if (text.regionMatches(true, 0, "RRULE:", 0, 6)) {
            text = text.substring(6);
        }
        if (text.isEmpty()) {
            throw invalid(what, "rrule is empty; expected e.g. FREQ=WEEKLY;BYDAY=TU");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '='
                    || c == ';'
                    || c == ','
                    || c == '+'
                    || c == '-';
            if (!ok) {
                throw invalid(
                        what,
                        "rrule has an unexpected character at position " + (i + 1)
                                + "; a rule is NAME=VALUE parts separated by ';', e.g. FREQ=WEEKLY;BYDAY=TU");
            }
        }
        RecurrenceRule parsed;
        try {
            parsed = new RecurrenceRule(text, RecurrenceRule.RfcMode.RFC5545_STRICT);
        } catch (InvalidRecurrenceRuleException | RuntimeException e) {
            throw invalid(what, "rrule is not a valid RFC 5545 recurrence rule: " + e.getMessage());
        }
        if (parsed.getFreq() == null) {
            throw invalid(what, "rrule has no FREQ");
        }
        Freq freq = parsed.getFreq();
        if (freq == Freq.SECONDLY || freq == Freq.MINUTELY) {
            throw invalid(
                    what,
                    "rrule FREQ=" + freq
                            + " is not supported for windows; use HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY");
        }
        if (parsed.hasPart(RecurrenceRule.Part.RSCALE) || parsed.hasPart(RecurrenceRule.Part.SKIP)) {
            throw invalid(what, "rrule RSCALE and SKIP are not supported; the Gregorian calendar is used");
        }
        if (parsed.hasPart(RecurrenceRule.Part.BYSECOND)
                && parsed.getByPart(RecurrenceRule.Part.BYSECOND).size() > 1) {
            throw invalid(what, "rrule BYSECOND may have one value at most");
        }
        if (parsed.hasPart(RecurrenceRule.Part.BYMINUTE)
                && parsed.getByPart(RecurrenceRule.Part.BYMINUTE).size() > MAX_BYMINUTE) {
            throw invalid(what, "rrule BYMINUTE may have " + MAX_BYMINUTE + " values at most");
        }
        if (parsed.hasPart(RecurrenceRule.Part.BYDAY) && freq != Freq.MONTHLY && freq != Freq.YEARLY) {
            for (RecurrenceRule.WeekdayNum d : parsed.getByDayPart()) {
                if (d.pos != 0) {
                    throw invalid(
                            what,
                            "rrule BYDAY=" + d + " has an ordinal, which RFC 5545 allows only with FREQ=MONTHLY or"
                                    + " YEARLY (e.g. FREQ=MONTHLY;BYDAY=2TU for the second Tuesday)");
                }
            }
        }
        Integer count = parsed.getCount();
        if (count != null && (count < 1 || count > MAX_COUNT)) {
            throw invalid(
                    what,
                    "rrule COUNT=" + count + " is out of range; at most " + MAX_COUNT
                            + " occurrences (leave COUNT out for a rule without end)");
        }
        Duration period = nominalPeriod(freq).multipliedBy(parsed.getInterval());
        if (period.compareTo(MAX_PERIOD) > 0) {
            throw invalid(
                    what,
                    "rrule INTERVAL=" + parsed.getInterval() + " with FREQ=" + freq
                            + " repeats less than once every 5 years; the longest accepted period is 5 years");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw invalid(what, "duration must be positive, got " + duration);
        }
        if (duration.compareTo(MIN_DURATION) < 0) {
            throw invalid(what, "duration must be at least 1 minute, got " + duration);
        }
        if (duration.compareTo(MAX_DURATION) > 0) {
            throw invalid(what, "duration must be at most 31 days, got " + duration);
        }
        if (duration.compareTo(period) > 0) {
            throw invalid(
                    what,
                    "duration " + duration + " is longer than the rule's period (FREQ=" + freq + ";INTERVAL="
                            + parsed.getInterval() + " repeats every " + period
                            + " at the shortest), so occurrences would overlap");
        }
        if (firstStart.getYear() < MIN_YEAR || firstStart.getYear() > MAX_YEAR) {
            throw invalid(
                    what, "firstStart must be in the years " + MIN_YEAR + " to " + MAX_YEAR + ", got " + firstStart);
        }
        if (firstStart.getNano() != 0) {
            throw invalid(what, "firstStart must be whole seconds, got " + firstStart);
        }
        DateTime until = parsed.getUntil();
        Instant uInstant = null;
        LocalDate uDate = null;
        LocalDateTime uBound = null;
        if (until != null) {
            try {
                if (until.isAllDay()) {
                    uDate = LocalDate.of(until.getYear(), until.getMonth() + 1, until.getDayOfMonth());
                    uBound = uDate.plusDays(1).atStartOfDay();
                    if (uDate.isBefore(firstStart.toLocalDate())) {
                        throw invalid(what, "rrule UNTIL=" + uDate + " is before firstStart " + firstStart);
                    }
                } else if (until.isFloating()) {
                    LocalDateTime local = local(until);
                    uInstant = local.atZone(zone).toInstant();
                    uBound = local.plusDays(1);
                } else {
                    uInstant = Instant.ofEpochMilli(until.getTimestamp());
                    uBound = LocalDateTime.ofInstant(uInstant, zone).plusDays(1);
                }
            } catch (DateTimeException e) {
                throw invalid(what, "rrule UNTIL is not a valid date: " + e.getMessage());
            }
            if (uInstant != null && uInstant.isBefore(firstStart.atZone(zone).toInstant())) {
                throw invalid(what, "rrule UNTIL " + uInstant + " is before firstStart " + firstStart + " " + zone);
            }
            parsed.setUntil(null);
        }
        this.rruleText = text;
        this.rule = parsed;
        this.zone = zone;
        this.firstStart = firstStart;
        this.duration = duration;
        this.untilInstant = uInstant;
        this.untilDate = uDate;
        this.untilLocalBound = uBound;

        LocalDateTime first;
        try {
            RecurrenceRuleIterator it = rule.iterator(floating(firstStart));
            first = it.hasNext() ? local(it.nextDateTime()) : null;
        } catch (RuntimeException e) {
            first = null;
        }
        if (first == null) {
            throw invalid(what, "rrule never produces an occurrence (e.g. BYMONTH=2;BYMONTHDAY=30)");
        }
        if (!first.equals(firstStart)) {
            throw invalid(
                    what,
                    "firstStart " + firstStart + " is not an occurrence of the rule " + text
                            + "; its first occurrence from there is " + first
                            + " — use that as firstStart");
        }
    }

    private static ApiException invalid(String what, String detail) {
        return ApiException.invalid(what + ": " + detail);
    }

    /** The shortest time one period of FREQ can take (a month of 28 days, a year of 365). */
    private static Duration nominalPeriod(Freq f) {
        switch (f) {
            case HOURLY:
                return Duration.ofHours(1);
            case DAILY:
                return Duration.ofDays(1);
            case WEEKLY:
                return Duration.ofDays(7);
            case MONTHLY:
                return Duration.ofDays(28);
            case YEARLY:
                return Duration.ofDays(365);
            default:
                throw new IllegalArgumentException(f.toString());
        }
    }

    String rrule() {
        return rruleText;
    }

    ZoneId zone() {
        return zone;
    }

    LocalDateTime firstStart() {
        return firstStart;
    }

    Duration duration() {
        return duration;
    }

    /** Occurrences that overlap {@code [from, to)}, in order of start. */
    List<Interval> overlapping(Instant from, Instant to) {
        List<Interval> out = new ArrayList<>();
        if (!to.isAfter(from)) {
            return out;
        }
        Instant lo = clamp(from).minus(duration);
        Instant hi = clamp(to);
        scan(
                LocalDateTime.ofInstant(lo, zone).minusDays(1),
                LocalDateTime.ofInstant(hi, zone).plusDays(1),
                (local, occ) -> {
                    if (occ.overlaps(from, to)) {
                        out.add(occ);
                    }
                    return true;
                });
        out.sort(Comparator.comparing(Interval::start));
        return out;
    }

    /**
     * The first occurrence starting strictly after {@code after}, within {@link #NEXT_HORIZON} of
     * {@code after} or of the first start, whichever is later.
     */
    Optional<Interval> next(Instant after) {
        Instant from = clamp(after);
        Instant firstInstant = firstStart.atZone(zone).toInstant();
        Instant limit = clamp((from.isBefore(firstInstant) ? firstInstant : from).plus(NEXT_HORIZON));
        Interval[] best = new Interval[1];
        LocalDateTime[] stopAt = new LocalDateTime[1];
        scan(LocalDateTime.ofInstant(from, zone).minusDays(1), LocalDateTime.ofInstant(limit, zone), (local, occ) -> {
            if (stopAt[0] != null && local.isAfter(stopAt[0])) {
                return false;
            }
            if (occ.start().isAfter(after) && !occ.start().isAfter(limit)) {
                if (best[0] == null || occ.start().isBefore(best[0].start())) {
                    best[0] = occ;
                }
                if (stopAt[0] == null) {
                    // a start shifted out of a DST gap may come later than the next one in local order
                    stopAt[0] = local.plusDays(1);
                }
            }
            return true;
        });
        return Optional.ofNullable(best[0]);
    }

    interface Visitor {
        /** Returns false to stop. */
        boolean visit(LocalDateTime localStart, Interval occurrence);
    }

    /**
     * Visits occurrences whose local start lies in {@code [lo, hi]} (roughly: instances before lo are
     * skipped by fast-forwarding), in local order, stopping after {@link #MAX_SCAN} instances, at
     * UNTIL, at the end of the evaluation range, or when the rule cannot go on (lib-recur gives up on
     * rules that filter out too many candidates in a row): all of these fail closed.
     */
    private void scan(LocalDateTime lo, LocalDateTime hi, Visitor visitor) {
        LocalDateTime end = hi.isAfter(EVALUATION_END) ? EVALUATION_END : hi;
        if (untilLocalBound != null && untilLocalBound.isBefore(end)) {
            end = untilLocalBound;
        }
        if (end.isBefore(firstStart) || lo.isAfter(end)) {
            return;
        }
        try {
            RecurrenceRuleIterator it = rule.iterator(floating(firstStart));
            if (lo.isAfter(firstStart)) {
                it.fastForward(floating(lo));
            }
            int scanned = 0;
            while (it.hasNext() && scanned < MAX_SCAN) {
                scanned++;
                LocalDateTime local = local(it.nextDateTime());
                if (local.isAfter(end)) {
                    return;
                }
                Instant start = local.atZone(zone).toInstant();
                if (untilDate != null && local.toLocalDate().isAfter(untilDate)) {
                    return;
                }
                if (untilInstant != null && start.isAfter(untilInstant)) {
                    continue;
                }
                if (!visitor.visit(local, new Interval(start, start.plus(duration)))) {
                    return;
                }
            }
        } catch (IllegalArgumentException | ArithmeticException | DateTimeException e) {
            // lib-recur's sanity limits: no further occurrences
        }
    }

    /**
     * Whether {@code t} lies beyond every occurrence any recurrence can have (before 1969 or after
     * 2201): queries there are answered "closed" without evaluating anything.
     */
    static boolean outOfRange(Instant t) {
        return t.isBefore(EARLIEST) || t.isAfter(LATEST);
    }

    static Instant clamp(Instant t) {
        if (t.isBefore(EARLIEST)) {
            return EARLIEST;
        }
        return t.isAfter(LATEST) ? LATEST : t;
    }

    private static DateTime floating(LocalDateTime t) {
        return new DateTime(
                t.getYear(), t.getMonthValue() - 1, t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
    }

    private static LocalDateTime local(DateTime d) {
        if (d.isAllDay()) {
            return LocalDate.of(d.getYear(), d.getMonth() + 1, d.getDayOfMonth())
                    .atStartOfDay();
        }
        return LocalDateTime.of(
                d.getYear(), d.getMonth() + 1, d.getDayOfMonth(), d.getHours(), d.getMinutes(), d.getSeconds());
    }

    @Override
    public String toString() {
        return "RRULE:" + rruleText + " from " + firstStart + " " + zone + " for " + duration;
    }

    /** Identity for equals: the inputs as given. */
    List<Object> key() {
        return List.of(rruleText.toUpperCase(Locale.ROOT), zone, firstStart, duration);
    }
}
