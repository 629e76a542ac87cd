package dev.fixpoint.server.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.server.audit.AuditLog;
import dev.fixpoint.server.auth.Principal;
import dev.fixpoint.server.auth.Role;
import dev.fixpoint.server.platform.ApiException;
import dev.fixpoint.server.platform.Micros;
import dev.fixpoint.server.platform.Strings;
import dev.fixpoint.server.schedule.Interval;
import dev.fixpoint.server.schedule.MaintenanceWindow;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recurring deployments: "all security updates for group X, every Tuesday". At each occurrence of an
 * RFC 5545 rule a deployment is created from the schedule's template — its targets and versions
 * resolved then, from what the hosts report at that moment — and, when the schedule says so, approved
 * by it (recorded as {@code schedule:<name>}). The deployment's own windows, rings and gates then
 * apply as to any other. Occurrences missed while the server was down fire once, not once each.
 */
public final class DeploymentSchedules {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentSchedules.class);

    public record ScheduleInput(
            String name, DeploymentSpec template, String rrule, String zone, String firstStart, Boolean autoApprove) {}

    public record Schedule(
            String id,
            String name,
            DeploymentSpec template,
            String rrule,
            String zone,
            String firstStart,
            boolean autoApprove,
            boolean enabled,
            String createdBy,
            Instant created,
            Instant lastFired,
            String lastDeployment,
            String lastError,
            Instant nextFire) {}

    private final Jdbi jdbi;
    private final DeploymentService deployments;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final Clock clock;

    public DeploymentSchedules(
            Jdbi jdbi, DeploymentService deployments, AuditLog audit, ObjectMapper json, Clock clock) {
        this.jdbi = jdbi;
        this.deployments = deployments;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    public Schedule create(Principal actor, ScheduleInput in) {
        if (in == null) {
            throw ApiException.badRequest("body missing");
        }
        String name = in.name() == null ? "" : in.name().strip();
        if (!name.matches("[\\x20-\\x7e]{1,100}")) {
            throw ApiException.invalid("name: 1-100 printable ASCII characters");
        }
        boolean auto = Boolean.TRUE.equals(in.autoApprove());
        if (auto && actor.role() != Role.ADMIN) {
            throw ApiException.forbidden(
                    "autoApprove: only an admin may create a schedule that approves its own" + " deployments");
        }
        MaintenanceWindow rule = rule(name, in.rrule(), in.zone(), in.firstStart());
        if (in.template() == null) {
            throw ApiException.invalid("template: the deployment to create at each occurrence");
        }
        DeploymentSpec t0 = in.template();
        deployments.validate(new DeploymentSpec(
                t0.name() == null ? name : t0.name(),
                t0.what(),
                t0.where(),
                t0.rings(),
                t0.windows(),
                t0.reboot(),
                t0.autoRollback(),
                t0.expectedMinutes(),
                t0.healthChecks(),
                t0.preflight(),
                t0.offlineMinutes()));
        String id = UUID.randomUUID().toString();
        String template;
        try {
            template = json.writeValueAsString(in.template());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        jdbi.useTransaction(h -> {
            if (h.createQuery("SELECT COUNT(*) FROM deployment_schedule WHERE name = :n")
                            .bind("n", name)
                            .mapTo(Long.class)
                            .one()
                    > 0) {
                throw ApiException.conflict("deployment schedule \"" + Strings.clip(name) + "\" exists already");
            }
            h.createUpdate(
                            "INSERT INTO deployment_schedule (id, name, template, rrule, zone, first_start, auto_approve,"
                                    + " created_by, created_micros) VALUES (:id, :n, :t, :r, :z, :f, :a, :by, :c)")
                    .bind("id", id)
                    .bind("n", name)
                    .bind("t", template)
                    .bind("r", rule.rrule())
                    .bind("z", rule.zone().getId())
                    .bind("f", rule.firstStart().toString())
                    .bind("a", auto ? 1 : 0)
                    .bind("by", actor.actor())
                    .bind("c", Micros.of(clock.instant()))
                    .execute();
            Map<String, String> d = new TreeMap<>();
            d.put("rrule", rule.rrule());
            d.put("zone", rule.zone().getId());
            d.put("autoApprove", Boolean.toString(auto));
            audit.append(h, actor.actor(), "deployment_schedule.created", "deployment_schedule:" + name, d);
        });
        return schedule(id);
    }

    public void delete(Principal actor, String id) {
        jdbi.useTransaction(h -> {
            Schedule s = schedule(id);
            h.createUpdate("DELETE FROM deployment_schedule WHERE id = :id")
                    .bind("id", id)
                    .execute();
            audit.append(h, actor.actor(), "deployment_schedule.deleted", "deployment_schedule:" + s.name(), Map.of());
        });
    }

    public List<Schedule> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM deployment_schedule ORDER BY name")
                .map((rs, c) -> read(rs))
                .list());
    }

    public Schedule schedule(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM deployment_schedule WHERE id = :id")
                .bind("id", id)
                .map((rs, c) -> read(rs))
                .findOne()
                .orElseThrow(
                        () -> ApiException.notFound("no deployment schedule with id \"" + Strings.clip(id) + "\"")));
    }

    /** Creates the deployments whose time has come (run by the scheduler under its lease). */
    public void fire() {
        Instant now = clock.instant();
        for (Schedule s : list()) {
            if (!s.enabled()) {
                continue;
            }
            Instant since = s.lastFired() != null ? s.lastFired() : s.created();
            Optional<Instant> due = latestOccurrence(s, since, now);
            if (due.isEmpty()) {
                continue;
            }
            String deployment = null;
            String error = null;
            try {
                DeploymentSpec t = s.template();
                DeploymentSpec spec = new DeploymentSpec(
                        s.name() + " " + due.get().toString().substring(0, 16).replace('T', ' '),
                        t.what(),
                        t.where(),
                        t.rings(),
                        t.windows(),
                        t.reboot(),
                        t.autoRollback(),
                        t.expectedMinutes(),
                        t.healthChecks(),
                        t.preflight(),
                        t.offlineMinutes());
                deployment = deployments.create("schedule:" + s.name(), spec).id();
                if (s.autoApprove()) {
                    deployments.approve(deployment, "schedule:" + s.name(), "scheduled at " + due.get());
                }
            } catch (ApiException | IllegalStateException e) {
                error = Strings.clip(e.getMessage());
                LOG.warn("deployment schedule {}: cannot create its deployment: {}", s.name(), error);
            }
            String created = deployment;
            String failed = error;
            jdbi.useTransaction(h -> {
                h.createUpdate("UPDATE deployment_schedule SET last_fired_micros = :t, last_deployment = :d,"
                                + " last_error = :e WHERE id = :id")
                        .bind("t", Micros.of(due.get()))
                        .bind("d", created)
                        .bind("e", failed)
                        .bind("id", s.id())
                        .execute();
                Map<String, String> d = new TreeMap<>();
                d.put("occurrence", due.get().toString());
                d.put("deployment", created == null ? "" : created);
                if (failed != null) {
                    d.put("error", failed);
                }
                audit.append(
                        h, "schedule:" + s.name(), "deployment_schedule.fired", "deployment_schedule:" + s.name(), d);
            });
        }
    }

    /** The latest occurrence in {@code (since, now]}, if any. */
    private Optional<Instant> latestOccurrence(Schedule s, Instant since, Instant now) {
        MaintenanceWindow rule = rule(s.name(), s.rrule(), s.zone(), s.firstStart());
        Instant latest = null;
        for (Interval i : rule.occurrences(since, now.plusNanos(1))) {
            if (i.start().isAfter(since) && !i.start().isAfter(now)) {
                latest = i.start();
            }
        }
        return Optional.ofNullable(latest);
    }

    private static MaintenanceWindow rule(String name, String rrule, String zone, String firstStart) {
        if (rrule == null || zone == null || firstStart == null) {
            throw ApiException.invalid(
                    "rrule, zone and firstStart are required (e.g. FREQ=WEEKLY;BYDAY=TU, UTC," + " 2026-12-01T00:00)");
        }
        ZoneId z;
        try {
            z = ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw ApiException.invalid("zone: \"" + Strings.clip(zone) + "\" is not a time zone");
        }
        LocalDateTime first;
        try {
            first = LocalDateTime.parse(firstStart);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("firstStart: \"" + Strings.clip(firstStart)
                    + "\" is not a local date-time such as 2026-12-01T00:00");
        }
        // An occurrence is an instant; the window machinery wants a length: one minute.
        return new MaintenanceWindow(name, rrule, z, first, Duration.ofMinutes(1));
    }

    private Schedule read(java.sql.ResultSet rs) throws java.sql.SQLException {
        DeploymentSpec t;
        try {
            t = json.readValue(rs.getString("template"), DeploymentSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        String name = rs.getString("name");
        Instant lastFired = JobService.optional(rs, "last_fired_micros");
        Instant created = Micros.instant(rs.getLong("created_micros"));
        Instant next = null;
        try {
            MaintenanceWindow rule =
                    rule(name, rs.getString("rrule"), rs.getString("zone"), rs.getString("first_start"));
            Instant after = clock.instant();
            next = rule.next(after.minusNanos(1)).map(Interval::start).orElse(null);
        } catch (ApiException e) {
            // a stored rule that no longer parses shows no next time
        }
        return new Schedule(
                rs.getString("id"),
                name,
                t,
                rs.getString("rrule"),
                rs.getString("zone"),
                rs.getString("first_start"),
                rs.getInt("auto_approve") != 0,
                rs.getInt("enabled") != 0,
                rs.getString("created_by"),
                created,
                lastFired,
                rs.getString("last_deployment"),
                rs.getString("last_error"),
                next);
    }
}
