package dev.fixpoint.app.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.app.Main;
import dev.fixpoint.server.audit.AuditKeys;
import dev.fixpoint.server.audit.AuditLog;
import dev.fixpoint.server.platform.Database;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fixpoint audit verify|export} on a real SQLite data directory, before and after tampering. */
class AuditCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private void seed() throws Exception {
        KeyPair key = AuditKeys.loadOrCreate(dir.resolve("keys"));
        try (Database db = Database.open(Database.Config.sqlite(dir))) {
            AuditLog log = new AuditLog(db.jdbi(), true, Clock.systemUTC());
            for (int i = 1; i <= 5; i++) {
                log.append("user:admin", "host.updated", "host:web-" + i, Map.of("criticality", "high"));
            }
            log.checkpoint(key.getPrivate());
        }
    }

    private void sql(String statement) throws Exception {
        try (Database db = Database.open(Database.Config.sqlite(dir))) {
            db.jdbi().useHandle(h -> h.execute(statement));
        }
    }

    @Test
    void anIntactLogVerifiesAndEachKindOfTamperingIsNamed() throws Exception {
        seed();
        Run ok = run("audit", "verify", "--data-dir", dir.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("intact: 5 records, 1 signed checkpoints");

        sql("UPDATE audit_log SET actor = 'user:mallory' WHERE seq = 3");
        Run edited = run("audit", "verify", "--data-dir", dir.toString());
        assertThat(edited.code()).isEqualTo(1);
        assertThat(edited.err()).contains("BROKEN at record 3");
        sql("UPDATE audit_log SET actor = 'user:admin' WHERE seq = 3");
        assertThat(run("audit", "verify", "--data-dir", dir.toString()).code()).isZero();

        sql("UPDATE audit_log SET seq = 100 WHERE seq = 2");
        sql("UPDATE audit_log SET seq = 2 WHERE seq = 4");
        sql("UPDATE audit_log SET seq = 4 WHERE seq = 100");
        Run reordered = run("audit", "verify", "--data-dir", dir.toString());
        assertThat(reordered.code()).isEqualTo(1);
        assertThat(reordered.err()).contains("BROKEN at record 2");
        sql("UPDATE audit_log SET seq = 100 WHERE seq = 2");
        sql("UPDATE audit_log SET seq = 2 WHERE seq = 4");
        sql("UPDATE audit_log SET seq = 4 WHERE seq = 100");

        sql("DELETE FROM audit_log WHERE seq = 5");
        Run truncated = run("audit", "verify", "--data-dir", dir.toString());
        assertThat(truncated.code())
                .as("deleting the signed tail is caught by the checkpoint")
                .isEqualTo(1);
    }

    @Test
    void anExportVerifiesOffAndTamperingWithItIsCaught() throws Exception {
        seed();
        Path export = dir.resolve("audit.jsonl");
        Run ex = run("audit", "export", "--data-dir", dir.toString(), "-o", export.toString());
        assertThat(ex.code()).as(ex.err()).isZero();
        List<String> lines = Files.readAllLines(export);
        assertThat(lines).hasSize(1 + 5 + 1);
        assertThat(lines.get(0)).contains("fixpoint-audit-export/1").contains("publicKey");

        Run ok = run(
                "audit",
                "verify",
                "--file",
                export.toString(),
                "--public-key",
                dir.resolve("keys").resolve(AuditKeys.PUBLIC).toString());
        assertThat(ok.code()).as(ok.err()).isZero();

        lines.set(2, lines.get(2).replace("web-2", "web-9"));
        Files.write(export, lines);
        Run broken = run("audit", "verify", "--file", export.toString());
        assertThat(broken.code()).isEqualTo(1);
        assertThat(broken.err()).contains("record 2");

        Run missing = run("audit", "verify", "--file", dir.resolve("nope.jsonl").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.jsonl");
    }
}
