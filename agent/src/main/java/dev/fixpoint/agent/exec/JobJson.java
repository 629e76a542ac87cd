package dev.fixpoint.agent.exec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fixpoint.agent.exec.JobRejectedException.Reason;
import dev.fixpoint.core.job.HealthCheck;
import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageTarget;
import dev.fixpoint.core.job.SignedJob;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A signed job on the wire (docs/jobs.md), strictly: every field present, of its type, once; no field
 * the agent does not know (it would not be covered by the signature, so it could not be trusted to
 * mean anything).
 *
 * <pre>
 * { "id": "…", "hostId": "…", "type": "INSTALL",
 *   "packages": [ { "name": "openssl", "version": "3.0.13-1~deb12u1", "arch": "amd64" } ],
 *   "notBefore": "2026-11-29T05:00:00Z", "expires": "2026-11-29T07:00:00Z",
 *   "nonce": "…", "healthChecks": [ { "kind": "TCP_PORT", "target": "443" } ],
 *   "signature": "base64" }
 * </pre>
 *
 * <p>{@code healthChecks} is always present (an empty list when the job has none); each element is
 * exactly {@code {kind, target}}.
 */
public final class JobJson {
    private JobJson() {}

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final Set<String> JOB_FIELDS =
            Set.of("id", "hostId", "type", "packages", "notBefore", "expires", "nonce", "healthChecks", "signature");
    private static final Set<String> PACKAGE_FIELDS = Set.of("name", "version", "arch");
    private static final Set<String> HEALTH_CHECK_FIELDS = Set.of("kind", "target");

    /** Parses one signed job from its JSON text. */
    public static SignedJob parse(byte[] json) throws JobRejectedException {
        try {
            return parse(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw malformed(null, "not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw malformed(null, e.getMessage());
        }
    }

    /** Parses one signed job from a parsed JSON value (an element of a check-in answer's {@code jobs}). */
    public static SignedJob parse(JsonNode node) throws JobRejectedException {
        if (node == null || !node.isObject()) {
            throw malformed(null, "a job must be a JSON object");
        }
        String claimedId = node.path("id").isTextual() ? node.get("id").asText() : null;
        fields(node, JOB_FIELDS, claimedId, "job");
        String typeName = text(node, "type", claimedId);
        JobType type;
        try {
            type = JobType.valueOf(typeName);
        } catch (IllegalArgumentException e) {
            throw malformed(claimedId, "unknown job type \"" + printable(typeName) + "\"");
        }
        JsonNode pkgs = node.get("packages");
        if (!pkgs.isArray()) {
            throw malformed(claimedId, "\"packages\" must be an array");
        }
        if (pkgs.size() > Job.MAX_PACKAGES) {
            throw malformed(claimedId, "more than " + Job.MAX_PACKAGES + " packages");
        }
        List<PackageTarget> targets = new ArrayList<>(pkgs.size());
        for (JsonNode p : pkgs) {
            if (!p.isObject()) {
                throw malformed(claimedId, "each package must be an object");
            }
            fields(p, PACKAGE_FIELDS, claimedId, "package");
            targets.add(new PackageTarget(
                    text(p, "name", claimedId), text(p, "version", claimedId), text(p, "arch", claimedId)));
        }
        List<HealthCheck> checks = healthChecks(node.get("healthChecks"), claimedId);
        try {
            Job job = new Job(
                    text(node, "id", claimedId),
                    text(node, "hostId", claimedId),
                    type,
                    targets,
                    instant(node, "notBefore", claimedId),
                    instant(node, "expires", claimedId),
                    text(node, "nonce", claimedId),
                    checks);
            return new SignedJob(job, text(node, "signature", claimedId));
        } catch (IllegalArgumentException e) {
            throw malformed(claimedId, e.getMessage());
        }
    }

    /** The wire form of a signed job, as the server will send it. */
    public static ObjectNode toJson(SignedJob s) {
        Job j = s.job();
        ObjectNode o = JSON.createObjectNode();
        o.put("id", j.id());
        o.put("hostId", j.hostId());
        o.put("type", j.type().name());
        ArrayNode pkgs = o.putArray("packages");
        for (PackageTarget p : j.packages()) {
            pkgs.addObject().put("name", p.name()).put("version", p.version()).put("arch", p.arch());
        }
        o.put("notBefore", j.notBefore().toString());
        o.put("expires", j.expires().toString());
        o.put("nonce", j.nonce());
        ArrayNode checks = o.putArray("healthChecks");
        for (HealthCheck c : j.healthChecks()) {
            checks.addObject().put("kind", c.kind().name()).put("target", c.target());
        }
        o.put("signature", s.signature());
        return o;
    }

    public static byte[] toBytes(SignedJob s) {
        try {
            return JSON.writeValueAsBytes(toJson(s));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<HealthCheck> healthChecks(JsonNode checks, String id) throws JobRejectedException {
        if (!checks.isArray()) {
            throw malformed(id, "\"healthChecks\" must be an array");
        }
        if (checks.size() > HealthCheck.MAX_PER_JOB) {
            throw malformed(id, "more than " + HealthCheck.MAX_PER_JOB + " health checks");
        }
        List<HealthCheck> out = new ArrayList<>(checks.size());
        for (JsonNode c : checks) {
            if (!c.isObject()) {
                throw malformed(id, "each health check must be an object");
            }
            fields(c, HEALTH_CHECK_FIELDS, id, "health check");
            String kindName = text(c, "kind", id);
            HealthCheck.Kind kind;
            try {
                kind = HealthCheck.Kind.valueOf(kindName);
            } catch (IllegalArgumentException e) {
                throw malformed(id, "unknown health check kind \"" + printable(kindName) + "\"");
            }
            try {
                out.add(new HealthCheck(kind, text(c, "target", id)));
            } catch (IllegalArgumentException e) {
                throw malformed(id, e.getMessage());
            }
        }
        return out;
    }

    private static void fields(JsonNode node, Set<String> expected, String id, String what)
            throws JobRejectedException {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!expected.contains(f)) {
                throw malformed(id, "unknown " + what + " field \"" + printable(f) + "\"");
            }
        }
        for (String f : expected) {
            if (!node.has(f) || node.get(f).isNull()) {
                throw malformed(id, what + " field \"" + f + "\" is missing");
            }
        }
    }

    private static String text(JsonNode node, String field, String id) throws JobRejectedException {
        JsonNode v = node.get(field);
        if (!v.isTextual()) {
            throw malformed(id, "\"" + field + "\" must be a string");
        }
        return v.asText();
    }

    private static Instant instant(JsonNode node, String field, String id) throws JobRejectedException {
        String s = text(node, field, id);
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw malformed(id, "\"" + field + "\" is not an ISO-8601 instant: \"" + printable(s) + "\"");
        }
    }

    private static JobRejectedException malformed(String id, String why) {
        String shown = id == null ? null : printable(id);
        return new JobRejectedException(
                Reason.MALFORMED, shown, "job" + (shown == null ? "" : " " + shown) + " refused: malformed: " + why);
    }

    /** Control characters replaced and cut at 100 characters: the text came from the network. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ? '?' : c);
        }
        return s.length() > 100 ? b.append('…').toString() : b.toString();
    }
}
