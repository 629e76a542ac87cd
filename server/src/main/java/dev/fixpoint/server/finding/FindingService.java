package dev.fixpoint.server.finding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.risk.AssetContext;
import dev.fixpoint.core.risk.Criticality;
import dev.fixpoint.core.risk.Exposure;
import dev.fixpoint.core.risk.RiskAssessment;
import dev.fixpoint.core.risk.SeverityLevel;
import dev.fixpoint.core.signal.EpssScore;
import dev.fixpoint.server.feed.FeedService;
import dev.fixpoint.server.host.HostService;
import dev.fixpoint.server.inventory.InventoryStore;
import dev.fixpoint.server.platform.ApiException;
import dev.fixpoint.server.platform.ListQuery;
import dev.fixpoint.server.platform.Micros;
import dev.fixpoint.server.platform.Strings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * Findings, advisories and CVEs as the API shows them. The stored finding says what is affected and
 * why; its priority (severity, EPSS, KEV, SSVC decision, score) is computed when read, from the feeds
 * loaded now and the host's criticality and exposure — so a new KEV entry or EPSS score changes the
 * priority at once without rewriting findings.
 */
public final class FindingService {
    /** More open findings than this in one filtered list must be narrowed first (by host, group, package…). */
    public static final int MAX_SCAN = 250_000;

    public record Priority(
            String severity,
            String decision,
            int score,
            Double cvss,
            Double epss,
            Double epssPercentile,
            boolean kev,
            List<String> factors) {}

    public record FindingView(
            String id,
            String hostId,
            String hostname,
            String ecosystem,
            String pkg,
            String arch,
            String installed,
            String fixed,
            String state,
            String advisorySource,
            String advisoryId,
            String summary,
            List<String> cves,
            Priority priority,
            Instant firstSeen,
            Instant resolved,
            JsonNode evidence) {}

    public record FindingFilter(
            String hostId,
            String groupId,
            String pkg,
            String advisory,
            String cve,
            Set<String> severities,
            Set<String> decisions,
            Boolean kev,
            Double epssMin,
            String status) {}

    private final Jdbi jdbi;
    private final FeedService feeds;
    private final HostService hosts;
    private final ObjectMapper json;

    public FindingService(Jdbi jdbi, FeedService feeds, HostService hosts, ObjectMapper json) {
        this.jdbi = jdbi;
        this.feeds = feeds;
        this.hosts = hosts;
        this.json = json;
    }

    public ListQuery.Page<FindingView> list(FindingFilter f, ListQuery q) {
        List<FindingView> kept = matching(f);
        Map<String, Comparator<FindingView>> sort = new LinkedHashMap<>();
        sort.put("score", Comparator.comparingInt(v -> v.priority().score()));
        sort.put(
                "severity",
                Comparator.comparing(
                        v -> SeverityLevel.valueOf(v.priority().severity().toUpperCase(Locale.ROOT))));
        sort.put(
                "epss",
                Comparator.comparingDouble(
                        v -> v.priority().epss() == null ? -1 : v.priority().epss()));
        sort.put("firstSeen", Comparator.comparing(FindingView::firstSeen));
        sort.put("hostname", Comparator.comparing(FindingView::hostname));
        sort.put("package", Comparator.comparing(FindingView::pkg));
        sort.put("advisory", Comparator.comparing(FindingView::advisoryId));
        return q.page(kept, sort);
    }

    /** Every finding the filter admits, unsorted (at most {@link #MAX_SCAN} are looked at). */
    public List<FindingView> matching(FindingFilter f) {
        Map<String, Object> binds = new HashMap<>();
        List<String> where = new ArrayList<>();
        String status = f.status() == null ? "open" : f.status();
        switch (status) {
            case "open":
                where.add("f.resolved_micros IS NULL");
                break;
            case "resolved":
                where.add("f.resolved_micros IS NOT NULL");
                break;
            case "all":
                break;
            default:
                throw ApiException.badRequest("status: \"" + Strings.clip(status) + "\"; use open, resolved or all");
        }
        if (f.hostId() != null) {
            where.add("f.host_id = :host");
            binds.put("host", f.hostId());
        }
        if (f.pkg() != null) {
            where.add("f.package = :pkg");
            binds.put("pkg", f.pkg());
        }
        if (f.advisory() != null) {
            where.add("f.advisory_id = :adv");
            binds.put("adv", f.advisory());
        }
        if (f.groupId() != null) {
            where.add(hosts.hostWhere(new HostService.HostFilter(null, null, f.groupId(), null, null, null), binds));
        }
        String sql = "SELECT f.*, h.hostname, h.criticality, h.exposure FROM finding f JOIN host h ON h.id = f.host_id"
                + " WHERE " + String.join(" AND ", where);
        Map<String, List<Advisory>> byId = feeds.current().bySourceAndId();
        List<FindingView> rows = jdbi.withHandle(h -> {
            Query query = h.createQuery(sql + " LIMIT " + (MAX_SCAN + 1));
            binds.forEach(query::bind);
            return query.map((rs, c) -> view(rs, byId)).list();
        });
        if (rows.size() > MAX_SCAN) {
            throw ApiException.badRequest("more than " + MAX_SCAN + " findings match; narrow the list with host,"
                    + " group, package or advisory");
        }
        List<FindingView> kept = new ArrayList<>();
        for (FindingView v : rows) {
            Priority p = v.priority();
            if (f.cve() != null && !v.cves().contains(f.cve())) {
                continue;
            }
            if (f.severities() != null && !f.severities().contains(p.severity())) {
                continue;
            }
            if (f.decisions() != null && !f.decisions().contains(p.decision())) {
                continue;
            }
            if (f.kev() != null && p.kev() != f.kev()) {
                continue;
            }
            if (f.epssMin() != null && (p.epss() == null || p.epss() < f.epssMin())) {
                continue;
            }
            kept.add(v);
        }
        return kept;
    }

    public static final Set<String> SORTABLE =
            Set.of("score", "severity", "epss", "firstSeen", "hostname", "package", "advisory");

    private FindingView view(java.sql.ResultSet rs, Map<String, List<Advisory>> byId) throws java.sql.SQLException {
        AssetContext asset = asset(rs.getString("criticality"), rs.getString("exposure"));
        String source = rs.getString("advisory_source");
        String advisoryId = rs.getString("advisory_id");
        JsonNode evidence;
        try {
            evidence = json.readTree(rs.getString("evidence"));
        } catch (JsonProcessingException e) {
            evidence = json.getNodeFactory().textNode(rs.getString("evidence"));
        }
        List<Advisory> linked = new ArrayList<>();
        List<String> cves = new ArrayList<>();
        if (source.equals(InventoryStore.PENDING_UPDATE_SOURCE)) {
            // A missing security update: its priority is that of the worst advisory it fixes.
            for (JsonNode a : evidence.path("advisories")) {
                String[] parts = a.asText().split(" ", 2);
                if (parts.length == 2) {
                    linked.addAll(byId.getOrDefault(parts[0] + '\u0000' + parts[1], List.of()));
                }
            }
            for (JsonNode c : evidence.path("cves")) {
                cves.add(c.asText());
            }
        } else {
            linked.addAll(byId.getOrDefault(source + '\u0000' + advisoryId, List.of()));
            for (Advisory a : linked) {
                cves.addAll(a.cveIds());
            }
        }
        RiskAssessment worst = null;
        for (Advisory a : linked) {
            RiskAssessment r = feeds.risk(a, asset);
            if (worst == null || RiskAssessment.MOST_URGENT_FIRST.compare(r, worst) < 0) {
                worst = r;
            }
        }
        long resolved = rs.getLong("resolved_micros");
        Instant resolvedAt = rs.wasNull() ? null : Micros.instant(resolved);
        return new FindingView(
                rs.getString("id"),
                rs.getString("host_id"),
                rs.getString("hostname"),
                rs.getString("ecosystem"),
                rs.getString("package"),
                rs.getString("arch"),
                rs.getString("installed"),
                rs.getString("fixed"),
                rs.getString("state"),
                source,
                advisoryId,
                linked.isEmpty() ? null : linked.get(0).summary(),
                List.copyOf(new TreeSet<>(cves)),
                priority(worst),
                Micros.instant(rs.getLong("first_seen_micros")),
                resolvedAt,
                evidence);
    }

    static AssetContext asset(String criticality, String exposure) {
        try {
            return new AssetContext(Criticality.parse(criticality), Exposure.parse(exposure));
        } catch (IllegalArgumentException | NullPointerException e) {
            return AssetContext.DEFAULT;
        }
    }

    static Priority priority(RiskAssessment r) {
        if (r == null) {
            return new Priority("unknown", "scheduled", 0, null, null, null, false, List.of("no advisory data"));
        }
        EpssScore e = r.epss();
        return new Priority(
                r.severity().label(),
                r.decision().label(),
                r.score(),
                r.cvss() == null ? null : r.cvss().baseScore(),
                e == null ? null : e.probability(),
                e == null || Double.isNaN(e.percentile()) ? null : e.percentile(),
                r.kev() != null,
                r.factors().stream().map(Object::toString).toList());
    }

    // ---- advisories and CVEs

    public record AdvisorySummary(
            String source,
            String id,
            String summary,
            List<String> cves,
            Priority priority,
            Instant published,
            Instant modified,
            List<String> ecosystems,
            long affectedHosts) {}

    public record AffectedHost(String hostId, String hostname, String pkg, String installed, String fixed) {}

    public record AdvisoryDetail(AdvisorySummary advisory, Advisory record, List<AffectedHost> affectedHosts) {}

    public ListQuery.Page<AdvisorySummary> advisories(
            String q, String source, String ecosystem, Boolean kev, Boolean affecting, ListQuery lq) {
        Map<String, Long> counts = affectedCounts();
        List<AdvisorySummary> out = new ArrayList<>();
        String needle = q == null ? null : q.toLowerCase(Locale.ROOT);
        for (Advisory a : feeds.current().index().advisories()) {
            if (source != null && !a.source().equals(source)) {
                continue;
            }
            if (ecosystem != null
                    && a.affected().stream()
                            .noneMatch(x -> x.pkg().ecosystem().name().equalsIgnoreCase(ecosystem))) {
                continue;
            }
            if (needle != null
                    && !a.id().toLowerCase(Locale.ROOT).contains(needle)
                    && a.cveIds().stream()
                            .noneMatch(c -> c.toLowerCase(Locale.ROOT).contains(needle))
                    && (a.summary() == null
                            || !a.summary().toLowerCase(Locale.ROOT).contains(needle))) {
                continue;
            }
            long n = counts.getOrDefault(a.source() + '\u0000' + a.id(), 0L);
            if (affecting != null && (n > 0) != affecting) {
                continue;
            }
            AdvisorySummary s = summary(a, n);
            if (kev != null && s.priority().kev() != kev) {
                continue;
            }
            out.add(s);
        }
        Map<String, Comparator<AdvisorySummary>> sort = new LinkedHashMap<>();
        sort.put("id", Comparator.comparing(AdvisorySummary::id));
        sort.put("score", Comparator.comparingInt(s -> s.priority().score()));
        sort.put("affectedHosts", Comparator.comparingLong(AdvisorySummary::affectedHosts));
        sort.put(
                "published",
                Comparator.comparing(AdvisorySummary::published, Comparator.nullsFirst(Comparator.naturalOrder())));
        sort.put(
                "epss",
                Comparator.comparingDouble(
                        s -> s.priority().epss() == null ? -1 : s.priority().epss()));
        return lq.page(out, sort);
    }

    public static final Set<String> ADVISORY_SORTABLE = Set.of("id", "score", "affectedHosts", "published", "epss");

    private AdvisorySummary summary(Advisory a, long affected) {
        return new AdvisorySummary(
                a.source(),
                a.id(),
                a.summary(),
                a.cveIds(),
                priority(feeds.risk(a, AssetContext.DEFAULT)),
                a.published(),
                a.modified(),
                a.affected().stream()
                        .map(x -> x.pkg().ecosystem().name())
                        .distinct()
                        .sorted()
                        .toList(),
                affected);
    }

    private Map<String, Long> affectedCounts() {
        Map<String, Long> m = new HashMap<>();
        jdbi.useHandle(
                h -> h.createQuery("SELECT advisory_source, advisory_id, COUNT(DISTINCT host_id) AS n FROM finding"
                                + " WHERE resolved_micros IS NULL GROUP BY advisory_source, advisory_id")
                        .map((rs, c) -> Map.entry(rs.getString(1) + '\u0000' + rs.getString(2), rs.getLong(3)))
                        .forEach(e -> m.put(e.getKey(), e.getValue())));
        return m;
    }

    /** Every loaded advisory with this id (one per source), with the hosts it affects now. */
    public List<AdvisoryDetail> advisory(String id) {
        List<AdvisoryDetail> out = new ArrayList<>();
        for (Advisory a : feeds.current().index().advisories()) {
            if (a.id().equals(id)) {
                List<AffectedHost> hostsAffected = affectedHosts(a.source(), a.id());
                out.add(new AdvisoryDetail(
                        summary(
                                a,
                                hostsAffected.stream()
                                        .map(AffectedHost::hostId)
                                        .distinct()
                                        .count()),
                        a,
                        hostsAffected));
            }
        }
        if (out.isEmpty()) {
            throw ApiException.notFound("no advisory \"" + Strings.clip(id) + "\" in the loaded feeds");
        }
        return out;
    }

    private List<AffectedHost> affectedHosts(String source, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT f.host_id, h.hostname, f.package, f.installed, f.fixed FROM"
                        + " finding f JOIN host h ON h.id = f.host_id WHERE f.resolved_micros IS NULL AND"
                        + " f.advisory_source = :s AND f.advisory_id = :id ORDER BY h.hostname, f.package LIMIT 10000")
                .bind("s", source)
                .bind("id", id)
                .map((rs, c) -> new AffectedHost(
                        rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .list());
    }

    public record CveDetail(
            String cve,
            boolean kev,
            Object kevEntry,
            Double epss,
            Double epssPercentile,
            List<AdvisorySummary> advisories,
            List<AffectedHost> affectedHosts) {}

    public CveDetail cve(String cve) {
        if (!cve.matches("CVE-\\d{4}-\\d{4,}")) {
            throw ApiException.badRequest("\"" + Strings.clip(cve) + "\" is not a CVE id (CVE-YYYY-NNNN)");
        }
        FeedService.Loaded l = feeds.current();
        List<AdvisorySummary> advisories = new ArrayList<>();
        List<AffectedHost> hostsAffected = new ArrayList<>();
        for (Advisory a : l.index().advisories()) {
            if (a.cveIds().contains(cve) || a.id().equals(cve)) {
                List<AffectedHost> ah = affectedHosts(a.source(), a.id());
                hostsAffected.addAll(ah);
                advisories.add(summary(
                        a, ah.stream().map(AffectedHost::hostId).distinct().count()));
            }
        }
        var kev = l.feeds().kev().get(cve);
        var epss = l.feeds().epss().get(cve);
        if (advisories.isEmpty() && kev.isEmpty() && epss.isEmpty()) {
            throw ApiException.notFound("\"" + cve + "\" is in none of the loaded feeds");
        }
        return new CveDetail(
                cve,
                kev.isPresent(),
                kev.orElse(null),
                epss.map(EpssScore::probability).orElse(null),
                epss.map(EpssScore::percentile).filter(p -> !Double.isNaN(p)).orElse(null),
                advisories,
                hostsAffected);
    }
}
