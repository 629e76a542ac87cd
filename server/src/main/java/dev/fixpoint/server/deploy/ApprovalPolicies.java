package dev.fixpoint.server.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.server.audit.AuditLog;
import dev.fixpoint.server.auth.Principal;
import dev.fixpoint.server.finding.FindingService;
import dev.fixpoint.server.host.HostService;
import dev.fixpoint.server.platform.ApiException;
import dev.fixpoint.server.platform.Micros;
import dev.fixpoint.server.platform.Strings;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Automatic approval: a policy approves a new deployment when every condition it sets holds, e.g.
 * "fixes a KEV-listed vulnerability" or "decision immediate, at most 20 hosts, all in the canary
 * group". The deployment still goes through its rings and gates; the policy only stands in for the
 * operator's approval, and its firing is in the audit log under the policy's name.
 */
public final class ApprovalPolicies {

    /**
     * The conditions (all that are given must hold).
     *
     * @param kev some finding the deployment fixes is in CISA KEV
     * @param decisions some finding it fixes has one of these SSVC decisions (immediate, out-of-cycle, …)
     * @param kinds the deployment's {@code what.kind} is one of these
     * @param groups every host it patches is in one of these groups
     * @param maxHosts it patches at most this many hosts
     */
    public record Rule(
            Boolean kev, List<String> decisions, List<String> kinds, List<String> groups, Integer maxHosts) {}

    public record PolicyInput(String name, Rule rule, Boolean enabled) {}

    public record Policy(String id, String name, Rule rule, boolean enabled, String createdBy, Instant created) {}

    record Match(String policy, String reason) {}

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final AuditLog audit;
    private final HostService hosts;
    private final Clock clock;

    public ApprovalPolicies(Jdbi jdbi, ObjectMapper json, AuditLog audit, HostService hosts, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.audit = audit;
        this.hosts = hosts;
        this.clock = clock;
    }

    public Policy create(Principal actor, PolicyInput in) {
        if (in == null || in.name() == null || !in.name().strip().matches("[\\x20-\\x7e]{1,100}")) {
            throw ApiException.invalid("name: 1-100 printable ASCII characters");
        }
        Rule r = in.rule();
        if (r == null
                || (r.kev() == null
                        && r.decisions() == null
                        && r.kinds() == null
                        && r.groups() == null
                        && r.maxHosts() == null)) {
            throw ApiException.invalid("rule: at least one of kev, decisions, kinds, groups, maxHosts (a rule"
                    + " without conditions would approve everything)");
        }
        for (String d : r.decisions() == null ? List.<String>of() : r.decisions()) {
            if (!Set.of("defer", "scheduled", "out-of-cycle", "immediate").contains(decision(d))) {
                throw ApiException.invalid(
                        "rule.decisions: \"" + Strings.clip(d) + "\"; use defer, scheduled, out-of-cycle or immediate");
            }
        }
        for (String k : r.kinds() == null ? List.<String>of() : r.kinds()) {
            if (!DeploymentService.KINDS.contains(k.toUpperCase(Locale.ROOT))) {
                throw ApiException.invalid("rule.kinds: \"" + Strings.clip(k) + "\"; use " + DeploymentService.KINDS);
            }
        }
        for (String g : r.groups() == null ? List.<String>of() : r.groups()) {
            hosts.group(g);
        }
        if (r.maxHosts() != null && r.maxHosts() < 1) {
            throw ApiException.invalid("rule.maxHosts: 1 or more");
        }
        String id = UUID.randomUUID().toString();
        String name = in.name().strip();
        String text;
        try {
            text = json.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        jdbi.useTransaction(h -> {
            if (h.createQuery("SELECT COUNT(*) FROM approval_policy WHERE name = :n")
                            .bind("n", name)
                            .mapTo(Long.class)
                            .one()
                    > 0) {
                throw ApiException.conflict("approval policy \"" + Strings.clip(name) + "\" exists already");
            }
            h.createUpdate("INSERT INTO approval_policy (id, name, rule, enabled, created_by, created_micros)"
                            + " VALUES (:id, :n, :r, :e, :by, :t)")
                    .bind("id", id)
                    .bind("n", name)
                    .bind("r", text)
                    .bind("e", in.enabled() == null || in.enabled() ? 1 : 0)
                    .bind("by", actor.actor())
                    .bind("t", Micros.of(clock.instant()))
                    .execute();
            audit.append(h, actor.actor(), "approval_policy.created", "approval_policy:" + name, Map.of("rule", text));
        });
        return list().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
    }

    public void delete(Principal actor, String id) {
        jdbi.useTransaction(h -> {
            String name = h.createQuery("SELECT name FROM approval_policy WHERE id = :id")
                    .bind("id", id)
                    .mapTo(String.class)
                    .findOne()
                    .orElseThrow(
                            () -> ApiException.notFound("no approval policy with id \"" + Strings.clip(id) + "\""));
            h.createUpdate("DELETE FROM approval_policy WHERE id = :id")
                    .bind("id", id)
                    .execute();
            audit.append(h, actor.actor(), "approval_policy.deleted", "approval_policy:" + name, Map.of());
        });
    }

    public List<Policy> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM approval_policy ORDER BY name")
                .map((rs, c) -> {
                    try {
                        return new Policy(
                                rs.getString("id"),
                                rs.getString("name"),
                                json.readValue(rs.getString("rule"), Rule.class),
                                rs.getInt("enabled") != 0,
                                rs.getString("created_by"),
                                Micros.instant(rs.getLong("created_micros")));
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .list());
    }

    /** The first enabled policy (by name) whose conditions all hold for this new deployment, if any. */
    Match match(
            FindingService findings,
            String kind,
            Map<String, DeploymentService.Resolved> resolved,
            List<String> toPatch) {
        if (toPatch.isEmpty()) {
            return null;
        }
        List<FindingService.FindingView> fixed = null;
        for (Policy p : list()) {
            if (!p.enabled()) {
                continue;
            }
            Rule r = p.rule();
            StringBuilder why = new StringBuilder();
            if (r.kinds() != null && r.kinds().stream().noneMatch(k -> k.equalsIgnoreCase(kind))) {
                continue;
            }
            if (r.maxHosts() != null && toPatch.size() > r.maxHosts()) {
                continue;
            }
            if (r.groups() != null) {
                Set<String> members = new HashSet<>();
                for (String g : r.groups()) {
                    try {
                        members.addAll(hosts.groupMemberIds(g));
                    } catch (ApiException e) {
                        // a deleted group holds no host
                    }
                }
                if (!members.containsAll(toPatch)) {
                    continue;
                }
                why.append("every host in ").append(r.groups()).append("; ");
            }
            if (r.kev() != null || r.decisions() != null) {
                if (fixed == null) {
                    fixed = fixedFindings(findings, resolved);
                }
                boolean ok = false;
                for (FindingService.FindingView v : fixed) {
                    boolean kevOk = r.kev() == null || v.priority().kev() == r.kev();
                    boolean decOk = r.decisions() == null
                            || r.decisions().stream().anyMatch(d -> decision(d)
                                    .equals(decision(v.priority().decision())));
                    if (kevOk && decOk) {
                        why.append("fixes ")
                                .append(v.advisoryId())
                                .append(" on ")
                                .append(v.hostname())
                                .append(" (")
                                .append(v.priority().kev() ? "KEV, " : "")
                                .append(v.priority().decision())
                                .append("); ");
                        ok = true;
                        break;
                    }
                }
                if (!ok) {
                    continue;
                }
            }
            String reason = why.length() == 0 ? "rule matched" : why.substring(0, why.length() - 2);
            return new Match(p.name(), reason);
        }
        return null;
    }

    private static List<FindingService.FindingView> fixedFindings(
            FindingService findings, Map<String, DeploymentService.Resolved> resolved) {
        return findings
                .matching(
                        new FindingService.FindingFilter(null, null, null, null, null, null, null, null, null, "open"))
                .stream()
                .filter(v -> {
                    DeploymentService.Resolved r = resolved.get(v.hostId());
                    return r != null && r.findingKeys.contains(v.pkg() + ":" + v.arch());
                })
                .toList();
    }

    private static String decision(String d) {
        return d == null ? "" : d.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
