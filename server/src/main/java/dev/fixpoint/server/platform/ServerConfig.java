package dev.fixpoint.server.platform;

import dev.fixpoint.feeds.sync.FeedSource;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The server's configuration: one properties file plus environment overrides ({@code FIXPOINT_} and
 * the key in upper case with {@code .} as {@code _}, e.g. {@code FIXPOINT_DATABASE_URL}). Validated as
 * a whole at start-up: every problem is reported at once, naming the key, its source and the value's
 * fault. {@link #describe()} gives the effective values with secrets masked, for the log.
 */
public record ServerConfig(
        Path dataDir,
        String listenHost,
        int listenPort,
        boolean tls,
        Database.Config database,
        String adminUsername,
        String adminPassword,
        Path feedsDir,
        Duration feedSyncInterval,
        boolean feedSnapshot,
        List<FeedSource> feedSources,
        Duration checkin,
        Duration session,
        Duration maxTokenLifetime,
        int loginMaxFailures,
        Duration loginWindow,
        Duration auditCheckpointInterval,
        Duration deploymentTick) {

    /** Keys and their defaults; a key not listed here is refused (a typo is an error, not a no-op). */
    private static final Map<String, String> DEFAULTS = defaults();

    /** FIXPOINT_ variables that belong to the launcher, tests and CI, not to the server's configuration. */
    private static final Set<String> NOT_CONFIG =
            Set.of("FIXPOINT_CI", "FIXPOINT_JAVA_OPTS", "FIXPOINT_TEST_PG", "FIXPOINT_SHARED_DATA", "FIXPOINT_DATA");

    private static final Set<String> SECRETS = Set.of("database.password", "admin.password");

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("data.dir", "fixpoint-data");
        d.put("listen.host", "0.0.0.0");
        d.put("listen.port", "8443");
        d.put("tls.enabled", "true");
        d.put("database.url", "");
        d.put("database.user", "");
        d.put("database.password", "");
        d.put("admin.username", "admin");
        d.put("admin.password", "");
        d.put("feeds.dir", "");
        d.put("feeds.sync.interval.minutes", "360");
        d.put("feeds.snapshot", "true");
        d.put("agent.checkin.seconds", "300");
        d.put("session.hours", "12");
        d.put("token.max.days", "365");
        d.put("login.max.failures", "5");
        d.put("login.window.minutes", "15");
        d.put("audit.checkpoint.minutes", "60");
        d.put("deployments.tick.seconds", "10");
        return d;
    }

    /** A configuration problem, listing every fault found. */
    public static final class ConfigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ConfigException(String message) {
            super(message);
        }
    }

    /**
     * Reads {@code file} (optional), then the environment, then {@code overrides} (command-line
     * options), each later source winning.
     */
    public static ServerConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        Map<String, String> origin = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException("config file " + file + ": cannot be read: " + e.getMessage());
            }
            for (String k : p.stringPropertyNames()) {
                if (!known(k)) {
                    errors.add(file + ": unknown key \"" + k + "\"");
                    continue;
                }
                values.put(k, p.getProperty(k).strip());
                origin.put(k, file.toString());
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().startsWith("FIXPOINT_") || NOT_CONFIG.contains(e.getKey())) {
                continue;
            }
            String k = e.getKey()
                    .substring("FIXPOINT_".length())
                    .toLowerCase(Locale.ROOT)
                    .replace('_', '.');
            if (!DEFAULTS.containsKey(k)) {
                errors.add("environment variable " + e.getKey() + ": not a configuration key");
                continue;
            }
            values.put(k, e.getValue().strip());
            origin.put(k, "environment " + e.getKey());
        }
        overrides.forEach((k, v) -> {
            values.put(k, v);
            origin.put(k, "command line");
        });
        try {
            ServerConfig c = build(values, origin, errors);
            if (!errors.isEmpty()) {
                throw new ConfigException("invalid configuration:\n  " + String.join("\n  ", errors));
            }
            return c;
        } catch (ConfigException e) {
            throw e;
        }
    }

    private static boolean known(String k) {
        return DEFAULTS.containsKey(k) || k.startsWith("feeds.source.");
    }

    private static ServerConfig build(Map<String, String> v, Map<String, String> origin, List<String> errors) {
        Path dataDir = Path.of(v.get("data.dir"));
        int port = integer(v, origin, "listen.port", 0, 65535, errors);
        String url = v.get("database.url");
        Database.Config db;
        if (url.isEmpty()) {
            db = Database.Config.sqlite(dataDir);
        } else if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
            errors.add(where(origin, "database.url") + ": \"" + Strings.clip(url)
                    + "\" is neither jdbc:sqlite: nor jdbc:postgresql:");
            db = Database.Config.sqlite(dataDir);
        } else {
            db = new Database.Config(
                    url,
                    v.get("database.user").isEmpty() ? null : v.get("database.user"),
                    v.get("database.password").isEmpty() ? null : v.get("database.password"));
        }
        String admin = v.get("admin.username");
        if (!admin.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")) {
            errors.add(where(origin, "admin.username") + ": \"" + Strings.clip(admin)
                    + "\" must be 1–64 letters, digits, '.', '_', '@' or '-'");
        }
        String adminPassword = v.get("admin.password");
        if (!adminPassword.isEmpty() && adminPassword.length() < 12) {
            errors.add(where(origin, "admin.password") + ": must be at least 12 characters");
        }
        List<FeedSource> sources = new ArrayList<>();
        v.forEach((k, val) -> {
            if (k.startsWith("feeds.source.")) {
                try {
                    sources.add(new FeedSource(k.substring("feeds.source.".length()), URI.create(val)));
                } catch (IllegalArgumentException e) {
                    errors.add(where(origin, k) + ": " + e.getMessage());
                }
            }
        });
        return new ServerConfig(
                dataDir,
                v.get("listen.host"),
                port,
                bool(v, origin, "tls.enabled", errors),
                db,
                admin,
                adminPassword.isEmpty() ? null : adminPassword,
                v.get("feeds.dir").isEmpty() ? dataDir.resolve("feeds") : Path.of(v.get("feeds.dir")),
                Duration.ofMinutes(integer(v, origin, "feeds.sync.interval.minutes", 0, 525_600, errors)),
                bool(v, origin, "feeds.snapshot", errors),
                sources.isEmpty() ? FeedSource.defaults() : List.copyOf(sources),
                Duration.ofSeconds(integer(v, origin, "agent.checkin.seconds", 10, 86_400, errors)),
                Duration.ofHours(integer(v, origin, "session.hours", 1, 720, errors)),
                Duration.ofDays(integer(v, origin, "token.max.days", 1, 3650, errors)),
                integer(v, origin, "login.max.failures", 1, 1000, errors),
                Duration.ofMinutes(integer(v, origin, "login.window.minutes", 1, 1440, errors)),
                Duration.ofMinutes(integer(v, origin, "audit.checkpoint.minutes", 1, 10_080, errors)),
                Duration.ofSeconds(integer(v, origin, "deployments.tick.seconds", 1, 3600, errors)));
    }

    private static String where(Map<String, String> origin, String key) {
        return key + " (from " + origin.getOrDefault(key, "default") + ")";
    }

    private static int integer(
            Map<String, String> v, Map<String, String> origin, String k, int min, int max, List<String> errors) {
        try {
            int n = Integer.parseInt(v.get(k));
            if (n < min || n > max) {
                errors.add(where(origin, k) + ": " + n + " is outside " + min + ".." + max);
                return Integer.parseInt(DEFAULTS.get(k));
            }
            return n;
        } catch (NumberFormatException e) {
            errors.add(where(origin, k) + ": \"" + Strings.clip(v.get(k)) + "\" is not a whole number");
            return Integer.parseInt(DEFAULTS.get(k));
        }
    }

    private static boolean bool(Map<String, String> v, Map<String, String> origin, String k, List<String> errors) {
        String s = v.get(k).toLowerCase(Locale.ROOT);
        if (!s.equals("true") && !s.equals("false")) {
            errors.add(where(origin, k) + ": \"" + Strings.clip(s) + "\" is not true or false");
        }
        return !s.equals("false");
    }

    /** The effective configuration, one {@code key = value} per line, secrets masked. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("data.dir = " + dataDir.toAbsolutePath());
        lines.add("listen = " + (tls ? "https://" : "http://") + listenHost + ":" + listenPort);
        lines.add("database.url = " + database.jdbcUrl().replaceAll("(?i)(password=)[^&;]*", "$1******"));
        lines.add("database.user = " + (database.user() == null ? "" : database.user()));
        lines.add("database.password = " + mask(database.password()));
        lines.add("admin.username = " + adminUsername);
        lines.add("admin.password = " + mask(adminPassword));
        lines.add("feeds.dir = " + feedsDir.toAbsolutePath());
        lines.add("feeds.sync.interval.minutes = " + feedSyncInterval.toMinutes());
        lines.add("feeds.snapshot = " + feedSnapshot);
        for (FeedSource s : feedSources) {
            lines.add("feeds.source." + s.name() + " = " + s.uri());
        }
        lines.add("agent.checkin.seconds = " + checkin.toSeconds());
        lines.add("session.hours = " + session.toHours());
        lines.add("token.max.days = " + maxTokenLifetime.toDays());
        lines.add("login.max.failures = " + loginMaxFailures + " per " + loginWindow.toMinutes() + " min");
        lines.add("audit.checkpoint.minutes = " + auditCheckpointInterval.toMinutes());
        lines.add("deployments.tick.seconds = " + deploymentTick.toSeconds());
        return lines;
    }

    @Override
    public String toString() {
        return "ServerConfig" + describe();
    }

    private static String mask(String secret) {
        return secret == null || secret.isEmpty() ? "(not set)" : "******";
    }

    static boolean isSecret(String key) {
        return SECRETS.contains(key);
    }
}
