package dev.fixpoint.server.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/** Writes RFC 9457 problem details ({@code application/problem+json}). */
public final class Problems {

    public static final String TYPE_BASE = "https://fixpoint.dev/problems/";
    public static final String CONTENT_TYPE = "application/problem+json";

    private Problems() {}

    public static void write(Context ctx, ObjectMapper json, ApiException e) {
        write(ctx, json, e.status(), e.type(), e.title(), e.getMessage());
        if (e.retryAfterSeconds() != null) {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
    }

    public static void write(Context ctx, ObjectMapper json, int status, String type, String title, String detail) {
        ObjectNode body = json.createObjectNode();
        body.put("type", TYPE_BASE + type);
        body.put("title", title);
        body.put("status", status);
        if (detail != null) {
            body.put("detail", detail);
        }
        body.put("instance", ctx.path());
        ctx.status(status);
        ctx.contentType(CONTENT_TYPE);
        try {
            ctx.result(json.writeValueAsBytes(body)); // bytes: UTF-8 whatever the container's default
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
