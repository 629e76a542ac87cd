package dev.fixpoint.agent.client;

import java.util.List;

/**
 * The bodies of agent protocol v1 (docs/agent-protocol.md), field for field. Requests are written as
 * they are; responses are checked by {@code validate()} after parsing, so a server that leaves out a
 * field gets an error naming it instead of a null later on. Unknown response fields are ignored, so a
 * newer server can add some.
 */
public final class Protocol {
    private Protocol() {}

    public static final String ENROLL = "/api/v1/agent/enroll";
    public static final String CHECKIN = "/api/v1/agent/checkin";
    public static final String INVENTORY = "/api/v1/agent/inventory";

    public record EnrollRequest(String token, String hostname, String machineId, String agentVersion) {}

    public record EnrollResponse(String agentId, String hostId, String credential, Integer checkinSeconds) {
        void validate() throws IllegalArgumentException {
            require(agentId, "agentId");
            require(hostId, "hostId");
            require(credential, "credential");
            if (!credential.matches("[\\x21-\\x7e]{1,1024}")) {
                throw new IllegalArgumentException("credential is not a printable token of at most 1024 characters");
            }
        }
    }

    public record Os(String id, String versionId, String prettyName, String ecosystem) {}

    public record Kernel(String running, List<String> installed) {}

    public record Update(
            String name, String arch, String installed, String available, String origin, Boolean security) {}

    /**
     * A check-in. {@code pendingUpdates} is null (sent as JSON {@code null}) when the package manager could
     * not be asked, which is not the same as an empty list (nothing pending).
     */
    public record Checkin(
            String agentTime,
            String hostname,
            Os os,
            Kernel kernel,
            boolean rebootRequired,
            List<String> rebootReasons,
            String inventoryHash,
            int packageCount,
            List<Update> pendingUpdates) {}

    public record CheckinResponse(Boolean inventoryWanted, Integer nextCheckinSeconds, String serverTime) {
        void validate() throws IllegalArgumentException {
            if (inventoryWanted == null) {
                throw new IllegalArgumentException("missing inventoryWanted");
            }
            if (nextCheckinSeconds == null) {
                throw new IllegalArgumentException("missing nextCheckinSeconds");
            }
        }
    }

    public record Package(String name, String version, String arch, String sourceName, String sourceVersion) {}

    public record InventoryUpload(String inventoryHash, String ecosystem, String source, List<Package> packages) {}

    public record InventoryResponse(Integer packages, Integer changed, Integer openFindings) {
        void validate() throws IllegalArgumentException {
            if (packages == null) {
                throw new IllegalArgumentException("missing packages");
            }
        }
    }

    /** An RFC 9457 problem, as far as the agent reads one. */
    record Problem(String type, String title, Integer status, String detail) {}

    private static void require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing " + name);
        }
    }
}
