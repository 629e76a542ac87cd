package dev.fixpoint.server.deploy;

import dev.fixpoint.server.audit.AuditLog;
import dev.fixpoint.server.auth.Principal;
import dev.fixpoint.server.host.HostService;
import dev.fixpoint.server.platform.ApiException;
import dev.fixpoint.server.platform.Micros;
import dev.fixpoint.server.platform.Strings;
import dev.fixpoint.server.schedule.Blackout;
import dev.fixpoint.server.schedule.Interval;
import dev.fixpoint.server.schedule.MaintenanceWindow;
import dev.fixpoint.server.schedule.WindowPolicy;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Maintenance windows and blackouts kept in the database and attached to groups, hosts or every
 * host; the {@link WindowPolicy} that applies to a host is the union of the windows that reach it
 * minus every blackout that reaches it.
 */
public final class WindowService {
    public static final String WINDOW = "window";
    public static final String BLACKOUT = "blackout";

    /** What a client sends to create or replace a window or blackout. */
    public record WindowInput(
            String name,
            String kind,
            String rrule,
            String zone,
            String firstStart,
            Long durationMinutes,
            Instant start,
            Instant end,
            List<String> groups,
            List<String> hosts,
            Boolean allHosts) {}

    public record WindowView(
            String id,
            String name,
            String kind,
            String rrule,
            String zone,
            String firstStart,
            Long durationMinutes,
            Instant start,
            Instant end,
            List<String> groups,
            List<String> hosts,
            boolean allHosts,
            Instant created,
            Instant nextOpen) {}

    /** What applies to one host now: its windows and blackouts, and when a job may next start. */
    public record HostSchedule(
            String hostId,
            List<String> windows,
            List<String> blackouts,
            boolean openNow,
            Instant nextStart,
            List<Interval> nextStretches) {}

    private final Jdbi jdbi;
    private final AuditLog audit;
    private final HostService hosts;
    private final Clock clock;

    public WindowService(Jdbi jdbi, AuditLog audit, HostService hosts, Clock clock) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.hosts = hosts;
        this.clock = clock;
    }

    // ---- CRUD

    public WindowView create(Principal actor, WindowInput in) {
        Parsed p = parse(in);
        String id = UUID.randomUUID().toString();
        jdbi.useTransaction(h -> {
            if (h.createQuery("SELECT COUNT(*) FROM patch_window WHERE name = :n")
                            .bind("n", p.name)
                            .mapTo(Long.class)
                            .one()
                    > 0) {
                throw ApiException.conflict(p.kind + " \"" + Strings.clip(p.name) + "\" exists already");
            }
            insert(h, id, p);
            audit.append(h, actor.actor(), p.kind + ".created", p.kind + ":" + p.name, details(p));
        });
        return window(id);
    }

    public WindowView replace(Principal actor, String id, WindowInput in) {
        Parsed p = parse(in);
        jdbi.useTransaction(h -> {
            requireExists(h, id);
            if (h.createQuery("SELECT COUNT(*) FROM patch_window WHERE name = :n AND id <> :id")
                            .bind("n", p.name)
                            .bind("id", id)
                            .mapTo(Long.class)
                            .one()
                    > 0) {
                throw ApiException.conflict("another window or blackout is named \"" + Strings.clip(p.name) + "\"");
            }
            h.createUpdate("DELETE FROM patch_window WHERE id = :id")
                    .bind("id", id)
                    .execute();
            insert(h, id, p);
            audit.append(h, actor.actor(), p.kind + ".changed", p.kind + ":" + p.name, details(p));
        });
        return window(id);
    }

    public void delete(Principal actor, String id) {
        jdbi.useTransaction(h -> {
            WindowView w = requireExists(h, id);
            h.createUpdate("DELETE FROM patch_window WHERE id = :id")
                    .bind("id", id)
                    .execute();
            audit.append(h, actor.actor(), w.kind() + ".deleted", w.kind() + ":" + w.name(), Map.of());
        });
    }

    public List<WindowView> list() {
        return jdbi.withHandle(h -> {
            Map<String, List<String[]>> scopes = scopes(h);
            return h.createQuery("SELECT * FROM patch_window ORDER BY kind DESC, name")
                    .map((rs, c) -> view(rs, scopes))
                    .list();
        });
    }

    public WindowView window(String id) {
        return jdbi.withHandle(h -> requireExists(h, id));
    }

    private WindowView requireExists(Handle h, String id) {
        Map<String, List<String[]>> scopes = scopes(h);
        return h.createQuery("SELECT * FROM patch_window WHERE id = :id")
                .bind("id", id)
                .map((rs, c) -> view(rs, scopes))
                .findOne()
                .orElseThrow(() -> ApiException.notFound(
                        "no maintenance window or blackout with id \"" + Strings.clip(id) + "\""));
    }

    // ---- policies

    /** The window policy of each host in {@code hostIds}. */
    public Map<String, WindowPolicy> policies(Handle h, Collection<String> hostIds) {
        List<Entry> entries = entries(h);
        Map<String, Set<String>> groupMembers = new HashMap<>();
        for (Entry e : entries) {
            for (String g : e.groups) {
                groupMembers.computeIfAbsent(g, this::members);
            }
        }
        Map<String, WindowPolicy> cache = new HashMap<>();
        Map<String, WindowPolicy> out = new HashMap<>();
        for (String host : hostIds) {
            List<Entry> applies = new ArrayList<>();
            StringBuilder key = new StringBuilder();
            for (Entry e : entries) {
                boolean reaches = e.allHosts
                        || e.hosts.contains(host)
                        || e.groups.stream().anyMatch(g -> groupMembers.get(g).contains(host));
                if (reaches) {
                    applies.add(e);
                    key.append(e.id).append(',');
                }
            }
            out.put(host, cache.computeIfAbsent(key.toString(), k -> policy(applies)));
        }
        return out;
    }

    /** Only the blackouts reaching each host, with a window that is always open (immediate deployments). */
    public static WindowPolicy alwaysOpen(WindowPolicy p) {
        MaintenanceWindow always = new MaintenanceWindow(
                "always", "FREQ=DAILY", ZoneId.of("UTC"), LocalDateTime.of(2000, 1, 1, 0, 0), Duration.ofHours(24));
        return new WindowPolicy(List.of(always), p.blackouts());
    }

    public HostSchedule schedule(String hostId, Duration expected) {
        return jdbi.withHandle(h -> {
            hosts.host(hostId);
            WindowPolicy p = policies(h, List.of(hostId)).get(hostId);
            Instant now = clock.instant();
            Optional<Instant> next = p.nextStart(now, expected);
            return new HostSchedule(
                    hostId,
                    p.windows().stream().map(MaintenanceWindow::name).toList(),
                    p.blackouts().stream().map(Blackout::name).toList(),
                    p.canStart(now, expected),
                    next.orElse(null),
                    p.free(now, now.plus(Duration.ofDays(14))).stream()
                            .limit(10)
                            .toList());
        });
    }

    private static WindowPolicy policy(List<Entry> entries) {
        List<MaintenanceWindow> windows = new ArrayList<>();
        List<Blackout> blackouts = new ArrayList<>();
        for (Entry e : entries) {
            if (e.window != null) {
                windows.add(e.window);
            } else {
                blackouts.add(e.blackout);
            }
        }
        return new WindowPolicy(windows, blackouts);
    }

    private Set<String> members(String groupId) {
        try {
            return hosts.groupMemberIds(groupId);
        } catch (ApiException e) {
            return Set.of(); // the group was deleted: it reaches no host
        }
    }

    private static final class Entry {
        String id;
        boolean allHosts;
        Set<String> groups = new HashSet<>();
        Set<String> hosts = new HashSet<>();
        MaintenanceWindow window;
        Blackout blackout;
    }

    private List<Entry> entries(Handle h) {
        Map<String, List<String[]>> scopes = scopes(h);
        return h.createQuery("SELECT * FROM patch_window")
                .map((rs, c) -> {
                    Entry e = new Entry();
                    e.id = rs.getString("id");
                    e.allHosts = rs.getInt("all_hosts") != 0;
                    for (String[] s : scopes.getOrDefault(e.id, List.of())) {
                        if (s[0] != null) {
                            e.groups.add(s[0]);
                        }
                        if (s[1] != null) {
                            e.hosts.add(s[1]);
                        }
                    }
                    String name = rs.getString("name");
                    String rrule = rs.getString("rrule");
                    if (WINDOW.equals(rs.getString("kind"))) {
                        e.window = new MaintenanceWindow(
                                name,
                                rrule,
                                ZoneId.of(rs.getString("zone")),
                                LocalDateTime.parse(rs.getString("first_start")),
                                Duration.ofSeconds(rs.getLong("duration_seconds")));
                    } else if (rrule != null) {
                        e.blackout = Blackout.recurring(
                                name,
                                rrule,
                                ZoneId.of(rs.getString("zone")),
                                LocalDateTime.parse(rs.getString("first_start")),
                                Duration.ofSeconds(rs.getLong("duration_seconds")));
                    } else {
                        e.blackout = new Blackout(
                                name,
                                Micros.instant(rs.getLong("start_micros")),
                                Micros.instant(rs.getLong("end_micros")));
                    }
                    return e;
                })
                .list();
    }

    private static Map<String, List<String[]>> scopes(Handle h) {
        Map<String, List<String[]>> m = new HashMap<>();
        h.createQuery("SELECT window_id, group_id, host_id FROM patch_window_scope")
                .map((rs, c) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
                .forEach(r -> m.computeIfAbsent(r[0], k -> new ArrayList<>()).add(new String[] {r[1], r[2]}));
        return m;
    }

    // ---- parsing

    private static final class Parsed {
        String name;
        String kind;
        String rrule;
        String zone;
        String firstStart;
        Long durationSeconds;
        Instant start;
        Instant end;
        List<String> groups;
        List<String> hosts;
        boolean allHosts;
        Object checked; // the MaintenanceWindow or Blackout built from the fields, proving them valid
    }

    private Parsed parse(WindowInput in) {
        if (in == null) {
            throw ApiException.badRequest("body missing");
        }
        Parsed p = new Parsed();
        p.kind = in.kind() == null ? WINDOW : in.kind();
        if (!WINDOW.equals(p.kind) && !BLACKOUT.equals(p.kind)) {
            throw ApiException.invalid("kind: \"" + Strings.clip(p.kind) + "\"; use window or blackout");
        }
        p.name = in.name() == null ? "" : in.name().strip();
        p.groups = in.groups() == null ? List.of() : List.copyOf(new LinkedHashSet<>(in.groups()));
        p.hosts = in.hosts() == null ? List.of() : List.copyOf(new LinkedHashSet<>(in.hosts()));
        p.allHosts = Boolean.TRUE.equals(in.allHosts());
        if (!p.allHosts && p.groups.isEmpty() && p.hosts.isEmpty()) {
            throw ApiException.invalid(p.kind + " \"" + Strings.clip(p.name)
                    + "\": attach it to groups, hosts, or allHosts: true (it would reach no host)");
        }
        for (String g : p.groups) {
            hosts.group(g); // 404 naming it when there is no such group
        }
        for (String host : p.hosts) {
            hosts.host(host);
        }
        boolean oneOff = in.start() != null || in.end() != null;
        if (oneOff) {
            if (WINDOW.equals(p.kind)) {
                throw ApiException.invalid("window \"" + Strings.clip(p.name)
                        + "\": start/end are for one-off blackouts; a window recurs (rrule, zone, firstStart,"
                        + " durationMinutes)");
            }
            if (in.rrule() != null) {
                throw ApiException.invalid(
                        "blackout \"" + Strings.clip(p.name) + "\": give either start/end or an rrule, not both");
            }
            p.checked = new Blackout(p.name, in.start(), in.end());
            p.start = in.start();
            p.end = in.end();
            return p;
        }
        String what = p.kind + " \"" + Strings.clip(p.name) + "\"";
        if (in.zone() == null || in.firstStart() == null || in.durationMinutes() == null || in.rrule() == null) {
            throw ApiException.invalid(what + ": rrule, zone, firstStart and durationMinutes are required");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(in.zone());
        } catch (DateTimeException e) {
            throw ApiException.invalid(what + ": zone \"" + Strings.clip(in.zone()) + "\" is not a time zone"
                    + " (e.g. Europe/Berlin, UTC)");
        }
        LocalDateTime first;
        try {
            first = LocalDateTime.parse(in.firstStart());
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(what + ": firstStart \"" + Strings.clip(in.firstStart())
                    + "\" is not a local date-time such as 2026-12-01T02:00");
        }
        if (in.durationMinutes() < 1 || in.durationMinutes() > 60L * 24 * 31) {
            throw ApiException.invalid(what + ": durationMinutes must be 1.." + 60 * 24 * 31);
        }
        Duration d = Duration.ofMinutes(in.durationMinutes());
        p.checked = WINDOW.equals(p.kind)
                ? new MaintenanceWindow(p.name, in.rrule(), zone, first, d)
                : Blackout.recurring(p.name, in.rrule(), zone, first, d);
        p.rrule = in.rrule();
        p.zone = zone.getId();
        p.firstStart = first.toString();
        p.durationSeconds = d.toSeconds();
        return p;
    }

    private void insert(Handle h, String id, Parsed p) {
        h.createUpdate("INSERT INTO patch_window (id, name, kind, rrule, zone, first_start, duration_seconds,"
                        + " start_micros, end_micros, all_hosts, created_micros) VALUES (:id, :n, :k, :r, :z, :f, :d,"
                        + " :s, :e, :all, :c)")
                .bind("id", id)
                .bind("n", p.name)
                .bind("k", p.kind)
                .bind("r", p.rrule)
                .bind("z", p.zone)
                .bind("f", p.firstStart)
                .bind("d", p.durationSeconds)
                .bind("s", p.start == null ? null : Micros.of(p.start))
                .bind("e", p.end == null ? null : Micros.of(p.end))
                .bind("all", p.allHosts ? 1 : 0)
                .bind("c", Micros.of(clock.instant()))
                .execute();
        for (String g : p.groups) {
            h.createUpdate("INSERT INTO patch_window_scope (window_id, group_id) VALUES (:w, :g)")
                    .bind("w", id)
                    .bind("g", g)
                    .execute();
        }
        for (String host : p.hosts) {
            h.createUpdate("INSERT INTO patch_window_scope (window_id, host_id) VALUES (:w, :h)")
                    .bind("w", id)
                    .bind("h", host)
                    .execute();
        }
    }

    private static Map<String, String> details(Parsed p) {
        Map<String, String> d = new TreeMap<>();
        if (p.rrule != null) {
            d.put("rrule", p.rrule);
            d.put("zone", p.zone);
            d.put("firstStart", p.firstStart);
            d.put("durationMinutes", Long.toString(p.durationSeconds / 60));
        } else {
            d.put("start", p.start.toString());
            d.put("end", p.end.toString());
        }
        d.put("groups", String.join(",", p.groups));
        d.put("hosts", String.join(",", p.hosts));
        d.put("allHosts", Boolean.toString(p.allHosts));
        return d;
    }

    private WindowView view(java.sql.ResultSet rs, Map<String, List<String[]>> scopes) throws java.sql.SQLException {
        String id = rs.getString("id");
        List<String> groups = new ArrayList<>();
        List<String> hostIds = new ArrayList<>();
        for (String[] s : scopes.getOrDefault(id, List.of())) {
            if (s[0] != null) {
                groups.add(s[0]);
            }
            if (s[1] != null) {
                hostIds.add(s[1]);
            }
        }
        long dur = rs.getLong("duration_seconds");
        Long durationMinutes = rs.wasNull() ? null : dur / 60;
        Instant start = JobService.optional(rs, "start_micros");
        Instant end = JobService.optional(rs, "end_micros");
        Instant nextOpen = null;
        String rrule = rs.getString("rrule");
        Instant now = clock.instant();
        if (rrule != null) {
            Recurring r = new Recurring(
                    rs.getString("kind"),
                    rs.getString("name"),
                    rrule,
                    rs.getString("zone"),
                    rs.getString("first_start"),
                    dur);
            nextOpen = r.next(now);
        } else if (end != null && end.isAfter(now)) {
            nextOpen = start.isAfter(now) ? start : now;
        }
        return new WindowView(
                id,
                rs.getString("name"),
                rs.getString("kind"),
                rrule,
                rs.getString("zone"),
                rs.getString("first_start"),
                durationMinutes,
                start,
                end,
                groups,
                hostIds,
                rs.getInt("all_hosts") != 0,
                Micros.instant(rs.getLong("created_micros")),
                nextOpen);
    }

    private record Recurring(String kind, String name, String rrule, String zone, String firstStart, long seconds) {
        Instant next(Instant now) {
            MaintenanceWindow w = new MaintenanceWindow(
                    name, rrule, ZoneId.of(zone), LocalDateTime.parse(firstStart), Duration.ofSeconds(seconds));
            Optional<Interval> open = w.openAt(now);
            if (open.isPresent()) {
                return now;
            }
            return w.next(now).map(Interval::start).orElse(null);
        }
    }
}
