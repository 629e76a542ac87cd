package dev.fixpoint.server.auth;

import dev.fixpoint.server.audit.AuditLog;
import dev.fixpoint.server.platform.ApiException;
import dev.fixpoint.server.platform.Metrics;
import dev.fixpoint.server.platform.Micros;
import dev.fixpoint.server.platform.ServerConfig;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * Users, sessions, API tokens and login throttling. Every change is audited in its own transaction.
 * Credentials are looked up by their SHA-256; agent credentials are cached for a few seconds so that
 * a busy fleet's check-ins do not each cost a query (a revocation takes effect within {@link
 * #AGENT_CACHE}).
 */
public final class AuthService {
    public static final Duration AGENT_CACHE = Duration.ofSeconds(10);
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    public record User(String id, String username, Role role, boolean disabled, Instant created) {}

    public record Session(String token, String csrfToken, User user, Instant expires) {}

    public record ApiToken(
            String id,
            String name,
            String prefix,
            Instant created,
            Instant expires,
            Instant revoked,
            Instant lastUsed) {}

    private final Jdbi jdbi;
    private final AuditLog audit;
    private final Clock clock;
    private final ServerConfig config;
    private final Metrics metrics;
    private final Passwords passwords = new Passwords();
    private final Map<String, CachedAgent> agentCache = new ConcurrentHashMap<>();
    /** A hash to verify against when the user does not exist, so timing does not reveal usernames. */
    private final String dummyHash;

    private record CachedAgent(Principal principal, long expiresNanos) {}

    public AuthService(Jdbi jdbi, AuditLog audit, Clock clock, ServerConfig config, Metrics metrics) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.clock = clock;
        this.config = config;
        this.metrics = metrics;
        this.dummyHash = passwords.hash("dummy password never used");
    }

    // ---- users

    /**
     * Creates the initial admin when there are no users. Returns the password when it was generated
     * here (shown once), empty when one was configured or users already exist.
     */
    public Optional<String> bootstrapAdmin(String username, String configuredPassword) {
        long users = jdbi.withHandle(h ->
                h.createQuery("SELECT COUNT(*) FROM app_user").mapTo(Long.class).one());
        if (users > 0) {
            return Optional.empty();
        }
        String password = configuredPassword != null ? configuredPassword : generatePassword();
        createUser("system", username, password, Role.ADMIN);
        return configuredPassword != null ? Optional.empty() : Optional.of(password);
    }

    private static String generatePassword() {
        String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            if (i > 0 && i % 5 == 0) {
                sb.append('-');
            }
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    public User createUser(String actor, String username, String password, Role role) {
        validateUsername(username);
        validatePassword(password);
        String hash = passwords.hash(password);
        Instant now = clock.instant();
        return jdbi.inTransaction(h -> {
            if (h.createQuery("SELECT COUNT(*) FROM app_user WHERE username = :u")
                            .bind("u", username)
                            .mapTo(Long.class)
                            .one()
                    > 0) {
                throw ApiException.conflict("user \"" + username + "\" already exists");
            }
            String id = UUID.randomUUID().toString();
            h.createUpdate("INSERT INTO app_user (id, username, password_hash, role, created_micros)"
                            + " VALUES (:id, :u, :p, :r, :t)")
                    .bind("id", id)
                    .bind("u", username)
                    .bind("p", hash)
                    .bind("r", role.label())
                    .bind("t", Micros.of(now))
                    .execute();
            audit.append(h, actor, "user.created", "user:" + username, Map.of("role", role.label()));
            return new User(id, username, role, false, now);
        });
    }

    public List<User> users() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM app_user ORDER BY username")
                .map((rs, c) -> user(rs))
                .list());
    }

    public User user(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM app_user WHERE id = :id")
                        .bind("id", id)
                        .map((rs, c) -> user(rs))
                        .findOne())
                .orElseThrow(() -> ApiException.notFound("no user with id \"" + id + "\""));
    }

    /** Changes a user's role, disabled flag or password (null leaves it); ends their sessions when disabled. */
    public User updateUser(Principal actor, String id, Role role, Boolean disabled, String password) {
        User u = user(id);
        if (password != null) {
            validatePassword(password);
        }
        String hash = password == null ? null : passwords.hash(password);
        jdbi.useTransaction(h -> {
            if (u.id().equals(actor.id()) && ((role != null && role != Role.ADMIN) || Boolean.TRUE.equals(disabled))) {
                throw ApiException.conflict("you cannot demote or disable yourself; another admin must");
            }
            Map<String, String> details = new java.util.TreeMap<>();
            if (role != null) {
                h.createUpdate("UPDATE app_user SET role = :r WHERE id = :id")
                        .bind("r", role.label())
                        .bind("id", id)
                        .execute();
                details.put("role", role.label());
            }
            if (disabled != null) {
                h.createUpdate("UPDATE app_user SET disabled = :d WHERE id = :id")
                        .bind("d", disabled ? 1 : 0)
                        .bind("id", id)
                        .execute();
                details.put("disabled", disabled.toString());
            }
            if (hash != null) {
                h.createUpdate("UPDATE app_user SET password_hash = :p WHERE id = :id")
                        .bind("p", hash)
                        .bind("id", id)
                        .execute();
                details.put("password", "changed");
            }
            if (Boolean.TRUE.equals(disabled) || hash != null) {
                h.createUpdate("DELETE FROM user_session WHERE user_id = :id")
                        .bind("id", id)
                        .execute();
            }
            audit.append(h, actor.actor(), "user.updated", "user:" + u.username(), details);
        });
        return user(id);
    }

    public void deleteUser(Principal actor, String id) {
        User u = user(id);
        if (u.id().equals(actor.id())) {
            throw ApiException.conflict("you cannot delete yourself; another admin must");
        }
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM app_user WHERE id = :id").bind("id", id).execute();
            audit.append(h, actor.actor(), "user.deleted", "user:" + u.username(), Map.of());
        });
    }

    private static void validateUsername(String username) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw ApiException.invalid(
                    "username: use 1–64 letters, digits, '.', '_', '@' or '-', starting with a" + " letter or digit");
        }
    }

    private static void validatePassword(String password) {
        if (password == null || password.length() < 12) {
            throw ApiException.invalid("password: at least 12 characters");
        }
        if (password.length() > Passwords.MAX_LENGTH) {
            throw ApiException.invalid("password: at most " + Passwords.MAX_LENGTH + " characters");
        }
    }

    // ---- login and sessions

    /** Checks the password and opens a session, or throws 401 (wrong) or 429 (too many failures). */
    public Session login(String username, String password, String remote) {
        Instant now = clock.instant();
        // Never store more of an anonymous caller's text than a real username can be.
        String name = username == null ? "" : clipName(username);
        long since = Micros.of(now.minus(config.loginWindow()));
        Map<String, Long> failures = jdbi.withHandle(h -> Map.of(
                "user",
                h.createQuery("SELECT COUNT(*) FROM login_failure WHERE username = :u AND time_micros > :t")
                        .bind("u", name)
                        .bind("t", since)
                        .mapTo(Long.class)
                        .one(),
                "remote",
                h.createQuery("SELECT COUNT(*) FROM login_failure WHERE remote = :r AND time_micros > :t")
                        .bind("r", remote)
                        .bind("t", since)
                        .mapTo(Long.class)
                        .one()));
        if (failures.get("user") >= config.loginMaxFailures()
                || failures.get("remote") >= 4L * config.loginMaxFailures()) {
            metrics.logins.labelValues("throttled").inc();
            throw new ApiException(
                    429,
                    "login-throttled",
                    "Too many failed logins",
                    "too many failed logins for this user or address; try again later",
                    config.loginWindow().toSeconds());
        }
        Optional<Map.Entry<User, String>> found =
                jdbi.withHandle(h -> h.createQuery("SELECT * FROM app_user WHERE username = :u")
                        .bind("u", name)
                        .map((rs, c) -> Map.entry(user(rs), rs.getString("password_hash")))
                        .findOne());
        String pw = password == null ? "" : password;
        boolean ok;
        if (found.isPresent()) {
            ok = passwords.verify(pw, found.get().getValue());
        } else {
            passwords.verify(pw, dummyHash); // same work as for a real user: timing reveals nothing
            ok = false;
        }
        if (!ok || found.get().getKey().disabled()) {
            jdbi.useTransaction(h -> {
                h.createUpdate("INSERT INTO login_failure (username, remote, time_micros) VALUES (:u, :r, :t)")
                        .bind("u", name)
                        .bind("r", remote)
                        .bind("t", Micros.of(now))
                        .execute();
                audit.append(h, "anonymous", "auth.login.failed", "user:" + clipName(name), Map.of("remote", remote));
            });
            metrics.logins.labelValues("failed").inc();
            throw ApiException.unauthorized("wrong username or password");
        }
        User u = found.get().getKey();
        String token = Secrets.generate(Secrets.SESSION);
        String csrf = Secrets.generate("");
        Instant expires = now.plus(config.session());
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO user_session (token_hash, user_id, csrf_token, created_micros, expires_micros)"
                            + " VALUES (:h, :u, :c, :t, :e)")
                    .bind("h", Secrets.digest(token))
                    .bind("u", u.id())
                    .bind("c", csrf)
                    .bind("t", Micros.of(now))
                    .bind("e", Micros.of(expires))
                    .execute();
            h.createUpdate("DELETE FROM login_failure WHERE username = :u")
                    .bind("u", name)
                    .execute();
            h.createUpdate("DELETE FROM user_session WHERE expires_micros < :t")
                    .bind("t", Micros.of(now))
                    .execute();
            if (passwords.needsRehash(found.get().getValue())) {
                h.createUpdate("UPDATE app_user SET password_hash = :p WHERE id = :id")
                        .bind("p", passwords.hash(pw))
                        .bind("id", u.id())
                        .execute();
            }
            audit.append(h, "user:" + u.username(), "auth.login", "user:" + u.username(), Map.of("remote", remote));
        });
        metrics.logins.labelValues("ok").inc();
        return new Session(token, csrf, u, expires);
    }

    /** Refuses (429) an address with too many failed logins or enrollments in the window. */
    public void throttleAddress(String remote, String what) {
        long since = Micros.of(clock.instant().minus(config.loginWindow()));
        long n = jdbi.withHandle(
                h -> h.createQuery("SELECT COUNT(*) FROM login_failure WHERE remote = :r AND time_micros > :t")
                        .bind("r", remote)
                        .bind("t", since)
                        .mapTo(Long.class)
                        .one());
        if (n >= 4L * config.loginMaxFailures()) {
            throw new ApiException(
                    429,
                    "throttled",
                    "Too many failures",
                    "too many failed " + what + " attempts from this address; try again later",
                    config.loginWindow().toSeconds());
        }
    }

    /** Records a failed attempt (counted by {@link #throttleAddress}) with its audit record. */
    public void recordFailure(String username, String remote, String action, String subject) {
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO login_failure (username, remote, time_micros) VALUES (:u, :r, :t)")
                    .bind("u", username)
                    .bind("r", remote)
                    .bind("t", Micros.of(clock.instant()))
                    .execute();
            audit.append(h, "anonymous", action, subject, Map.of("remote", remote));
        });
    }

    private static String clipName(String s) {
        String c = s.length() > 64 ? s.substring(0, 64) : s;
        return c.replaceAll("\\p{Cntrl}", "?");
    }

    public void logout(Principal p, String sessionToken) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM user_session WHERE token_hash = :h")
                    .bind("h", Secrets.digest(sessionToken))
                    .execute();
            audit.append(h, p.actor(), "auth.logout", "user:" + p.name(), Map.of());
        });
    }

    // ---- API tokens

    public record CreatedToken(ApiToken token, String secret) {}

    public CreatedToken createToken(Principal p, String name, Duration lifetime) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw ApiException.invalid("name: 1–100 characters naming what the token is for");
        }
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(config.maxTokenLifetime()) > 0) {
            throw ApiException.invalid(
                    "expiresInDays: 1.." + config.maxTokenLifetime().toDays());
        }
        String secret = Secrets.generate(Secrets.API_TOKEN);
        Instant now = clock.instant();
        ApiToken t = new ApiToken(
                UUID.randomUUID().toString(),
                name.strip(),
                Secrets.displayPrefix(secret),
                now,
                now.plus(lifetime),
                null,
                null);
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO api_token (id, user_id, name, token_hash, prefix, created_micros,"
                            + " expires_micros) VALUES (:id, :u, :n, :h, :p, :c, :e)")
                    .bind("id", t.id())
                    .bind("u", p.id())
                    .bind("n", t.name())
                    .bind("h", Secrets.digest(secret))
                    .bind("p", t.prefix())
                    .bind("c", Micros.of(now))
                    .bind("e", Micros.of(t.expires()))
                    .execute();
            audit.append(
                    h,
                    p.actor(),
                    "token.created",
                    "token:" + t.id(),
                    Map.of("name", t.name(), "expires", t.expires().toString()));
        });
        return new CreatedToken(t, secret);
    }

    public List<ApiToken> tokens(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_token WHERE user_id = :u ORDER BY created_micros")
                .bind("u", userId)
                .map((rs, c) -> new ApiToken(
                        rs.getString("id"),
                        rs.getString("name"),
                        rs.getString("prefix"),
                        Micros.instant(rs.getLong("created_micros")),
                        Micros.instant(rs.getLong("expires_micros")),
                        nullableInstant(rs, "revoked_micros"),
                        nullableInstant(rs, "last_used_micros")))
                .list());
    }

    /** Revokes one of the caller's tokens (admins: anyone's). */
    public void revokeToken(Principal p, String tokenId) {
        jdbi.useTransaction(h -> {
            Optional<String> owner = h.createQuery("SELECT user_id FROM api_token WHERE id = :id")
                    .bind("id", tokenId)
                    .mapTo(String.class)
                    .findOne();
            if (owner.isEmpty() || (!owner.get().equals(p.id()) && p.role() != Role.ADMIN)) {
                throw ApiException.notFound("no token with id \"" + tokenId + "\"");
            }
            h.createUpdate("UPDATE api_token SET revoked_micros = :t WHERE id = :id AND revoked_micros IS NULL")
                    .bind("t", Micros.of(clock.instant()))
                    .bind("id", tokenId)
                    .execute();
            audit.append(h, p.actor(), "token.revoked", "token:" + tokenId, Map.of());
        });
    }

    // ---- authentication of a request

    /** The user behind a bearer API token, if it is valid now. */
    public Optional<Principal> byApiToken(String secret) {
        if (!Secrets.looksLike(secret, Secrets.API_TOKEN)) {
            return Optional.empty();
        }
        long now = Micros.of(clock.instant());
        // Read, close the result, then write: on SQLite a write from inside an open read would have to
        // upgrade that read's snapshot, which fails at once (SQLITE_BUSY) when another writer committed.
        record Row(Principal principal, String tokenId, boolean touch) {}
        Optional<Row> row = jdbi.withHandle(h -> h.createQuery("SELECT u.*, t.id AS token_id, t.last_used_micros"
                        + " FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE t.token_hash = :h"
                        + " AND t.revoked_micros IS NULL AND t.expires_micros > :now AND u.disabled = 0")
                .bind("h", Secrets.digest(secret))
                .bind("now", now)
                .map((rs, c) -> {
                    long last = rs.getLong("last_used_micros");
                    boolean touch = rs.wasNull() || now - last > 300_000_000L;
                    return new Row(
                            new Principal(
                                    rs.getString("id"),
                                    rs.getString("username"),
                                    Role.parse(rs.getString("role")),
                                    null,
                                    null),
                            rs.getString("token_id"),
                            touch);
                })
                .findOne());
        row.filter(Row::touch)
                .ifPresent(r ->
                        jdbi.useHandle(h -> h.createUpdate("UPDATE api_token SET last_used_micros = :t WHERE id = :id")
                                .bind("t", now)
                                .bind("id", r.tokenId())
                                .execute()));
        return row.map(Row::principal);
    }

    /** The user behind a session cookie, if the session is valid now. */
    public Optional<Principal> bySession(String token) {
        if (!Secrets.looksLike(token, Secrets.SESSION)) {
            return Optional.empty();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT u.*, s.csrf_token FROM user_session s JOIN app_user u ON"
                        + " u.id = s.user_id WHERE s.token_hash = :h AND s.expires_micros > :now AND u.disabled = 0")
                .bind("h", Secrets.digest(token))
                .bind("now", Micros.of(clock.instant()))
                .map((rs, c) -> new Principal(
                        rs.getString("id"),
                        rs.getString("username"),
                        Role.parse(rs.getString("role")),
                        null,
                        rs.getString("csrf_token")))
                .findOne());
    }

    /** The agent behind a credential, if it is valid (cached briefly). */
    public Optional<Principal> byAgentCredential(String secret) {
        if (!Secrets.looksLike(secret, Secrets.AGENT_CREDENTIAL)) {
            return Optional.empty();
        }
        String digest = Secrets.digest(secret);
        long nowNanos = System.nanoTime();
        CachedAgent c = agentCache.get(digest);
        if (c != null && c.expiresNanos() - nowNanos > 0) {
            return Optional.of(c.principal());
        }
        Optional<Principal> p = jdbi.withHandle(h -> h.createQuery("SELECT a.id, a.host_id, h.hostname FROM agent a"
                        + " JOIN host h ON h.id = a.host_id WHERE a.credential_hash = :h AND a.revoked_micros IS NULL")
                .bind("h", digest)
                .map((rs, ctx) -> new Principal(
                        rs.getString("id"), "agent:" + rs.getString("hostname"), null, rs.getString("host_id"), null))
                .findOne());
        if (p.isPresent()) {
            if (agentCache.size() > 200_000) {
                agentCache.clear();
            }
            agentCache.put(digest, new CachedAgent(p.get(), nowNanos + AGENT_CACHE.toNanos()));
        } else {
            agentCache.remove(digest);
        }
        return p;
    }

    /** Forgets cached agent credentials (after a revocation or host deletion on this node). */
    public void forgetAgents() {
        agentCache.clear();
    }

    private static User user(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new User(
                rs.getString("id"),
                rs.getString("username"),
                Role.parse(rs.getString("role")),
                rs.getInt("disabled") != 0,
                Micros.instant(rs.getLong("created_micros")));
    }

    private static Instant nullableInstant(java.sql.ResultSet rs, String col) throws java.sql.SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : Micros.instant(v);
    }
}
