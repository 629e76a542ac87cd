package dev.fixpoint.server.host;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.server.auth.AuthFilter;
import dev.fixpoint.server.platform.Access;
import dev.fixpoint.server.platform.Api;
import dev.fixpoint.server.platform.Http;
import dev.fixpoint.server.platform.ListQuery;
import java.util.Set;

/** Hosts, their packages, pending updates and attributes; host groups. */
public final class HostResource {
    private final HostService hosts;
    private final ObjectMapper json;

    public HostResource(HostService hosts, ObjectMapper json) {
        this.hosts = hosts;
        this.json = json;
    }

    public void register(Api api) {
        Set<String> filters = Set.of("q", "ecosystem", "group", "label", "rebootRequired", "simulated");
        api.get("/api/v1/hosts", Access.READ, "List hosts", ctx -> {
                    ListQuery q = ListQuery.of(ctx, filters, HostService.SORTABLE, "hostname");
                    ctx.json(hosts.list(
                            new HostService.HostFilter(
                                    Http.text(ctx, "q"),
                                    Http.text(ctx, "ecosystem"),
                                    Http.text(ctx, "group"),
                                    Http.text(ctx, "label"),
                                    Http.bool(ctx, "rebootRequired"),
                                    Http.bool(ctx, "simulated")),
                            q));
                })
                .query("q", "host name contains")
                .query("ecosystem", "OS ecosystem, e.g. Debian:12")
                .query("group", "group id")
                .query("label", "name or name=value")
                .query("rebootRequired", "true or false")
                .query("simulated", "true or false")
                .pageOf(HostService.HostSummary.class);
        api.get("/api/v1/hosts/{id}", Access.READ, "One host", ctx -> ctx.json(hosts.host(ctx.pathParam("id"))))
                .returns(HostService.HostSummary.class);
        api.patch(
                        "/api/v1/hosts/{id}",
                        Access.OPERATE,
                        "Set a host's criticality, exposure and labels",
                        ctx -> ctx.json(hosts.update(
                                AuthFilter.principal(ctx),
                                ctx.pathParam("id"),
                                Http.body(ctx, json, HostService.HostPatch.class))))
                .request(HostService.HostPatch.class)
                .returns(HostService.HostSummary.class);
        api.delete("/api/v1/hosts/{id}", Access.ADMIN, "Delete a host (its agent must enroll again)", ctx -> {
                    hosts.delete(AuthFilter.principal(ctx), ctx.pathParam("id"));
                    ctx.status(204);
                })
                .status(204);
        api.post("/api/v1/hosts/{id}/refresh", Access.OPERATE, "Ask the agent for its full inventory", ctx -> {
                    hosts.requestRefresh(AuthFilter.principal(ctx), ctx.pathParam("id"));
                    ctx.status(202);
                })
                .status(202);
        api.get("/api/v1/hosts/{id}/packages", Access.READ, "A host's installed packages", ctx -> {
                    ListQuery q = ListQuery.of(ctx, Set.of("q"), Set.of("name", "version", "sourceName"), "name");
                    ctx.json(hosts.packages(ctx.pathParam("id"), Http.text(ctx, "q"), q));
                })
                .query("q", "package name contains")
                .pageOf(HostService.PackageRow.class);
        api.get(
                        "/api/v1/hosts/{id}/pending-updates",
                        Access.READ,
                        "Updates the host's package manager reports",
                        ctx -> {
                            ListQuery q = ListQuery.of(ctx, Set.of(), Set.of("name", "security"), "name");
                            ctx.json(hosts.pendingUpdates(ctx.pathParam("id"), q));
                        })
                .pageOf(HostService.PendingRow.class);
        api.get("/api/v1/groups", Access.READ, "List host groups", ctx -> ctx.json(hosts.groups()))
                .returnsList(HostService.Group.class);
        api.post("/api/v1/groups", Access.OPERATE, "Create a host group", ctx -> ctx.status(201)
                        .json(hosts.createGroup(
                                AuthFilter.principal(ctx), Http.body(ctx, json, HostService.GroupInput.class))))
                .request(HostService.GroupInput.class)
                .returns(HostService.Group.class)
                .status(201);
        api.get("/api/v1/groups/{id}", Access.READ, "One host group", ctx -> ctx.json(hosts.group(ctx.pathParam("id"))))
                .returns(HostService.Group.class);
        api.put(
                        "/api/v1/groups/{id}",
                        Access.OPERATE,
                        "Replace a host group",
                        ctx -> ctx.json(hosts.updateGroup(
                                AuthFilter.principal(ctx),
                                ctx.pathParam("id"),
                                Http.body(ctx, json, HostService.GroupInput.class))))
                .request(HostService.GroupInput.class)
                .returns(HostService.Group.class);
        api.delete("/api/v1/groups/{id}", Access.OPERATE, "Delete a host group", ctx -> {
                    hosts.deleteGroup(AuthFilter.principal(ctx), ctx.pathParam("id"));
                    ctx.status(204);
                })
                .status(204);
        api.get("/api/v1/groups/{id}/hosts", Access.READ, "The hosts in a group (static and by rule)", ctx -> {
                    ListQuery q = ListQuery.of(ctx, Set.of(), HostService.SORTABLE, "hostname");
                    ctx.json(hosts.list(
                            new HostService.HostFilter(null, null, ctx.pathParam("id"), null, null, null), q));
                })
                .pageOf(HostService.HostSummary.class);
    }
}
