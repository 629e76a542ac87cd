package dev.fixpoint.server.auth;

/**
 * Who is calling: a user (through a session or an API token) or an agent.
 *
 * @param id the user's or the agent's id
 * @param name the username, or {@code agent:<hostname>}
 * @param role the user's role; null for agents
 * @param hostId the agent's host; null for users
 * @param csrfToken the session's CSRF token when authenticated by cookie, else null
 */
public record Principal(String id, String name, Role role, String hostId, String csrfToken) {
    public boolean isAgent() {
        return hostId != null;
    }

    /** The audit log's actor. */
    public String actor() {
        return isAgent() ? "agent:" + id : "user:" + name;
    }
}
