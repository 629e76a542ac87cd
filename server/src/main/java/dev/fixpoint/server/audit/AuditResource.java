package dev.fixpoint.server.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.core.audit.AuditRecord;
import dev.fixpoint.server.platform.Access;
import dev.fixpoint.server.platform.Api;
import dev.fixpoint.server.platform.Http;
import dev.fixpoint.server.platform.ListQuery;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The audit log: read, verify, export. Readable by every role (auditors especially); never writable. */
public final class AuditResource {
    private final AuditLog log;
    private final PublicKey key;
    private final ObjectMapper json;
    private final Clock clock;

    public AuditResource(AuditLog log, PublicKey key, ObjectMapper json, Clock clock) {
        this.log = log;
        this.key = key;
        this.json = json;
        this.clock = clock;
    }

    public void register(Api api) {
        api.get("/api/v1/audit", Access.READ, "Audit records, newest first by default", ctx -> {
                    ListQuery q = ListQuery.of(ctx, Set.of("actor", "action", "subject"), Set.of("seq"), "-seq");
                    String actor = Http.text(ctx, "actor");
                    String action = Http.text(ctx, "action");
                    String subject = Http.text(ctx, "subject");
                    List<AuditRecord> out = new ArrayList<>();
                    for (AuditRecord r : log.records()) {
                        if ((actor == null || r.actor().equals(actor))
                                && (action == null || r.action().startsWith(action))
                                && (subject == null || r.subject().startsWith(subject))) {
                            out.add(r);
                        }
                    }
                    ctx.json(q.page(out, Map.of("seq", Comparator.comparingLong(AuditRecord::seq))));
                })
                .query("actor", "exactly, e.g. user:admin")
                .query("action", "prefix, e.g. auth.")
                .query("subject", "prefix, e.g. host:")
                .pageOf(AuditRecord.class);
        api.get(
                        "/api/v1/audit/verify",
                        Access.READ,
                        "Verify the hash chain and checkpoint signatures; names the first broken record",
                        ctx -> ctx.json(AuditExport.verify(log, key)))
                .returns(AuditExport.Verification.class);
        api.get("/api/v1/audit/export", Access.READ, "The log with its checkpoints as JSON Lines", ctx -> {
                    ctx.contentType("application/x-ndjson");
                    ctx.header("Content-Disposition", "attachment; filename=\"fixpoint-audit.jsonl\"");
                    Writer w = new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8);
                    AuditExport.write(log, key, clock.instant(), w, json);
                })
                .produces("application/x-ndjson");
    }
}
