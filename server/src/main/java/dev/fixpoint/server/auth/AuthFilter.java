package dev.fixpoint.server.auth;

import dev.fixpoint.server.platform.Access;
import dev.fixpoint.server.platform.ApiException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.security.RouteRole;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * Runs before every matched route: finds the route's single {@link Access} rule (a route without one
 * is refused — fail closed), authenticates the caller (API token, session cookie or agent credential)
 * and checks the role. Cookie-authenticated requests that change state must also carry the session's
 * CSRF token in {@code X-CSRF-Token}; bearer tokens are not sent by browsers on their own, so they need
 * none.
 */
public final class AuthFilter implements Handler {
    public static final String PRINCIPAL = "fixpoint.principal";
    public static final String SESSION_COOKIE = "fp_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private final AuthService auth;

    public AuthFilter(AuthService auth) {
        this.auth = auth;
    }

    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw new IllegalStateException("route reached without authentication");
        }
        return p;
    }

    @Override
    public void handle(Context ctx) {
        Set<RouteRole> roles = ctx.routeRoles();
        if (roles.size() != 1 || !(roles.iterator().next() instanceof Access)) {
            throw new ApiException(500, "no-access-rule", "Server error", "this route has no access rule");
        }
        Access access = (Access) roles.iterator().next();
        if (access == Access.PUBLIC || access == Access.ENROLL) {
            return;
        }
        String authz = ctx.header("Authorization");
        String bearer = null;
        if (authz != null) {
            if (authz.length() > 7 && authz.regionMatches(true, 0, "Bearer ", 0, 7)) {
                bearer = authz.substring(7).strip();
            } else {
                throw challenge("Authorization: only the Bearer scheme is accepted");
            }
        }
        if (access == Access.AGENT) {
            Principal p = (bearer == null ? Optional.<Principal>empty() : auth.byAgentCredential(bearer))
                    .orElseThrow(() -> challenge(
                            "an agent credential is required (enroll the agent again if it was" + " revoked)"));
            ctx.attribute(PRINCIPAL, p);
            return;
        }
        Principal p;
        if (bearer != null) {
            p = auth.byApiToken(bearer).orElseThrow(() -> challenge("API token unknown, expired or revoked"));
        } else {
            String cookie = ctx.cookie(SESSION_COOKIE);
            p = (cookie == null ? Optional.<Principal>empty() : auth.bySession(cookie))
                    .orElseThrow(() -> challenge("log in, or send an API token as \"Authorization: Bearer fpt_...\""));
            String m = ctx.method().name();
            if (!m.equals("GET") && !m.equals("HEAD") && !m.equals("OPTIONS")) {
                String sent = ctx.header(CSRF_HEADER);
                if (sent == null
                        || !MessageDigest.isEqual(
                                sent.getBytes(StandardCharsets.UTF_8),
                                p.csrfToken().getBytes(StandardCharsets.UTF_8))) {
                    throw ApiException.forbidden("missing or wrong " + CSRF_HEADER + " header for a cookie session");
                }
            }
        }
        if (!allowed(p.role(), access)) {
            throw ApiException.forbidden("this needs the " + needed(access) + " role; you are "
                    + p.role().label());
        }
        ctx.attribute(PRINCIPAL, p);
    }

    static boolean allowed(Role role, Access access) {
        switch (access) {
            case READ:
                return true;
            case OPERATE:
                return role == Role.OPERATOR || role == Role.ADMIN;
            case ADMIN:
                return role == Role.ADMIN;
            default:
                return false;
        }
    }

    private static String needed(Access a) {
        return a == Access.ADMIN ? "admin" : a == Access.OPERATE ? "operator or admin" : "any";
    }

    private static ApiException challenge(String detail) {
        return ApiException.unauthorized(detail);
    }

    /** Adds the RFC 9110 challenge to 401 answers. */
    public static void addChallenge(Context ctx) {
        if (ctx.statusCode() == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"fixpoint\"");
        }
    }
}
