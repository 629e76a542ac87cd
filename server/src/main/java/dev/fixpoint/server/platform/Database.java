package dev.fixpoint.server.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The server's database: the embedded SQLite default (one file, WAL, foreign keys on, writers wait
 * for each other) or PostgreSQL, selected by the JDBC URL. Opening migrates the schema with Flyway
 * ({@code db/migration}, one schema for both).
 */
public final class Database implements AutoCloseable {

    /**
     * Where the database is.
     *
     * @param jdbcUrl {@code jdbc:sqlite:/path/fixpoint.db} or {@code jdbc:postgresql://host:port/db}
     * @param user PostgreSQL user, or null
     * @param password PostgreSQL password, or null; never logged
     */
    public record Config(String jdbcUrl, String user, String password) {
        public Config {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        }

        /** The embedded default: a SQLite file in the data directory. */
        public static Config sqlite(Path dataDir) {
            return new Config("jdbc:sqlite:" + dataDir.resolve("fixpoint.db").toAbsolutePath(), null, null);
        }

        public boolean isSqlite() {
            return jdbcUrl.startsWith("jdbc:sqlite:");
        }

        @Override
        public String toString() {
            return "Config[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=" + (password == null ? "none" : "***")
                    + "]";
        }
    }

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final boolean sqlite;

    private Database(HikariDataSource dataSource, boolean sqlite) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.sqlite = sqlite;
    }

    public static Database open(Config config) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.jdbcUrl());
        hc.setPoolName("fixpoint");
        if (config.isSqlite()) {
            Path file = Path.of(config.jdbcUrl().substring("jdbc:sqlite:".length()));
            try {
                if (file.getParent() != null) {
                    Files.createDirectories(file.getParent());
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot create the data directory " + file.getParent(), e);
            }
            // One writer at a time is SQLite's model; WAL lets readers run beside it.
            hc.setMaximumPoolSize(4);
            hc.addDataSourceProperty("journal_mode", "WAL");
            hc.addDataSourceProperty("foreign_keys", "true");
            hc.addDataSourceProperty("busy_timeout", "10000");
            hc.addDataSourceProperty("synchronous", "NORMAL");
            hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        } else {
            hc.setUsername(config.user());
            hc.setPassword(config.password());
            hc.setMaximumPoolSize(10);
            // Batched INSERTs become multi-row statements: one round trip for an inventory's packages.
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, config.isSqlite());
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public boolean isSqlite() {
        return sqlite;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
