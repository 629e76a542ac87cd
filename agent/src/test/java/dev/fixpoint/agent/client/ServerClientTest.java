package dev.fixpoint.agent.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.agent.testing.FakeServer;
import dev.fixpoint.agent.testing.FakeServer.Answer;
import dev.fixpoint.agent.testing.TestCertificates;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real HTTPS server on a loopback socket. */
class ServerClientTest {

    @TempDir
    static Path certs;

    /** Names a host that is not 127.0.0.1: the pin must not care. */
    static TestCertificates.Cert otherName;
    /** Valid for 127.0.0.1, as a CA-issued certificate would be. */
    static TestCertificates.Cert loopback;

    FakeServer server;

    @BeforeAll
    static void certificates() throws Exception {
        otherName = TestCertificates.generate(certs, "fixpoint.example.org", null);
        loopback = TestCertificates.generate(certs, "localhost", "dns:localhost,ip:127.0.0.1");
    }

    @BeforeEach
    void start() throws Exception {
        server = FakeServer.start(otherName, 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ServerClient pinned() {
        return ServerClient.pinned(server.url(), Fingerprint.parse(otherName.sha256()))
                .withCredential(FakeServer.CREDENTIAL);
    }

    private static byte[] checkin(String hash) {
        return ("{\"inventoryHash\":\"" + hash + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void thePinnedCertificateIsAcceptedWhateverHostItNames() throws Exception {
        Protocol.EnrollResponse r = ServerClient.pinned(server.url(), Fingerprint.parse(otherName.sha256()))
                .enroll(new Protocol.EnrollRequest(FakeServer.TOKEN, "web-1", "", "test"));
        assertThat(r.credential()).isEqualTo(FakeServer.CREDENTIAL);
        assertThat(server.requests()).singleElement().satisfies(req -> {
            assertThat(req.json().path("hostname").asText()).isEqualTo("web-1");
            assertThat(req.authorization()).isNull();
        });
    }

    @Test
    void anyOtherCertificateIsRefusedNamingBothFingerprints() {
        Fingerprint wrong = Fingerprint.parse(loopback.sha256());
        ServerClient client = ServerClient.pinned(server.url(), wrong);
        assertThatThrownBy(() -> client.enroll(new Protocol.EnrollRequest(FakeServer.TOKEN, "h", "", "test")))
                .isInstanceOfSatisfying(
                        ServerException.class, e -> assertThat(e.kind()).isEqualTo(ServerException.Kind.UNTRUSTED))
                .hasMessageContaining("the server's certificate has SHA-256 "
                        + Fingerprint.parse(otherName.sha256()).display())
                .hasMessageContaining("not the pinned " + wrong.display());
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void firstUseTrustsWhatTheTrustStoreTrustsAndRemembersIt() throws Exception {
        try (FakeServer ca = FakeServer.start(loopback, 0)) {
            ServerClient client = ServerClient.firstUse(ca.url(), loopback.trustStore());
            assertThat(client.seenFingerprint()).isEmpty();
            client.enroll(new Protocol.EnrollRequest(FakeServer.TOKEN, "web-1", "", "test"));
            assertThat(client.seenFingerprint()).contains(Fingerprint.parse(loopback.sha256()));
        }
    }

    @Test
    void firstUseKeepsTheJdkRulesCaTrustAndHostName() throws Exception {
        // The default trust store does not know a self-signed certificate.
        ServerClient dflt = ServerClient.firstUse(server.url(), null);
        assertThatThrownBy(() -> dflt.enroll(new Protocol.EnrollRequest(FakeServer.TOKEN, "h", "", "t")))
                .isInstanceOfSatisfying(
                        ServerException.class, e -> assertThat(e.kind()).isEqualTo(ServerException.Kind.UNTRUSTED))
                .hasMessageContaining("--fingerprint");
        // Trusted, but issued for another host name.
        ServerClient wrongHost = ServerClient.firstUse(server.url(), otherName.trustStore());
        assertThatThrownBy(() -> wrongHost.enroll(new Protocol.EnrollRequest(FakeServer.TOKEN, "h", "", "t")))
                .isInstanceOfSatisfying(
                        ServerException.class, e -> assertThat(e.kind()).isEqualTo(ServerException.Kind.UNTRUSTED));
        assertThat(wrongHost.seenFingerprint()).isEmpty();
    }

    @Test
    void aHugeResponseIsRefusedUnread() {
        server.script(new Answer(200, Map.of(), new byte[ServerClient.MAX_RESPONSE_BYTES + 10]));
        assertThatThrownBy(() -> pinned().checkin(checkin("ab")))
                .isInstanceOfSatisfying(
                        ServerException.class, e -> assertThat(e.kind()).isEqualTo(ServerException.Kind.BAD_RESPONSE))
                .hasMessageContaining("larger than 1048576 bytes");
    }

    @Test
    void malformedOrIncompleteJsonIsABadResponse() {
        server.script(
                Answer.of(200, "{\"inventoryWanted\": tru"),
                Answer.of(200, "{\"nextCheckinSeconds\": 300}"),
                Answer.of(200, "[1,2]"),
                Answer.of(200, "null"));
        assertThatThrownBy(() -> pinned().checkin(checkin("ab")))
                .hasMessageContaining("check-in response (HTTP 200) is not the expected JSON");
        assertThatThrownBy(() -> pinned().checkin(checkin("ab")))
                .hasMessageContaining("does not follow the protocol: missing inventoryWanted");
        assertThatThrownBy(() -> pinned().checkin(checkin("ab"))).hasMessageContaining("not the expected JSON");
        assertThatThrownBy(() -> pinned().checkin(checkin("ab"))).hasMessageContaining("not the expected JSON");
    }

    @Test
    void retryAfterInSecondsOrAsADateIsRead() {
        server.script(Answer.withHeader(429, "Retry-After", "120"), Answer.withHeader(503, "Retry-After", "soon"));
        assertThatThrownBy(() -> pinned().checkin(checkin("ab"))).isInstanceOfSatisfying(ServerException.class, e -> {
            assertThat(e.kind()).isEqualTo(ServerException.Kind.THROTTLED);
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(120));
            assertThat(e.retryable()).isTrue();
        });
        assertThatThrownBy(() -> pinned().checkin(checkin("ab"))).isInstanceOfSatisfying(ServerException.class, e -> {
            assertThat(e.kind()).isEqualTo(ServerException.Kind.SERVER_ERROR);
            assertThat(e.retryAfter()).isEmpty();
        });

        ServerClient c = pinned().withClock(Clock.fixed(Instant.parse("2026-11-29T05:00:00Z"), ZoneOffset.UTC));
        assertThat(c.retryAfter("Sun, 29 Nov 2026 05:01:30 GMT")).contains(Duration.ofSeconds(90));
        assertThat(c.retryAfter("Sun, 29 Nov 2026 04:00:00 GMT")).contains(Duration.ZERO);
        assertThat(c.retryAfter("99999999")).contains(ServerClient.MAX_RETRY_AFTER);
    }

    @Test
    void unauthorizedIsTerminalAndTheProblemIsShownSafely() {
        server.script(new Answer(
                401,
                Map.of("Content-Type", "application/problem+json"),
                "{\"title\":\"Unauthorized\",\"detail\":\"revoked\\u001b[31m\"}".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> pinned().checkin(checkin("ab")))
                .isInstanceOfSatisfying(ServerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ServerException.Kind.UNAUTHORIZED);
                    assertThat(e.retryable()).isFalse();
                })
                .hasMessageContaining("HTTP 401: Unauthorized: revoked?[31m")
                .hasMessageNotContaining("\u001b");
    }

    @Test
    void aClosedPortIsUnreachable() {
        int port = server.port();
        server.close();
        ServerClient c =
                ServerClient.pinned(URI.create("https://127.0.0.1:" + port), Fingerprint.parse(otherName.sha256()));
        assertThatThrownBy(() -> c.checkin(checkin("ab")))
                .isInstanceOfSatisfying(
                        ServerException.class, e -> assertThat(e.kind()).isEqualTo(ServerException.Kind.UNREACHABLE))
                .hasMessageStartingWith("cannot reach https://127.0.0.1:" + port + "/api/v1/agent/checkin");
    }

    @Test
    void serverUrlsAreCheckedAndNormalised() {
        assertThat(ServerClient.serverUrl("https://fp.example:8443/base/")).hasToString("https://fp.example:8443/base");
        assertThatThrownBy(() -> ServerClient.serverUrl("http://fp.example")).hasMessageContaining("not an https URL");
        assertThatThrownBy(() -> ServerClient.serverUrl("https://")).hasMessageContaining("not a URL");
        assertThatThrownBy(() -> ServerClient.serverUrl("fp.example:8443")).hasMessageContaining("not an https URL");
        assertThatThrownBy(() -> ServerClient.serverUrl("https://fp.example/?x=1"))
                .hasMessageContaining("no user, query");
    }

    @Test
    void checkInAnswersCarryJobsAsAListOrNone() throws Exception {
        assertThat(pinned().checkin(checkin("h")).jobList()).isEmpty(); // absent
        server.script(Answer.of(200, "{\"inventoryWanted\":false,\"nextCheckinSeconds\":300,\"jobs\":null}"));
        assertThat(pinned().checkin(checkin("h")).jobList()).isEmpty();
        server.script(
                Answer.of(200, "{\"inventoryWanted\":false,\"nextCheckinSeconds\":300,\"jobs\":[{\"id\":\"a\"},7]}"));
        assertThat(pinned().checkin(checkin("h")).jobList()).hasSize(2); // each judged on its own later
        for (String bad : new String[] {
            "{\"inventoryWanted\":false,\"nextCheckinSeconds\":300,\"jobs\":{\"id\":\"a\"}}",
            // a key given twice inside a job would otherwise silently mean its last value
            "{\"inventoryWanted\":false,\"nextCheckinSeconds\":300,\"jobs\":[{\"id\":\"a\",\"id\":\"b\"}]}"
        }) {
            server.script(Answer.of(200, bad));
            assertThatThrownBy(() -> pinned().checkin(checkin("h")))
                    .isInstanceOfSatisfying(ServerException.class, e -> assertThat(e.kind())
                            .isEqualTo(ServerException.Kind.BAD_RESPONSE));
        }
    }

    @Test
    void resultsGoToTheJobsResultPathAndNeedAnAnswer() throws Exception {
        server.queueJson("job-1", "{}");
        Protocol.JobResultResponse r =
                pinned().jobResult("job-1", "{\"jobId\":\"job-1\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(r.accepted()).isTrue();
        assertThat(server.requests()).singleElement().satisfies(req -> {
            assertThat(req.method()).isEqualTo("POST");
            assertThat(req.path()).isEqualTo("/api/v1/agent/jobs/job-1/result");
            assertThat(req.authorization()).isEqualTo("Bearer " + FakeServer.CREDENTIAL);
        });
        assertThatThrownBy(() -> pinned().jobResult("job-2", "{\"jobId\":\"job-2\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(
                        ServerException.class, e -> assertThat(e.kind()).isEqualTo(ServerException.Kind.REJECTED))
                .hasMessageContaining("HTTP 404");
        server.script(Answer.of(200, "{}"));
        assertThatThrownBy(() -> pinned().jobResult("job-1", "{}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("missing accepted");
        assertThatThrownBy(() -> pinned().jobResult("../../enroll", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
