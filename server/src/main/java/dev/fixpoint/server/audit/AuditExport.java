package dev.fixpoint.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fixpoint.core.audit.AuditChain;
import dev.fixpoint.core.audit.AuditRecord;
import dev.fixpoint.core.audit.AuditVerifier;
import dev.fixpoint.core.audit.Checkpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The audit log as JSON Lines, for auditors: a header (format, export time, the checkpoint public
 * key), every record, then every checkpoint. {@link #verify} checks such a file without the server.
 */
public final class AuditExport {
    public static final String FORMAT = "fixpoint-audit-export/1";

    /** What verification found. */
    public record Verification(
            boolean intact, long records, int checkpoints, Long lastSignedSeq, Long brokenSeq, String reason) {
        static Verification of(List<AuditRecord> records, List<Checkpoint> checkpoints, Optional<AuditChain.Broken> b) {
            Long signed = checkpoints.isEmpty()
                    ? null
                    : checkpoints.get(checkpoints.size() - 1).seq();
            return new Verification(
                    b.isEmpty(),
                    records.size(),
                    checkpoints.size(),
                    signed,
                    b.map(AuditChain.Broken::seq).orElse(null),
                    b.map(AuditChain.Broken::reason).orElse(null));
        }
    }

    private AuditExport() {}

    public static Verification verify(AuditLog log, PublicKey key) {
        List<AuditRecord> records = log.records();
        List<Checkpoint> checkpoints = log.checkpoints();
        return Verification.of(records, checkpoints, AuditVerifier.verify(records, checkpoints, key));
    }

    public static void write(AuditLog log, PublicKey key, Instant now, Writer out, ObjectMapper json)
            throws IOException {
        ObjectNode header = json.createObjectNode();
        header.put("format", FORMAT);
        header.put("exported", now.toString());
        header.put("publicKey", Base64.getEncoder().encodeToString(key.getEncoded()));
        out.write(json.writeValueAsString(header) + "\n");
        for (AuditRecord r : log.records()) {
            ObjectNode n = json.createObjectNode();
            n.set("record", json.valueToTree(r));
            out.write(json.writeValueAsString(n) + "\n");
        }
        for (Checkpoint c : log.checkpoints()) {
            ObjectNode n = json.createObjectNode();
            n.set("checkpoint", json.valueToTree(c));
            out.write(json.writeValueAsString(n) + "\n");
        }
        out.flush();
    }

    /**
     * Verifies an export: the chain, and every checkpoint's signature against {@code key} when given
     * (an auditor's trusted copy), else against the key in the file's header.
     */
    public static Verification verify(BufferedReader in, PublicKey key, ObjectMapper json)
            throws IOException, GeneralSecurityException {
        String first = in.readLine();
        if (first == null) {
            throw new IOException("empty file: not an audit export");
        }
        JsonNode header = json.readTree(first);
        if (!FORMAT.equals(header.path("format").asText())) {
            throw new IOException("line 1: not a " + FORMAT + " header");
        }
        PublicKey k =
                key != null ? key : AuditKeys.publicKey(header.path("publicKey").asText());
        List<AuditRecord> records = new ArrayList<>();
        List<Checkpoint> checkpoints = new ArrayList<>();
        String line;
        int n = 1;
        while ((line = in.readLine()) != null) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = json.readTree(line);
            if (node.has("record")) {
                JsonNode r = node.get("record");
                Map<String, String> details = new TreeMap<>();
                r.path("details")
                        .properties()
                        .forEach(e -> details.put(e.getKey(), e.getValue().asText()));
                records.add(new AuditRecord(
                        r.path("seq").asLong(),
                        Instant.parse(r.path("time").asText()),
                        r.path("actor").asText(),
                        r.path("action").asText(),
                        r.path("subject").asText(),
                        details,
                        r.path("prevHash").asText(),
                        r.path("hash").asText()));
            } else if (node.has("checkpoint")) {
                JsonNode c = node.get("checkpoint");
                checkpoints.add(new Checkpoint(
                        c.path("seq").asLong(),
                        c.path("hash").asText(),
                        Instant.parse(c.path("time").asText()),
                        c.path("signature").asText()));
            } else {
                throw new IOException("line " + n + ": neither a record nor a checkpoint");
            }
        }
        return Verification.of(records, checkpoints, AuditVerifier.verify(records, checkpoints, k));
    }
}
