package dev.fixpoint.server.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.server.platform.Database;
import dev.fixpoint.server.platform.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The write-behind of check-in times, on SQLite and PostgreSQL. */
class LastSeenTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void notedTimesAreWrittenInBatchesAndNeverMoveBackwards(String kind) throws Exception {
        TestDatabases.Fresh fresh = TestDatabases.create(kind, tmp);
        try (Database db = Database.open(fresh.config())) {
            int hosts = LastSeen.BATCH + 7; // more than one batch
            db.jdbi().useTransaction(h -> {
                for (int i = 0; i < hosts; i++) {
                    h.createUpdate("INSERT INTO host (id, hostname, created_micros, last_seen_micros)"
                                    + " VALUES (:id, :n, 0, 500)")
                            .bind("id", "h" + i)
                            .bind("n", "host" + i)
                            .execute();
                }
            });
            // a long interval: only the explicit flushes below write
            try (LastSeen seen = new LastSeen(db.jdbi(), db.isSqlite(), 3_600_000)) {
                for (int i = 0; i < hosts; i++) {
                    seen.seen("h" + i, 1000 + i);
                    seen.seen("h" + i, 900); // an older time noted later does not win
                }
                seen.seen("no-such-host", 2000);
                assertThat(seen.backlog()).isEqualTo(hosts + 1);
                assertThat(seen.flush()).isEqualTo(hosts + 1);
                assertThat(seen.backlog()).isZero();
                assertThat(lastSeen(db, "h5")).isEqualTo(1005);
                assertThat(lastSeen(db, "h" + (hosts - 1))).isEqualTo(1000 + hosts - 1);
                db.jdbi().useHandle(h -> h.execute("UPDATE host SET last_seen_micros = 5000 WHERE id = 'h1'"));
                seen.seen("h1", 4000);
                seen.seen("h2", 6000);
                seen.flush();
                assertThat(lastSeen(db, "h1")).isEqualTo(5000);
                assertThat(seen.flush()).isZero();
                seen.seen("h2", 7000); // written by close()
            }
            assertThat(lastSeen(db, "h2")).isEqualTo(7000);
        } finally {
            fresh.drop().close();
        }
    }

    private static long lastSeen(Database db, String id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT last_seen_micros FROM host WHERE id = :id")
                .bind("id", id)
                .mapTo(Long.class)
                .one());
    }
}
