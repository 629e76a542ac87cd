package dev.fixpoint.agent.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.agent.client.Fingerprint;
import dev.fixpoint.agent.client.ServerClient;
import dev.fixpoint.agent.collect.CollectException;
import dev.fixpoint.agent.collect.RootCollector;
import dev.fixpoint.agent.testing.FakeRoot;
import dev.fixpoint.agent.testing.FakeServer;
import dev.fixpoint.agent.testing.FakeServer.Answer;
import dev.fixpoint.agent.testing.TestCertificates;
import dev.fixpoint.core.inventory.PendingUpdate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check-in loop against a real HTTPS server, with a clock that moves only when the loop sleeps. */
class AgentLoopTest {

    @TempDir
    static Path certs;

    static TestCertificates.Cert cert;

    @TempDir
    Path tmp;

    Path root;
    FakeServer server;
    Spool spool;
    final StringWriter log = new StringWriter();

    @BeforeAll
    static void certificate() throws Exception {
        cert = TestCertificates.generate(certs, "fixpoint-server", null);
    }

    @BeforeEach
    void setUp() throws Exception {
        root = FakeRoot.debian(Files.createDirectory(tmp.resolve("root")));
        server = FakeServer.start(cert, 0);
        spool = new Spool(tmp.resolve("state/spool"));
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private AgentLoop loop(FakeTime time, RandomGenerator random, Reporter.PendingUpdates pending) {
        Timing timing = time.timing(random);
        ServerClient client = ServerClient.pinned(server.url(), Fingerprint.parse(cert.sha256()))
                .withCredential(FakeServer.CREDENTIAL)
                .withClock(timing.wall());
        PrintWriter w = new PrintWriter(log, true);
        Reporter reporter = new Reporter(root, RootCollector.create(), pending, timing.wall(), w);
        return new AgentLoop(client, spool, reporter, timing, w, Duration.ofMinutes(5));
    }

    private static Answer unavailable() {
        return Answer.of(503, "{\"title\":\"Service Unavailable\"}");
    }

    @Test
    void failuresBackOffExponentiallyUpToTheIntervalThenCheckInsFollowTheServersInterval() {
        server.script(unavailable(), unavailable(), unavailable(), unavailable(), unavailable(), unavailable());
        server.script(unavailable(), unavailable());
        server.nextCheckinSeconds(120);
        FakeTime time = new FakeTime(10);
        AgentLoop loop = loop(time, FakeTime.extreme(true), null);

        assertThatThrownBy(loop::run).isInstanceOf(FakeTime.Stop.class);

        // Eight failures at the top of their full-jitter range: 5 s doubling, capped at the interval.
        assertThat(time.sleeps.subList(0, 8).stream().map(d -> Math.round(d.toMillis() / 1000.0)))
                .containsExactly(5L, 10L, 20L, 40L, 80L, 160L, 300L, 300L);
        // Delivered: the next collection is the server's 120 s + 10 % after the last one, which the
        // back-off already passed, so it happens at once; then the regular interval.
        assertThat(time.sleeps.get(8)).isEqualTo(Duration.ZERO);
        assertThat(time.sleeps.get(9)).isBetween(Duration.ofSeconds(108), Duration.ofSeconds(132));
        assertThat(loop.interval()).isEqualTo(Duration.ofSeconds(120));
        assertThat(server.requests("/inventory")).hasSize(1);
        assertThat(log.toString()).contains("HTTP 503: Service Unavailable").contains("next attempt in 5.0 s");
    }

    @Test
    void retryAfterIsHonoured() {
        server.script(Answer.withHeader(429, "Retry-After", "600"));
        FakeTime time = new FakeTime(1);
        assertThatThrownBy(loop(time, FakeTime.extreme(false), null)::run).isInstanceOf(FakeTime.Stop.class);
        assertThat(time.sleeps).containsExactly(Duration.ofSeconds(600));
    }

    @Test
    void aRefusedCredentialStopsTheLoopWithoutRetrying() throws Exception {
        server.revoke();
        FakeTime time = new FakeTime(100);
        assertThat(loop(time, FakeTime.extreme(false), null).run()).isEqualTo(AgentLoop.Outcome.UNAUTHORIZED);
        assertThat(time.sleeps).isEmpty();
        assertThat(server.requests()).hasSize(1);
        assertThat(log.toString())
                .contains("the server refused this agent's credential")
                .contains("The agent stops; enroll again");
    }

    @Test
    void hostileResponsesAreLoggedAndRetriedWithoutCrashingTheLoop() {
        server.script(
                Answer.of(200, "{\"inventoryWanted\": \"maybe\", \"nextCheckinSeconds\": -1}"),
                new Answer(200, Map.of(), new byte[5 << 20]),
                Answer.of(200, "<html>proxy error</html>"),
                Answer.of(200, "{\"inventoryWanted\": false, \"nextCheckinSeconds\": 0}"));
        FakeTime time = new FakeTime(4);
        AgentLoop loop = loop(time, FakeTime.extreme(false), null);
        assertThatThrownBy(loop::run).isInstanceOf(FakeTime.Stop.class);
        assertThat(log.toString())
                .contains("not the expected JSON")
                .contains("larger than 1048576 bytes")
                .contains("checked in: inventory");
        // A server asking for check-ins every 0 s gets the shortest interval the agent allows.
        assertThat(loop.interval()).isEqualTo(AgentLoop.MIN_INTERVAL);
        assertThat(server.requests("/checkin")).hasSize(4);
    }

    @Test
    void aReportTheServerRejectsIsDroppedNotRetriedForever() throws Exception {
        server.script(Answer.of(400, "{\"title\":\"Bad Request\",\"detail\":\"hostname missing\"}"));
        assertThat(loop(new FakeTime(1), FakeTime.extreme(false), null).once()).isEqualTo(AgentLoop.Outcome.DELIVERED);
        assertThat(log.toString()).contains("HTTP 400: Bad Request: hostname missing; the checkin report is dropped");
        assertThat(spool.entries()).isEmpty();
    }

    @Test
    void pendingUpdatesAreReportedOrMarkedUnknown() throws Exception {
        PendingUpdate openssl = new PendingUpdate(
                "openssl", "amd64", "3.0.11-1~deb12u2", "3.0.13-1~deb12u1", "Debian-Security:12/stable-security", true);
        loop(new FakeTime(1), FakeTime.extreme(false), db -> List.of(openssl)).once();
        var update =
                server.requests("/checkin").get(0).json().path("pendingUpdates").get(0);
        assertThat(update.path("name").asText()).isEqualTo("openssl");
        assertThat(update.path("available").asText()).isEqualTo("3.0.13-1~deb12u1");
        assertThat(update.path("security").asBoolean()).isTrue();

        loop(new FakeTime(1), FakeTime.extreme(false), db -> {
                    throw new CollectException("apt-get -s upgrade failed (exit 100): E: lock");
                })
                .once();
        assertThat(server.requests("/checkin")
                        .get(1)
                        .json()
                        .path("pendingUpdates")
                        .isNull())
                .isTrue();
        assertThat(log.toString()).contains("pending updates unknown this time: apt-get -s upgrade failed");
    }
}
