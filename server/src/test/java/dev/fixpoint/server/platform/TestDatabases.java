package dev.fixpoint.server.platform;

import dev.fixpoint.core.testing.Ci;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The two databases every persistence test runs against: a SQLite file in a temporary directory, and
 * a fresh database on the PostgreSQL server at 127.0.0.1:5432 (user {@code postgres}, trust auth;
 * {@code FIXPOINT_TEST_PG} overrides the server URL). Without PostgreSQL the PostgreSQL cases skip
 * visibly, and fail under CI.
 */
public final class TestDatabases {
    private TestDatabases() {}

    public static final String PG_SERVER =
            System.getenv().getOrDefault("FIXPOINT_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/");

    /** A database of the given kind, with a cleanup that drops it. */
    public record Fresh(Database.Config config, AutoCloseable drop) {}

    public static Fresh create(String kind, Path tmp) throws SQLException {
        if (kind.equals("sqlite")) {
            return new Fresh(Database.Config.sqlite(tmp.resolve("data-" + UUID.randomUUID())), () -> {});
        }
        boolean up;
        try (Connection c = DriverManager.getConnection(PG_SERVER + "postgres", "postgres", null)) {
            up = c.isValid(2);
        } catch (SQLException e) {
            up = false;
        }
        Ci.require(up, "PostgreSQL at " + PG_SERVER + " (pg_ctlcluster --skip-systemctl-redirect 15 main start)");
        String name = "fixpoint_test_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(PG_SERVER + "postgres", "postgres", null);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return new Fresh(new Database.Config(PG_SERVER + name, "postgres", null), () -> {
            try (Connection c = DriverManager.getConnection(PG_SERVER + "postgres", "postgres", null);
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        });
    }
}
