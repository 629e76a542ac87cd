package dev.fixpoint.server.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.server.auth.AuthFilter;
import dev.fixpoint.server.platform.Access;
import dev.fixpoint.server.platform.Api;
import dev.fixpoint.server.platform.Http;
import io.javalin.http.Context;
import java.time.Duration;

/** The agent protocol's endpoints and the admin's enrollment tokens. */
public final class AgentResource {
    public record EnrollmentTokenRequest(String groupId, String description, Integer expiresInHours) {}

    private final AgentService agents;
    private final ObjectMapper json;

    public AgentResource(AgentService agents, ObjectMapper json) {
        this.agents = agents;
        this.json = json;
    }

    public void register(Api api) {
        api.post("/api/v1/agent/enroll", Access.ENROLL, "Enroll an agent with an enrollment token", this::enroll)
                .request(AgentMessages.EnrollRequest.class)
                .returns(AgentMessages.EnrollResponse.class)
                .status(201);
        api.post(
                        "/api/v1/agent/checkin",
                        Access.AGENT,
                        "Agent check-in (facts, pending updates, inventory hash)",
                        ctx -> ctx.json(agents.checkin(
                                AuthFilter.principal(ctx), Http.body(ctx, json, AgentMessages.CheckinRequest.class))))
                .request(AgentMessages.CheckinRequest.class)
                .returns(AgentMessages.CheckinResponse.class);
        api.put(
                        "/api/v1/agent/inventory",
                        Access.AGENT,
                        "Agent's full inventory",
                        ctx -> ctx.json(agents.inventory(
                                AuthFilter.principal(ctx), Http.body(ctx, json, AgentMessages.InventoryRequest.class))))
                .request(AgentMessages.InventoryRequest.class)
                .returns(AgentMessages.InventoryResponse.class);
        api.get(
                        "/api/v1/enrollment-tokens",
                        Access.ADMIN,
                        "List enrollment tokens",
                        ctx -> ctx.json(agents.enrollmentTokens()))
                .returnsList(AgentService.EnrollmentToken.class);
        api.post(
                        "/api/v1/enrollment-tokens",
                        Access.ADMIN,
                        "Create an enrollment token (its secret is shown once)",
                        this::createToken)
                .request(EnrollmentTokenRequest.class)
                .returns(AgentService.CreatedEnrollmentToken.class)
                .status(201);
        api.delete("/api/v1/enrollment-tokens/{id}", Access.ADMIN, "Revoke an enrollment token", ctx -> {
                    agents.revokeEnrollmentToken(AuthFilter.principal(ctx), ctx.pathParam("id"));
                    ctx.status(204);
                })
                .status(204);
    }

    private void enroll(Context ctx) {
        AgentMessages.EnrollRequest req = Http.body(ctx, json, AgentMessages.EnrollRequest.class);
        ctx.status(201).json(agents.enroll(req, ctx.ip()));
    }

    private void createToken(Context ctx) {
        EnrollmentTokenRequest req = Http.body(ctx, json, EnrollmentTokenRequest.class);
        int hours = req.expiresInHours() == null ? 24 : req.expiresInHours();
        ctx.status(201)
                .json(agents.createEnrollmentToken(
                        AuthFilter.principal(ctx), req.groupId(), req.description(), Duration.ofHours(hours)));
    }
}
