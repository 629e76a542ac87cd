package dev.fixpoint.server.finding;

import dev.fixpoint.server.platform.Access;
import dev.fixpoint.server.platform.Api;
import dev.fixpoint.server.platform.Http;
import dev.fixpoint.server.platform.ListQuery;
import java.util.Set;

/** Findings, advisories and CVEs. */
public final class FindingResource {
    private static final Set<String> SEVERITIES = Set.of("critical", "high", "medium", "low", "none", "unknown");
    private static final Set<String> DECISIONS = Set.of("immediate", "out-of-cycle", "scheduled", "defer");

    private final FindingService findings;

    public FindingResource(FindingService findings) {
        this.findings = findings;
    }

    public void register(Api api) {
        Set<String> filters = Set.of(
                "host", "group", "package", "advisory", "cve", "severity", "decision", "kev", "epssMin", "status");
        api.get("/api/v1/findings", Access.READ, "List findings with their priority and evidence", ctx -> {
                    ListQuery q = ListQuery.of(ctx, filters, FindingService.SORTABLE, "-score");
                    ctx.json(findings.list(
                            new FindingService.FindingFilter(
                                    Http.text(ctx, "host"),
                                    Http.text(ctx, "group"),
                                    Http.text(ctx, "package"),
                                    Http.text(ctx, "advisory"),
                                    Http.text(ctx, "cve"),
                                    Http.oneOf(ctx, "severity", SEVERITIES),
                                    Http.oneOf(ctx, "decision", DECISIONS),
                                    Http.bool(ctx, "kev"),
                                    Http.decimal(ctx, "epssMin", 0, 1),
                                    Http.text(ctx, "status")),
                            q));
                })
                .query("host", "host id")
                .query("group", "group id")
                .query("package", "package name")
                .query("advisory", "advisory id")
                .query("cve", "CVE id")
                .query("severity", "comma-separated: critical, high, medium, low, none, unknown")
                .query("decision", "comma-separated SSVC decisions: immediate, out-of-cycle, scheduled, defer")
                .query("kev", "true: only CISA KEV")
                .query("epssMin", "minimum EPSS probability, 0–1")
                .query("status", "open (default), resolved or all")
                .pageOf(FindingService.FindingView.class);
        api.get("/api/v1/hosts/{id}/findings", Access.READ, "A host's findings", ctx -> {
                    ListQuery q = ListQuery.of(ctx, Set.of("status"), FindingService.SORTABLE, "-score");
                    ctx.json(findings.list(
                            new FindingService.FindingFilter(
                                    ctx.pathParam("id"),
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    Http.text(ctx, "status")),
                            q));
                })
                .query("status", "open (default), resolved or all")
                .pageOf(FindingService.FindingView.class);
        Set<String> advFilters = Set.of("q", "source", "ecosystem", "kev", "affecting");
        api.get("/api/v1/advisories", Access.READ, "List loaded advisories with affected host counts", ctx -> {
                    ListQuery q = ListQuery.of(ctx, advFilters, FindingService.ADVISORY_SORTABLE, "-affectedHosts,id");
                    ctx.json(findings.advisories(
                            Http.text(ctx, "q"),
                            Http.text(ctx, "source"),
                            Http.text(ctx, "ecosystem"),
                            Http.bool(ctx, "kev"),
                            Http.bool(ctx, "affecting"),
                            q));
                })
                .query("q", "id, CVE or summary contains")
                .query("source", "advisory source")
                .query("ecosystem", "ecosystem, e.g. AlmaLinux:9")
                .query("kev", "true: only advisories of KEV CVEs")
                .query("affecting", "true: only advisories affecting a host now")
                .pageOf(FindingService.AdvisorySummary.class);
        api.get(
                        "/api/v1/advisories/{id}",
                        Access.READ,
                        "An advisory (one per source) and the hosts it affects",
                        ctx -> ctx.json(findings.advisory(ctx.pathParam("id"))))
                .returnsList(FindingService.AdvisoryDetail.class);
        api.get(
                        "/api/v1/cves/{id}",
                        Access.READ,
                        "A CVE: KEV, EPSS, advisories and affected hosts",
                        ctx -> ctx.json(findings.cve(ctx.pathParam("id"))))
                .returns(FindingService.CveDetail.class);
    }
}
