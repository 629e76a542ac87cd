package dev.fixpoint.server.platform;

import io.javalin.security.RouteRole;

/**
 * Who may call a route. Every route is registered with exactly one; a route without one is refused
 * (fail closed). {@link #READ} admits every user role, {@link #OPERATE} operators and admins,
 * {@link #ADMIN} admins only. {@link #AGENT} admits agent credentials and nothing else; {@link
 * #ENROLL} and {@link #PUBLIC} take no credential (enrollment carries its token in the body; health,
 * readiness and login).
 */
public enum Access implements RouteRole {
    PUBLIC,
    ENROLL,
    AGENT,
    READ,
    OPERATE,
    ADMIN
}
