package dev.fixpoint.core.job;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A check the agent runs after installing or rolling back, to tell whether the host still works. It
 * names what to check, never how: the agent owns the code that checks, and a {@link Kind#COMMAND} is a
 * name looked up in the agent's own allow-list (its configuration file, never the server's words).
 * Network checks reach this host's loopback interface only, so a job can never make the agent probe
 * other machines.
 *
 * @param kind what sort of check
 * @param target what it checks; its grammar depends on {@code kind}:
 *     <ul>
 *       <li>{@code SYSTEMD_UNIT}: a unit name ({@code nginx.service}); the check passes when {@code
 *           systemctl is-active} says {@code active}
 *       <li>{@code TCP_PORT}: a port number 1–65535; passes when a connection to 127.0.0.1 or ::1 on that
 *           port succeeds
 *       <li>{@code HTTP_GET}: an {@code http} or {@code https} URL on {@code 127.0.0.1}, {@code [::1]} or
 *           {@code localhost}; passes on a 2xx answer
 *       <li>{@code COMMAND}: a name from the agent's allow-list; passes when that command exits 0
 *     </ul>
 */
public record HealthCheck(Kind kind, String target) {

    /** The most health checks one job may carry. */
    public static final int MAX_PER_JOB = 16;

    private static final Pattern UNIT = Pattern.compile(
            "[A-Za-z0-9_:@][A-Za-z0-9_.:@\\\\-]{0,200}\\.(service|socket|target|timer|mount|path|scope)");
    private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");
    private static final Pattern COMMAND_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final Pattern URL_TEXT = Pattern.compile("[A-Za-z0-9._~:/?#\\[\\]@!$&'()*+,;=%-]{1,512}");

    /** What sort of check. The wire and the canonical encoding use the constant's name. */
    public enum Kind {
        SYSTEMD_UNIT,
        TCP_PORT,
        HTTP_GET,
        COMMAND
    }

    public HealthCheck {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        String why = problem(kind, target);
        if (why != null) {
            throw new IllegalArgumentException(
                    "invalid " + kind + " health check " + Strings.quote(target) + ": " + why);
        }
    }

    /** The TCP port of a {@code TCP_PORT} check. */
    public int port() {
        if (kind != Kind.TCP_PORT) {
            throw new IllegalStateException(kind + " has no port");
        }
        return Integer.parseInt(target);
    }

    private static String problem(Kind kind, String target) {
        switch (kind) {
            case SYSTEMD_UNIT:
                return UNIT.matcher(target).matches() ? null : "expected a systemd unit name such as nginx.service";
            case TCP_PORT:
                return PORT.matcher(target).matches() && Integer.parseInt(target) <= 65535
                        ? null
                        : "expected a port number 1-65535 (the check connects to this host's loopback only)";
            case COMMAND:
                return COMMAND_NAME.matcher(target).matches()
                        ? null
                        : "expected the name of a command in the agent's allow-list ([a-z0-9][a-z0-9_.-]{0,63})";
            case HTTP_GET:
                return urlProblem(target);
            default:
                throw new AssertionError(kind);
        }
    }

    private static String urlProblem(String target) {
        if (!URL_TEXT.matcher(target).matches()) {
            return "expected at most 512 characters of URL text";
        }
        URI u;
        try {
            u = new URI(target);
        } catch (URISyntaxException e) {
            return "not a URL: " + e.getReason();
        }
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
            return "expected an http or https URL";
        }
        if (u.getRawUserInfo() != null) {
            return "a URL with credentials is refused";
        }
        String host = u.getHost();
        if (!"127.0.0.1".equals(host) && !"[::1]".equals(host) && !"localhost".equals(host)) {
            return "the host must be 127.0.0.1, [::1] or localhost (health checks reach this host only)";
        }
        return null;
    }
}
