package dev.fixpoint.bench.load;

import dev.fixpoint.server.FixpointServer;
import dev.fixpoint.server.platform.ServerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The real server in this JVM, as {@code fixpoint server} runs it: HTTPS with its own certificate, a
 * fresh data directory, a fresh database (SQLite in the data directory, or a new PostgreSQL database),
 * no bundled snapshot and no sync; the feed store holds the real AlmaLinux 9 OSV advisories.
 */
final class InProcessServer implements AutoCloseable {
    static final String ADMIN_PASSWORD = "load generator admin password";
    static final String PG_SERVER =
            System.getenv().getOrDefault("FIXPOINT_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/");

    final FixpointServer server;
    final Path dataDir;
    private final String pgDatabase;
    private final boolean keep;

    private InProcessServer(FixpointServer server, Path dataDir, String pgDatabase, boolean keep) {
        this.server = server;
        this.dataDir = dataDir;
        this.pgDatabase = pgDatabase;
        this.keep = keep;
    }

    /** Starts it; {@code extra} adds or overrides configuration keys (e.g. a short deployment tick). */
    static InProcessServer start(String db, Path sharedData, boolean keep, Map<String, String> extra, PrintStream out)
            throws Exception {
        Path data = Files.createTempDirectory("fixpoint-load-");
        Path feeds = data.resolve("feeds");
        Files.createDirectories(feeds);
        int copied = 0;
        try (DirectoryStream<Path> ds =
                Files.newDirectoryStream(sharedData.resolve("osv/almalinux/almalinux9"), "*.json")) {
            for (Path p : ds) {
                Files.copy(p, feeds.resolve(p.getFileName().toString().replace(':', '_')));
                copied++;
            }
        }
        Map<String, String> o = new LinkedHashMap<>();
        o.put("data.dir", data.toString());
        o.put("listen.host", "127.0.0.1");
        o.put("listen.port", "0");
        o.put("tls.enabled", "true");
        o.put("admin.password", ADMIN_PASSWORD);
        o.put("feeds.snapshot", "false");
        o.put("feeds.sync.interval.minutes", "0");
        o.putAll(extra);
        String pg = null;
        if (db.equals("postgresql")) {
            pg = "fixpoint_load_" + System.currentTimeMillis();
            try (Connection c = DriverManager.getConnection(PG_SERVER + "postgres", "postgres", null);
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + pg);
            }
            o.put("database.url", PG_SERVER + pg);
            o.put("database.user", "postgres");
        } else if (!db.equals("sqlite")) {
            throw new IllegalArgumentException("--db: sqlite or postgresql");
        }
        FixpointServer server =
                FixpointServer.start(ServerConfig.load(null, Map.of(), o), false, Clock.systemUTC(), out);
        long t0 = System.nanoTime();
        long deadline = t0 + Duration.ofMinutes(3).toNanos();
        while (!server.feedsReady() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        out.printf(
                "server: %s (%s), %d AlmaLinux 9 advisory files in the feed store, %d advisories loaded in %.1f s%n",
                server.url(),
                db,
                copied,
                server.feeds().current().index().advisoryCount(),
                (System.nanoTime() - t0) / 1e9);
        return new InProcessServer(server, data, pg, keep);
    }

    /**
     * Brings the planner's statistics up to date after the set-up's bulk load, as autovacuum (on
     * PostgreSQL, with VACUUM so index-only scans work) or a long-running server would have by then.
     */
    void analyze() throws SQLException {
        if (pgDatabase == null) {
            server.database().jdbi().useHandle(h -> h.execute("ANALYZE"));
            return;
        }
        try (Connection c = DriverManager.getConnection(PG_SERVER + pgDatabase, "postgres", null);
                Statement s = c.createStatement()) {
            s.execute("VACUUM (ANALYZE)");
        }
    }

    /** The database's size on disk: SQLite's file and its WAL, or pg_database_size. */
    long databaseBytes() throws IOException, SQLException {
        if (pgDatabase == null) {
            long n = 0;
            for (String f : new String[] {"fixpoint.db", "fixpoint.db-wal", "fixpoint.db-shm"}) {
                Path p = dataDir.resolve(f);
                if (Files.exists(p)) {
                    n += Files.size(p);
                }
            }
            return n;
        }
        try (Connection c = DriverManager.getConnection(PG_SERVER + pgDatabase, "postgres", null);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Changes every advisory in the feed store (a new {@code modified} date), so the next reload sees
     * all of them as changed and re-evaluates every host's packages they name.
     */
    int touchAdvisories(String modified) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(server.feeds().store(), "*.json")) {
            for (Path p : ds) {
                String s = Files.readString(p, StandardCharsets.UTF_8);
                String t = s.replaceFirst("\"modified\"\\s*:\\s*\"[^\"]*\"", "\"modified\": \"" + modified + "\"");
                if (!t.equals(s)) {
                    Files.writeString(p, t, StandardCharsets.UTF_8);
                    n++;
                }
            }
        }
        return n;
    }

    @Override
    public void close() throws IOException, SQLException {
        server.close();
        if (pgDatabase != null && !keep) {
            try (Connection c = DriverManager.getConnection(PG_SERVER + "postgres", "postgres", null);
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + pgDatabase + " WITH (FORCE)");
            }
        }
        if (!keep) {
            try (var walk = Files.walk(dataDir)) {
                walk.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }
}
