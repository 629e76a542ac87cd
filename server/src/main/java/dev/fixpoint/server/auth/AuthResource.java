package dev.fixpoint.server.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.server.platform.Access;
import dev.fixpoint.server.platform.Api;
import dev.fixpoint.server.platform.ApiException;
import dev.fixpoint.server.platform.Http;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.time.Duration;
import java.time.Instant;

/** Login, logout, the caller's identity, API tokens and (admin) users. */
public final class AuthResource {
    public record LoginRequest(String username, String password) {}

    public record LoginResponse(AuthService.User user, String csrfToken, Instant expires) {}

    public record Me(String id, String username, String role, String csrfToken) {}

    public record TokenRequest(String name, Integer expiresInDays) {}

    public record TokenCreated(AuthService.ApiToken token, String secret) {}

    public record UserRequest(String username, String password, String role) {}

    public record UserPatch(String role, Boolean disabled, String password) {}

    private final AuthService auth;
    private final ObjectMapper json;
    private final boolean secureCookies;

    public AuthResource(AuthService auth, ObjectMapper json, boolean secureCookies) {
        this.auth = auth;
        this.json = json;
        this.secureCookies = secureCookies;
    }

    public void register(Api api) {
        api.post("/api/v1/auth/login", Access.PUBLIC, "Log in; sets the session cookie", this::login)
                .request(LoginRequest.class)
                .returns(LoginResponse.class);
        api.post("/api/v1/auth/logout", Access.READ, "Log out (ends the session)", this::logout)
                .status(204);
        api.get("/api/v1/auth/me", Access.READ, "Who is calling", this::me).returns(Me.class);
        api.get(
                        "/api/v1/tokens",
                        Access.READ,
                        "Your API tokens",
                        ctx -> ctx.json(auth.tokens(AuthFilter.principal(ctx).id())))
                .returnsList(AuthService.ApiToken.class);
        api.post("/api/v1/tokens", Access.READ, "Create an API token (its secret is shown once)", this::createToken)
                .request(TokenRequest.class)
                .returns(TokenCreated.class)
                .status(201);
        api.delete("/api/v1/tokens/{id}", Access.READ, "Revoke an API token", ctx -> {
                    auth.revokeToken(AuthFilter.principal(ctx), ctx.pathParam("id"));
                    ctx.status(204);
                })
                .status(204);
        api.get("/api/v1/users", Access.ADMIN, "List users", ctx -> ctx.json(auth.users()))
                .returnsList(AuthService.User.class);
        api.post("/api/v1/users", Access.ADMIN, "Create a user", this::createUser)
                .request(UserRequest.class)
                .returns(AuthService.User.class)
                .status(201);
        api.get("/api/v1/users/{id}", Access.ADMIN, "One user", ctx -> ctx.json(auth.user(ctx.pathParam("id"))))
                .returns(AuthService.User.class);
        api.patch(
                        "/api/v1/users/{id}",
                        Access.ADMIN,
                        "Change a user's role, password or disabled flag",
                        this::updateUser)
                .request(UserPatch.class)
                .returns(AuthService.User.class);
        api.delete("/api/v1/users/{id}", Access.ADMIN, "Delete a user", ctx -> {
                    auth.deleteUser(AuthFilter.principal(ctx), ctx.pathParam("id"));
                    ctx.status(204);
                })
                .status(204);
    }

    private void login(Context ctx) {
        LoginRequest req = Http.body(ctx, json, LoginRequest.class);
        AuthService.Session s = auth.login(req.username(), req.password(), ctx.ip());
        Cookie c = new Cookie(
                AuthFilter.SESSION_COOKIE,
                s.token(),
                "/",
                (int) Duration.between(Instant.now(), s.expires()).toSeconds(),
                secureCookies,
                true,
                null,
                SameSite.STRICT);
        ctx.cookie(c);
        ctx.json(new LoginResponse(s.user(), s.csrfToken(), s.expires()));
    }

    private void logout(Context ctx) {
        String cookie = ctx.cookie(AuthFilter.SESSION_COOKIE);
        if (cookie != null) {
            auth.logout(AuthFilter.principal(ctx), cookie);
        }
        ctx.removeCookie(AuthFilter.SESSION_COOKIE, "/");
        ctx.status(204);
    }

    private void me(Context ctx) {
        Principal p = AuthFilter.principal(ctx);
        ctx.json(new Me(p.id(), p.name(), p.role().label(), p.csrfToken()));
    }

    private void createToken(Context ctx) {
        TokenRequest req = Http.body(ctx, json, TokenRequest.class);
        int days = req.expiresInDays() == null ? 90 : req.expiresInDays();
        AuthService.CreatedToken t = auth.createToken(AuthFilter.principal(ctx), req.name(), Duration.ofDays(days));
        ctx.status(201).json(new TokenCreated(t.token(), t.secret()));
    }

    private void createUser(Context ctx) {
        UserRequest req = Http.body(ctx, json, UserRequest.class);
        Role role;
        try {
            role = Role.parse(req.role() == null ? "" : req.role());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        ctx.status(201).json(auth.createUser(AuthFilter.principal(ctx).actor(), req.username(), req.password(), role));
    }

    private void updateUser(Context ctx) {
        UserPatch req = Http.body(ctx, json, UserPatch.class);
        Role role = null;
        if (req.role() != null) {
            try {
                role = Role.parse(req.role());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(e.getMessage());
            }
        }
        ctx.json(auth.updateUser(AuthFilter.principal(ctx), ctx.pathParam("id"), role, req.disabled(), req.password()));
    }
}
