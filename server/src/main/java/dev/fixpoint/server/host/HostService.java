package dev.fixpoint.server.host;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.core.risk.Criticality;
import dev.fixpoint.core.risk.Exposure;
import dev.fixpoint.server.audit.AuditLog;
import dev.fixpoint.server.auth.Principal;
import dev.fixpoint.server.platform.ApiException;
import dev.fixpoint.server.platform.ListQuery;
import dev.fixpoint.server.platform.Micros;
import dev.fixpoint.server.platform.Strings;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** Hosts as the API shows them, their operator-set attributes, and host groups. */
public final class HostService {
    static final Pattern LABEL_NAME = Pattern.compile("[a-z0-9][a-z0-9._/-]{0,62}");
    private static final Pattern LABEL_VALUE = Pattern.compile("[\\x20-\\x7e]{0,200}");
    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}");

    public record HostSummary(
            String id,
            String hostname,
            String ecosystem,
            String os,
            Instant lastSeen,
            int packageCount,
            long openFindings,
            long pendingUpdates,
            long pendingSecurityUpdates,
            boolean rebootRequired,
            String kernelRunning,
            List<String> kernelsInstalled,
            String criticality,
            String exposure,
            Map<String, String> labels,
            boolean simulated) {}

    public record Group(
            String id, String name, String description, GroupRule rule, List<String> staticMembers, Instant created) {}

    /** Filters of the host list. */
    public record HostFilter(
            String q, String ecosystem, String groupId, String label, Boolean rebootRequired, Boolean simulated) {}

    private static final Map<String, String> SORT = Map.of(
            "hostname", "h.hostname",
            "lastSeen", "h.last_seen_micros",
            "packageCount", "h.package_count",
            "openFindings", "open_findings",
            "pendingUpdates", "pending_updates",
            "ecosystem", "h.ecosystem",
            "criticality", "h.criticality");

    public static final java.util.Set<String> SORTABLE = SORT.keySet();

    /** A host row with the counts its summary shows; callers add the WHERE clause. */
    private static final String SUMMARY_SELECT = "SELECT h.*,"
            + " (SELECT COUNT(*) FROM finding f WHERE f.host_id = h.id AND f.resolved_micros IS NULL)"
            + " AS open_findings,"
            + " (SELECT COUNT(*) FROM pending_update p WHERE p.host_id = h.id) AS pending_updates,"
            + " (SELECT COUNT(*) FROM pending_update p WHERE p.host_id = h.id AND p.security = 1)"
            + " AS pending_security FROM host h";

    private final Jdbi jdbi;
    private final AuditLog audit;
    private final Clock clock;
    private final ObjectMapper json;

    public HostService(Jdbi jdbi, AuditLog audit, Clock clock, ObjectMapper json) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.clock = clock;
        this.json = json;
    }

    // ---- hosts

    public ListQuery.Page<HostSummary> list(HostFilter f, ListQuery q) {
        Map<String, Object> binds = new HashMap<>();
        String where = hostWhere(f, binds);
        return jdbi.withHandle(h -> {
            Query count = h.createQuery("SELECT COUNT(*) FROM host h WHERE " + where);
            binds.forEach(count::bind);
            long total = count.mapTo(Long.class).one();
            Query sel = h.createQuery(
                    SUMMARY_SELECT + " WHERE " + where + q.orderBy(SORT, "h.id") + " LIMIT :limit OFFSET :offset");
            binds.forEach(sel::bind);
            List<HostSummary> rows = sel.bind("limit", q.limit())
                    .bind("offset", q.offset())
                    .map((rs, c) -> summary(rs, Map.of()))
                    .list();
            return new ListQuery.Page<>(withLabels(h, rows), total, q.offset(), q.limit());
        });
    }

    /** An SQL condition selecting the hosts the filter admits (host alias {@code h}). */
    public String hostWhere(HostFilter f, Map<String, Object> binds) {
        List<String> where = new ArrayList<>();
        where.add("1=1");
        if (f.q() != null && !f.q().isBlank()) {
            where.add("LOWER(h.hostname) LIKE :q ESCAPE '\\'");
            binds.put("q", "%" + GroupRule.literal(f.q().toLowerCase(Locale.ROOT)) + "%");
        }
        if (f.ecosystem() != null) {
            where.add("h.ecosystem = :eco");
            binds.put("eco", f.ecosystem());
        }
        if (f.rebootRequired() != null) {
            where.add("h.reboot_required = :rb");
            binds.put("rb", f.rebootRequired() ? 1 : 0);
        }
        if (f.simulated() != null) {
            where.add("h.simulated = :sim");
            binds.put("sim", f.simulated() ? 1 : 0);
        }
        if (f.label() != null) {
            int eq = f.label().indexOf('=');
            String name = eq < 0 ? f.label() : f.label().substring(0, eq);
            if (!LABEL_NAME.matcher(name).matches()) {
                throw ApiException.badRequest("label: \"" + Strings.clip(f.label()) + "\" is not name or name=value");
            }
            where.add("EXISTS (SELECT 1 FROM host_label l WHERE l.host_id = h.id AND l.name = :lname"
                    + (eq < 0 ? "" : " AND l.value = :lvalue") + ")");
            binds.put("lname", name);
            if (eq >= 0) {
                binds.put("lvalue", f.label().substring(eq + 1));
            }
        }
        if (f.groupId() != null) {
            where.add(groupCondition(group(f.groupId()), binds, "g_"));
        }
        return String.join(" AND ", where);
    }

    /** The ids of the hosts in a group now (static members and those its rule selects). */
    public java.util.Set<String> groupMemberIds(String groupId) {
        Map<String, Object> binds = new HashMap<>();
        String where = groupCondition(group(groupId), binds, "g_");
        return jdbi.withHandle(h -> {
            Query q = h.createQuery("SELECT h.id FROM host h WHERE " + where);
            binds.forEach(q::bind);
            return new java.util.HashSet<>(q.mapTo(String.class).list());
        });
    }

    /** Hosts in a group: its static members, plus those its rule selects. */
    String groupCondition(Group g, Map<String, Object> binds, String prefix) {
        binds.put(prefix + "id", g.id());
        String members = "h.id IN (SELECT m.host_id FROM host_group_member m WHERE m.group_id = :" + prefix + "id)";
        if (g.rule() == null) {
            return members;
        }
        return "(" + members + " OR (" + g.rule().toSql(prefix, binds) + "))";
    }

    public HostSummary host(String id) {
        return jdbi.withHandle(h -> {
            Optional<HostSummary> s = h.createQuery(SUMMARY_SELECT + " WHERE h.id = :id")
                    .bind("id", id)
                    .map((rs, c) -> summary(rs, Map.of()))
                    .findOne();
            return withLabels(h, List.of(s.orElseThrow(() -> notFound(id)))).get(0);
        });
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("no host with id \"" + Strings.clip(id) + "\"");
    }

    public record PackageRow(String name, String arch, String version, String sourceName, String sourceVersion) {}

    public ListQuery.Page<PackageRow> packages(String hostId, String q, ListQuery lq) {
        host(hostId);
        Map<String, String> sort = Map.of("name", "name", "version", "version", "sourceName", "source_name");
        return jdbi.withHandle(h -> {
            String where = "host_id = :h" + (q == null ? "" : " AND LOWER(name) LIKE :q ESCAPE '\\'");
            Query count = h.createQuery("SELECT COUNT(*) FROM host_package WHERE " + where)
                    .bind("h", hostId);
            Query sel = h.createQuery("SELECT * FROM host_package WHERE " + where + lq.orderBy(sort, "arch")
                            + " LIMIT :limit OFFSET :offset")
                    .bind("h", hostId)
                    .bind("limit", lq.limit())
                    .bind("offset", lq.offset());
            if (q != null) {
                String like = "%" + GroupRule.literal(q.toLowerCase(Locale.ROOT)) + "%";
                count.bind("q", like);
                sel.bind("q", like);
            }
            long total = count.mapTo(Long.class).one();
            List<PackageRow> rows = sel.map((rs, c) -> new PackageRow(
                            rs.getString("name"),
                            rs.getString("arch"),
                            rs.getString("version"),
                            rs.getString("source_name"),
                            rs.getString("source_version")))
                    .list();
            return new ListQuery.Page<>(rows, total, lq.offset(), lq.limit());
        });
    }

    public record PendingRow(
            String name, String arch, String installed, String available, String origin, Boolean security) {}

    public ListQuery.Page<PendingRow> pendingUpdates(String hostId, ListQuery lq) {
        host(hostId);
        List<PendingRow> rows = jdbi.withHandle(h -> h.createQuery("SELECT * FROM pending_update WHERE host_id = :h")
                .bind("h", hostId)
                .map((rs, c) -> {
                    int s = rs.getInt("security");
                    Boolean sec = rs.wasNull() ? null : s != 0;
                    return new PendingRow(
                            rs.getString("name"),
                            rs.getString("arch"),
                            rs.getString("installed"),
                            rs.getString("available"),
                            rs.getString("origin"),
                            sec);
                })
                .list());
        return lq.page(
                rows,
                Map.of(
                        "name", java.util.Comparator.comparing(PendingRow::name),
                        "security",
                                java.util.Comparator.comparing((PendingRow r) -> Boolean.TRUE.equals(r.security()))));
    }

    /** Operator-set attributes; null fields are left as they are. */
    public record HostPatch(String criticality, String exposure, Map<String, String> labels) {}

    public HostSummary update(Principal actor, String id, HostPatch patch) {
        HostSummary before = host(id);
        Map<String, String> details = new TreeMap<>();
        String crit = null;
        String exp = null;
        if (patch.criticality() != null) {
            try {
                crit = Criticality.parse(patch.criticality()).name().toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("criticality: " + e.getMessage());
            }
            details.put("criticality", crit);
        }
        if (patch.exposure() != null) {
            try {
                exp = exposureLabel(Exposure.parse(patch.exposure()));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("exposure: " + e.getMessage());
            }
            details.put("exposure", exp);
        }
        if (patch.labels() != null) {
            if (patch.labels().size() > 50) {
                throw ApiException.invalid("labels: at most 50 per host");
            }
            patch.labels().forEach((k, v) -> {
                if (k == null || !LABEL_NAME.matcher(k).matches()) {
                    throw ApiException.invalid("labels: \"" + Strings.clip(k) + "\" is not a label name (lower-case"
                            + " letters, digits, '.', '_', '/', '-'; at most 63)");
                }
                if (v == null || !LABEL_VALUE.matcher(v).matches()) {
                    throw ApiException.invalid("labels." + k + ": at most 200 printable ASCII characters");
                }
            });
            details.put("labels", new TreeMap<>(patch.labels()).toString());
        }
        String c = crit;
        String e = exp;
        jdbi.useTransaction(h -> {
            if (c != null) {
                h.createUpdate("UPDATE host SET criticality = :c WHERE id = :id")
                        .bind("c", c)
                        .bind("id", id)
                        .execute();
            }
            if (e != null) {
                h.createUpdate("UPDATE host SET exposure = :e WHERE id = :id")
                        .bind("e", e)
                        .bind("id", id)
                        .execute();
            }
            if (patch.labels() != null) {
                h.createUpdate("DELETE FROM host_label WHERE host_id = :id")
                        .bind("id", id)
                        .execute();
                for (Map.Entry<String, String> l : patch.labels().entrySet()) {
                    h.createUpdate("INSERT INTO host_label (host_id, name, value) VALUES (:id, :n, :v)")
                            .bind("id", id)
                            .bind("n", l.getKey())
                            .bind("v", l.getValue())
                            .execute();
                }
            }
            audit.append(h, actor.actor(), "host.updated", "host:" + before.hostname(), details);
        });
        return host(id);
    }

    public static String exposureLabel(Exposure e) {
        switch (e) {
            case SMALL:
                return "internal";
            case OPEN:
                return "internet";
            default:
                return "controlled";
        }
    }

    public void requestRefresh(Principal actor, String id) {
        HostSummary hs = host(id);
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE host SET refresh_requested = 1 WHERE id = :id")
                    .bind("id", id)
                    .execute();
            audit.append(h, actor.actor(), "host.refresh_requested", "host:" + hs.hostname(), Map.of());
        });
    }

    public void delete(Principal actor, String id) {
        HostSummary hs = host(id);
        jdbi.useTransaction(h -> {
            for (String t : List.of(
                    "finding",
                    "pending_update",
                    "host_package",
                    "host_inventory",
                    "host_label",
                    "host_group_member",
                    "agent")) {
                h.createUpdate("DELETE FROM " + t + " WHERE host_id = :id")
                        .bind("id", id)
                        .execute();
            }
            h.createUpdate("DELETE FROM host WHERE id = :id").bind("id", id).execute();
            audit.append(h, actor.actor(), "host.deleted", "host:" + hs.hostname(), Map.of("id", id));
        });
    }

    private HostSummary summary(java.sql.ResultSet rs, Map<String, String> labels) throws java.sql.SQLException {
        return new HostSummary(
                rs.getString("id"),
                rs.getString("hostname"),
                rs.getString("ecosystem"),
                rs.getString("os_name"),
                Micros.instant(rs.getLong("last_seen_micros")),
                rs.getInt("package_count"),
                rs.getLong("open_findings"),
                rs.getLong("pending_updates"),
                rs.getLong("pending_security"),
                rs.getInt("reboot_required") != 0,
                rs.getString("kernel_running"),
                rs.getString("kernel_installed").isEmpty()
                        ? List.of()
                        : List.of(rs.getString("kernel_installed").split(" ")),
                rs.getString("criticality"),
                rs.getString("exposure"),
                labels,
                rs.getInt("simulated") != 0);
    }

    private static List<HostSummary> withLabels(Handle h, List<HostSummary> rows) {
        if (rows.isEmpty()) {
            return rows;
        }
        Map<String, Map<String, String>> labels = new HashMap<>();
        h.createQuery("SELECT * FROM host_label WHERE host_id IN (<ids>)")
                .bindList("ids", rows.stream().map(HostSummary::id).toList())
                .map((rs, c) ->
                        Map.entry(rs.getString("host_id"), Map.entry(rs.getString("name"), rs.getString("value"))))
                .forEach(e -> labels.computeIfAbsent(e.getKey(), k -> new TreeMap<>())
                        .put(e.getValue().getKey(), e.getValue().getValue()));
        List<HostSummary> out = new ArrayList<>(rows.size());
        for (HostSummary s : rows) {
            out.add(new HostSummary(
                    s.id(),
                    s.hostname(),
                    s.ecosystem(),
                    s.os(),
                    s.lastSeen(),
                    s.packageCount(),
                    s.openFindings(),
                    s.pendingUpdates(),
                    s.pendingSecurityUpdates(),
                    s.rebootRequired(),
                    s.kernelRunning(),
                    s.kernelsInstalled(),
                    s.criticality(),
                    s.exposure(),
                    labels.getOrDefault(s.id(), Map.of()),
                    s.simulated()));
        }
        return out;
    }

    // ---- groups

    public record GroupInput(String name, String description, GroupRule rule, List<String> staticMembers) {}

    public Group createGroup(Principal actor, GroupInput in) {
        validate(in);
        String id = UUID.randomUUID().toString();
        jdbi.useTransaction(h -> {
            if (h.createQuery("SELECT COUNT(*) FROM host_group WHERE name = :n")
                            .bind("n", in.name())
                            .mapTo(Long.class)
                            .one()
                    > 0) {
                throw ApiException.conflict("group \"" + Strings.clip(in.name()) + "\" already exists");
            }
            h.createUpdate("INSERT INTO host_group (id, name, description, rule, created_micros)"
                            + " VALUES (:id, :n, :d, :r, :t)")
                    .bind("id", id)
                    .bind("n", in.name())
                    .bind("d", in.description() == null ? "" : in.description())
                    .bind("r", ruleJson(in.rule()))
                    .bind("t", Micros.of(clock.instant()))
                    .execute();
            setMembers(h, id, in.staticMembers());
            audit.append(h, actor.actor(), "group.created", "group:" + in.name(), groupDetails(in));
        });
        return group(id);
    }

    public Group updateGroup(Principal actor, String id, GroupInput in) {
        Group before = group(id);
        validate(in);
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE host_group SET name = :n, description = :d, rule = :r WHERE id = :id")
                    .bind("n", in.name())
                    .bind("d", in.description() == null ? "" : in.description())
                    .bind("r", ruleJson(in.rule()))
                    .bind("id", id)
                    .execute();
            setMembers(h, id, in.staticMembers());
            Map<String, String> d = groupDetails(in);
            d.put("previous_name", before.name());
            audit.append(h, actor.actor(), "group.updated", "group:" + in.name(), d);
        });
        return group(id);
    }

    public void deleteGroup(Principal actor, String id) {
        Group g = group(id);
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM host_group_member WHERE group_id = :id")
                    .bind("id", id)
                    .execute();
            h.createUpdate("UPDATE enrollment_token SET group_id = NULL WHERE group_id = :id")
                    .bind("id", id)
                    .execute();
            h.createUpdate("DELETE FROM host_group WHERE id = :id")
                    .bind("id", id)
                    .execute();
            audit.append(h, actor.actor(), "group.deleted", "group:" + g.name(), Map.of());
        });
    }

    private static Map<String, String> groupDetails(GroupInput in) {
        Map<String, String> d = new TreeMap<>();
        d.put("rule", String.valueOf(in.rule()));
        d.put(
                "static_members",
                String.valueOf(
                        in.staticMembers() == null ? 0 : in.staticMembers().size()));
        return d;
    }

    private void validate(GroupInput in) {
        if (in == null || in.name() == null || !GROUP_NAME.matcher(in.name()).matches()) {
            throw ApiException.invalid("name: 1–100 letters, digits, spaces, '.', '_' or '-'");
        }
        if (in.description() != null && in.description().length() > 500) {
            throw ApiException.invalid("description: at most 500 characters");
        }
        if (in.rule() != null) {
            in.rule().validate();
        }
        if (in.staticMembers() != null && in.staticMembers().size() > 10_000) {
            throw ApiException.invalid("staticMembers: at most 10,000 hosts; use a rule for more");
        }
    }

    private void setMembers(Handle h, String groupId, List<String> members) {
        h.createUpdate("DELETE FROM host_group_member WHERE group_id = :g")
                .bind("g", groupId)
                .execute();
        if (members == null) {
            return;
        }
        for (String hostId : new java.util.LinkedHashSet<>(members)) {
            if (h.createQuery("SELECT COUNT(*) FROM host WHERE id = :id")
                            .bind("id", hostId)
                            .mapTo(Long.class)
                            .one()
                    == 0) {
                throw ApiException.invalid("staticMembers: no host with id \"" + Strings.clip(hostId) + "\"");
            }
            h.createUpdate("INSERT INTO host_group_member (group_id, host_id) VALUES (:g, :h)")
                    .bind("g", groupId)
                    .bind("h", hostId)
                    .execute();
        }
    }

    private String ruleJson(GroupRule rule) {
        if (rule == null) {
            return null;
        }
        try {
            return json.writeValueAsString(rule);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<Group> groups() {
        return jdbi.withHandle(h -> {
            Map<String, List<String>> members = new HashMap<>();
            h.createQuery("SELECT * FROM host_group_member")
                    .map((rs, c) -> Map.entry(rs.getString("group_id"), rs.getString("host_id")))
                    .forEach(e -> members.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                            .add(e.getValue()));
            return h.createQuery("SELECT * FROM host_group ORDER BY name")
                    .map((rs, c) -> readGroup(rs, members))
                    .list();
        });
    }

    public Group group(String id) {
        return groups().stream()
                .filter(g -> g.id().equals(id))
                .findFirst()
                .orElseThrow(() -> ApiException.notFound("no group with id \"" + Strings.clip(id) + "\""));
    }

    private Group readGroup(java.sql.ResultSet rs, Map<String, List<String>> members) throws java.sql.SQLException {
        String r = rs.getString("rule");
        GroupRule rule;
        try {
            rule = r == null ? null : json.readValue(r, GroupRule.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("group " + rs.getString("id") + ": stored rule unreadable", e);
        }
        return new Group(
                rs.getString("id"),
                rs.getString("name"),
                rs.getString("description"),
                rule,
                List.copyOf(members.getOrDefault(rs.getString("id"), List.of())),
                Micros.instant(rs.getLong("created_micros")));
    }
}
