package dev.fixpoint.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.core.audit.AuditRecord;
import dev.fixpoint.server.platform.Database;
import dev.fixpoint.server.platform.TestDatabases;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The audit log on both databases: appends, same-transaction semantics, and tampering by SQL. */
class AuditLogTest {

    @TempDir
    Path tmp;

    interface Body {
        void run(Database db, AuditLog log, KeyPair key) throws Exception;
    }

    void on(String kind, Body body) throws Exception {
        TestDatabases.Fresh fresh = TestDatabases.create(kind, tmp);
        try {
            try (Database db = Database.open(fresh.config())) {
                KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                body.run(db, new AuditLog(db.jdbi(), db.isSqlite(), Clock.systemUTC()), key);
            }
        } finally {
            fresh.drop().close();
        }
    }

    static void fill(AuditLog log, int n) {
        for (int i = 0; i < n; i++) {
            log.append("user:alice", "token.create", "token:" + i, Map.of("expires", "2027-01-0" + (i % 9 + 1)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void appendsVerifyAndCheckpointsHold(String kind) throws Exception {
        on(kind, (db, log, key) -> {
            fill(log, 5);
            assertThat(log.records()).extracting(AuditRecord::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(log.checkpoint(key.getPrivate())).isPresent();
            // Nothing appended since: a second checkpoint (e.g. at shutdown) is the same one, not an error.
            assertThat(log.checkpoint(key.getPrivate()))
                    .isEqualTo(Optional.of(log.checkpoints().get(0)));
            assertThat(log.checkpoints()).hasSize(1);
            fill(log, 2);
            assertThat(log.verify(key.getPublic())).isEmpty();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theRecordCommitsWithTheChangeOrNotAtAll(String kind) throws Exception {
        on(kind, (db, log, key) -> {
            fill(log, 1);
            assertThatThrownBy(() -> db.jdbi().useTransaction(h -> {
                        log.append(h, "user:alice", "user.delete", "user:bob", Map.of());
                        throw new IllegalStateException("the change itself failed");
                    }))
                    .hasMessage("the change itself failed");
            assertThat(log.records()).hasSize(1);
            assertThat(log.verify(key.getPublic())).isEmpty();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void concurrentAppendsNeverForkTheChain(String kind) throws Exception {
        on(kind, (db, log, key) -> {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> fill(log, 10)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            assertThat(log.records()).hasSize(40);
            assertThat(log.verify(key.getPublic())).isEmpty();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void tamperingInTheDatabaseIsFound(String kind) throws Exception {
        on(kind, (db, log, key) -> {
            fill(log, 6);
            db.jdbi().useHandle(h -> h.execute("UPDATE audit_log SET actor = 'user:mallory' WHERE seq = 3"));
            assertThat(log.verify(key.getPublic())).hasValueSatisfying(b -> {
                assertThat(b.seq()).isEqualTo(3);
                assertThat(b.reason()).contains("edited");
            });
            db.jdbi().useHandle(h -> h.execute("UPDATE audit_log SET actor = 'user:alice' WHERE seq = 3"));
            assertThat(log.verify(key.getPublic())).isEmpty();

            db.jdbi()
                    .useHandle(h -> h.execute(
                            "UPDATE audit_log SET details = '{\"expires\":\"2099-01-01\"}'" + " WHERE seq = 2"));
            assertThat(log.verify(key.getPublic()))
                    .hasValueSatisfying(b -> assertThat(b.seq()).isEqualTo(2));
        });
        on(kind, (db, log, key) -> {
            fill(log, 6);
            db.jdbi().useHandle(h -> h.execute("DELETE FROM audit_log WHERE seq = 4"));
            assertThat(log.verify(key.getPublic())).hasValueSatisfying(b -> {
                assertThat(b.seq()).isEqualTo(5);
                assertThat(b.reason()).contains("deleted");
            });
        });
        on(kind, (db, log, key) -> {
            fill(log, 6);
            // Reorder: swap the contents of records 2 and 5, keeping sequence numbers.
            db.jdbi().useTransaction(h -> {
                h.execute("UPDATE audit_log SET seq = -2 WHERE seq = 2");
                h.execute("UPDATE audit_log SET seq = 2 WHERE seq = 5");
                h.execute("UPDATE audit_log SET seq = 5 WHERE seq = -2");
            });
            assertThat(log.verify(key.getPublic()))
                    .hasValueSatisfying(b -> assertThat(b.seq()).isEqualTo(2));
        });
        on(kind, (db, log, key) -> {
            fill(log, 6);
            log.checkpoint(key.getPrivate());
            db.jdbi().useHandle(h -> h.execute("DELETE FROM audit_log WHERE seq > 4"));
            assertThat(log.verify(key.getPublic()))
                    .hasValueSatisfying(b -> assertThat(b.reason()).contains("truncated"));
        });
    }
}
