package dev.fixpoint.server.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.server.auth.AuthFilter;
import dev.fixpoint.server.platform.Access;
import dev.fixpoint.server.platform.Api;
import dev.fixpoint.server.platform.Http;
import dev.fixpoint.server.platform.ListQuery;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** Deployments, maintenance windows and blackouts, approval policies, and agents' job results. */
public final class DeploymentResource {
    private static final Set<String> STATES = Set.of(
            States.PENDING_APPROVAL,
            States.RUNNING,
            States.PAUSED,
            States.HALTED,
            States.ROLLING_BACK,
            States.COMPLETED,
            States.CANCELLED,
            States.ROLLED_BACK);

    private final DeploymentService deployments;
    private final DeploymentEngine engine;
    private final WindowService windows;
    private final ApprovalPolicies policies;
    private final DeploymentSchedules schedules;
    private final ObjectMapper json;

    public DeploymentResource(
            DeploymentService deployments,
            DeploymentEngine engine,
            WindowService windows,
            ApprovalPolicies policies,
            DeploymentSchedules schedules,
            ObjectMapper json) {
        this.deployments = deployments;
        this.engine = engine;
        this.windows = windows;
        this.policies = policies;
        this.schedules = schedules;
        this.json = json;
    }

    public void register(Api api) {
        api.get("/api/v1/deployments", Access.READ, "List deployments", ctx -> {
                    ListQuery q = ListQuery.of(ctx, Set.of("state"), Set.of("created", "name", "state"), "-created");
                    Set<String> states = Http.oneOf(ctx, "state", STATES);
                    String state = states == null ? null : states.iterator().next();
                    ctx.json(deployments.list(state, q));
                })
                .query(
                        "state",
                        "pending_approval, running, paused, halted, rolling_back, completed, cancelled, rolled_back")
                .pageOf(DeploymentService.DeploymentView.class);
        api.post(
                        "/api/v1/deployments",
                        Access.OPERATE,
                        "Create a deployment (targets and exact versions are resolved now; it waits for approval)",
                        ctx -> ctx.status(201)
                                .json(deployments.create(
                                        AuthFilter.principal(ctx), Http.body(ctx, json, DeploymentSpec.class))))
                .request(DeploymentSpec.class)
                .returns(DeploymentService.DeploymentView.class)
                .status(201);
        api.get(
                        "/api/v1/deployments/{id}",
                        Access.READ,
                        "One deployment with its rings and target counts",
                        ctx -> ctx.json(deployments.deployment(ctx.pathParam("id"))))
                .returns(DeploymentService.DeploymentView.class);
        api.get("/api/v1/deployments/{id}/targets", Access.READ, "A deployment's hosts and their state", ctx -> {
                    ListQuery q =
                            ListQuery.of(ctx, Set.of("state"), Set.of("ring", "hostname", "state", "updated"), "ring");
                    ctx.json(deployments.targets(ctx.pathParam("id"), Http.text(ctx, "state"), q));
                })
                .query("state", "a target state, e.g. failed")
                .pageOf(DeploymentService.TargetView.class);
        api.get("/api/v1/deployments/{id}/jobs", Access.READ, "A deployment's signed jobs and their results", ctx -> {
                    ListQuery q = ListQuery.of(ctx, Set.of(), Set.of("created", "state"), "created");
                    ctx.json(deployments.jobs(ctx.pathParam("id"), q));
                })
                .pageOf(JobService.StoredJob.class);
        action(api, "approve", "Approve a deployment waiting for approval", (p, id) -> deployments.approve(p, id));
        action(api, "pause", "Pause a running deployment (jobs already out finish)", deployments::pause);
        action(api, "resume", "Resume a paused deployment", deployments::resume);
        action(api, "cancel", "Cancel a deployment (jobs not yet taken are withdrawn)", deployments::cancel);
        action(api, "rollback", "Roll back every host the deployment changed", deployments::rollback);

        api.get(
                        "/api/v1/maintenance-windows",
                        Access.READ,
                        "List maintenance windows and blackouts",
                        ctx -> ctx.json(windows.list()))
                .returnsList(WindowService.WindowView.class);
        api.post(
                        "/api/v1/maintenance-windows",
                        Access.OPERATE,
                        "Create a maintenance window or blackout",
                        ctx -> ctx.status(201)
                                .json(windows.create(
                                        AuthFilter.principal(ctx),
                                        Http.body(ctx, json, WindowService.WindowInput.class))))
                .request(WindowService.WindowInput.class)
                .returns(WindowService.WindowView.class)
                .status(201);
        api.get(
                        "/api/v1/maintenance-windows/{id}",
                        Access.READ,
                        "One maintenance window or blackout",
                        ctx -> ctx.json(windows.window(ctx.pathParam("id"))))
                .returns(WindowService.WindowView.class);
        api.put(
                        "/api/v1/maintenance-windows/{id}",
                        Access.OPERATE,
                        "Replace a maintenance window or blackout",
                        ctx -> ctx.json(windows.replace(
                                AuthFilter.principal(ctx),
                                ctx.pathParam("id"),
                                Http.body(ctx, json, WindowService.WindowInput.class))))
                .request(WindowService.WindowInput.class)
                .returns(WindowService.WindowView.class);
        api.delete(
                        "/api/v1/maintenance-windows/{id}",
                        Access.OPERATE,
                        "Delete a maintenance window or blackout",
                        ctx -> {
                            windows.delete(AuthFilter.principal(ctx), ctx.pathParam("id"));
                            ctx.status(204);
                        })
                .status(204);
        api.get(
                        "/api/v1/hosts/{id}/schedule",
                        Access.READ,
                        "When a job may start on this host: its windows, blackouts and next open time",
                        ctx -> {
                            Double minutes = Http.decimal(ctx, "expectedMinutes", 0, 1440);
                            ctx.json(windows.schedule(
                                    ctx.pathParam("id"),
                                    Duration.ofMinutes(minutes == null ? 30 : minutes.longValue())));
                        })
                .query("expectedMinutes", "job length to fit (default 30)")
                .returns(WindowService.HostSchedule.class);

        api.get(
                        "/api/v1/approval-policies",
                        Access.READ,
                        "List automatic approval policies",
                        ctx -> ctx.json(policies.list()))
                .returnsList(ApprovalPolicies.Policy.class);
        api.post("/api/v1/approval-policies", Access.ADMIN, "Create an automatic approval policy", ctx -> ctx.status(
                                201)
                        .json(policies.create(
                                AuthFilter.principal(ctx), Http.body(ctx, json, ApprovalPolicies.PolicyInput.class))))
                .request(ApprovalPolicies.PolicyInput.class)
                .returns(ApprovalPolicies.Policy.class)
                .status(201);
        api.delete("/api/v1/approval-policies/{id}", Access.ADMIN, "Delete an automatic approval policy", ctx -> {
                    policies.delete(AuthFilter.principal(ctx), ctx.pathParam("id"));
                    ctx.status(204);
                })
                .status(204);

        api.get(
                        "/api/v1/deployment-schedules",
                        Access.READ,
                        "List recurring deployments",
                        ctx -> ctx.json(schedules.list()))
                .returnsList(DeploymentSchedules.Schedule.class);
        api.post(
                        "/api/v1/deployment-schedules",
                        Access.OPERATE,
                        "Create a recurring deployment (autoApprove needs an admin)",
                        ctx -> ctx.status(201)
                                .json(schedules.create(
                                        AuthFilter.principal(ctx),
                                        Http.body(ctx, json, DeploymentSchedules.ScheduleInput.class))))
                .request(DeploymentSchedules.ScheduleInput.class)
                .returns(DeploymentSchedules.Schedule.class)
                .status(201);
        api.get(
                        "/api/v1/deployment-schedules/{id}",
                        Access.READ,
                        "One recurring deployment",
                        ctx -> ctx.json(schedules.schedule(ctx.pathParam("id"))))
                .returns(DeploymentSchedules.Schedule.class);
        api.delete("/api/v1/deployment-schedules/{id}", Access.OPERATE, "Delete a recurring deployment", ctx -> {
                    schedules.delete(AuthFilter.principal(ctx), ctx.pathParam("id"));
                    ctx.status(204);
                })
                .status(204);

        api.post(
                        "/api/v1/agent/jobs/{id}/result",
                        Access.AGENT,
                        "An agent's result for one of its jobs (idempotent)",
                        ctx -> {
                            engine.recordResult(
                                    AuthFilter.principal(ctx),
                                    ctx.pathParam("id"),
                                    Http.body(ctx, json, DeploymentEngine.ResultBody.class));
                            ctx.json(Map.of("accepted", true));
                        })
                .request(DeploymentEngine.ResultBody.class);
    }

    private interface Action {
        DeploymentService.DeploymentView apply(dev.fixpoint.server.auth.Principal p, String id);
    }

    private void action(Api api, String verb, String summary, Action a) {
        api.post(
                        "/api/v1/deployments/{id}/" + verb,
                        Access.OPERATE,
                        summary,
                        ctx -> ctx.json(a.apply(AuthFilter.principal(ctx), ctx.pathParam("id"))))
                .returns(DeploymentService.DeploymentView.class);
    }
}
