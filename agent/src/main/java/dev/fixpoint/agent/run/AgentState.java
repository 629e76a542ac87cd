package dev.fixpoint.agent.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fixpoint.agent.client.Fingerprint;
import dev.fixpoint.agent.client.ServerClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;

/**
 * What enrollment leaves in the state directory's {@code agent.json} (mode 0600, directory 0700): the
 * server, its pinned certificate, the agent's and host's ids and the agent's credential.
 *
 * @param server the server's base URL
 * @param fingerprint the pinned certificate's SHA-256, colon-separated
 * @param agentId as the server assigned it
 * @param hostId as the server assigned it
 * @param credential the agent's bearer credential ({@code fpa_…})
 * @param checkinSeconds the check-in interval enrollment gave, until a check-in answer changes it
 * @param hostname the host name {@code enroll --hostname} gave, reported instead of the system's; null
 *     to report the system's
 */
public record AgentState(
        String server,
        String fingerprint,
        String agentId,
        String hostId,
        String credential,
        int checkinSeconds,
        String hostname) {

    public AgentState(
            String server, String fingerprint, String agentId, String hostId, String credential, int checkinSeconds) {
        this(server, fingerprint, agentId, hostId, credential, checkinSeconds, null);
    }

    public static final String FILE = "agent.json";
    public static final Path DEFAULT_DIR = Path.of("/var/lib/fixpoint-agent");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public URI serverUri() {
        return ServerClient.serverUrl(server);
    }

    public Fingerprint pin() {
        return Fingerprint.parse(fingerprint);
    }

    /** Writes {@code dir/agent.json} atomically with mode 0600, creating {@code dir} with mode 0700. */
    public void save(Path dir) throws IOException {
        SecureFiles.directory(dir);
        SecureFiles.write(dir.resolve(FILE), JSON.writeValueAsBytes(this));
    }

    /**
     * Reads {@code dir/agent.json}; empty when there is none.
     *
     * @throws IOException when it cannot be read, or says what is wrong with its content
     */
    public static Optional<AgentState> load(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        AgentState s;
        try {
            s = JSON.readValue(bytes, AgentState.class);
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not a valid agent state file: " + e.getOriginalMessage(), e);
        }
        try {
            if (s == null || s.agentId == null || s.credential == null || s.hostId == null) {
                throw new IllegalArgumentException("agentId, hostId and credential are required");
            }
            s.serverUri();
            s.pin();
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a valid agent state file: " + e.getMessage(), e);
        }
        return Optional.of(s);
    }

    /** Whether others than the owner can read {@code dir/agent.json} (someone changed its mode). */
    public static boolean exposed(Path dir) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir.resolve(FILE));
        return !SecureFiles.FILE_MODE.containsAll(mode);
    }

    @Override
    public String toString() {
        return "AgentState[server=" + server + ", fingerprint=" + fingerprint + ", agentId=" + agentId + ", hostId="
                + hostId + ", credential=***, checkinSeconds=" + checkinSeconds + ", hostname=" + hostname + "]";
    }
}
