package dev.fixpoint.server.agent;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;

/**
 * The agent protocol's messages (docs/agent-protocol.md). Unknown fields are ignored so a newer agent
 * can talk to this server; missing required fields are refused by name.
 */
public final class AgentMessages {
    private AgentMessages() {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EnrollRequest(String token, String hostname, String machineId, String agentVersion) {}

    /** {@code jobKey}: the server's job-signing key as the agent pins it ({@code ed25519 <base64 SPKI>}). */
    public record EnrollResponse(
            String agentId, String hostId, String credential, long checkinSeconds, String jobKey) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Os(String id, String versionId, String prettyName, String ecosystem) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Kernel(String running, List<String> installed) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Pending(
            String name, String arch, String installed, String available, String origin, Boolean security) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CheckinRequest(
            Instant agentTime,
            String hostname,
            Os os,
            Kernel kernel,
            Boolean rebootRequired,
            List<String> rebootReasons,
            String inventoryHash,
            Integer packageCount,
            List<Pending> pendingUpdates,
            String bootId) {}

    /** {@code jobs}: signed jobs in their wire form (docs/jobs.md), empty when there are none. */
    public record CheckinResponse(
            boolean inventoryWanted,
            long nextCheckinSeconds,
            Instant serverTime,
            List<com.fasterxml.jackson.databind.JsonNode> jobs) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Package(String name, String version, String arch, String sourceName, String sourceVersion) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record InventoryRequest(String inventoryHash, String ecosystem, String source, List<Package> packages) {}

    public record InventoryResponse(int packages, int changed, long openFindings) {}
}
