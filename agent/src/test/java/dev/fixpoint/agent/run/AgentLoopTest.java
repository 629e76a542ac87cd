package dev.fixpoint.agent.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fixpoint.agent.client.Fingerprint;
import dev.fixpoint.agent.client.ServerClient;
import dev.fixpoint.agent.collect.CollectException;
import dev.fixpoint.agent.collect.RootCollector;
import dev.fixpoint.agent.exec.AptExecutor;
import dev.fixpoint.agent.exec.HealthChecker;
import dev.fixpoint.agent.exec.JobJson;
import dev.fixpoint.agent.exec.JobVerifier;
import dev.fixpoint.agent.exec.PackageExecutor;
import dev.fixpoint.agent.exec.SeenJobs;
import dev.fixpoint.agent.testing.FakeRoot;
import dev.fixpoint.agent.testing.FakeServer;
import dev.fixpoint.agent.testing.FakeServer.Answer;
import dev.fixpoint.agent.testing.TestCertificates;
import dev.fixpoint.core.inventory.PendingUpdate;
import dev.fixpoint.core.job.HealthCheck;
import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.PackageTarget;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check-in loop against a real HTTPS server, with a clock that moves only when the loop sleeps; jobs
 * run through the real verifier, the real apt executor (driving a stand-in apt-get that changes the fake
 * root's dpkg status, as the real one would) and real health checks.
 */
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

    // ---- jobs ----

    /** FakeTime's wall clock. */
    static final Instant NOW = Instant.parse("2026-11-29T05:00:00Z");

    static final PackageTarget V11 = new PackageTarget("fixpoint-testpkg", "1.1", "all");

    /**
     * A stand-in apt-get (an external program, like AptExecutorTest's): counts its runs and installs
     * fixpoint-testpkg 1.1 into the fake root's dpkg status, as the real one would.
     */
    private Path fakeAptGet() throws Exception {
        Path script = tmp.resolve("apt-get");
        Files.writeString(
                script,
                "#!/bin/sh\n"
                        + "echo run >> '" + tmp.resolve("apt-runs") + "'\n"
                        + "printf '\\nPackage: fixpoint-testpkg\\nStatus: install ok installed\\nPriority: optional\\n"
                        + "Architecture: all\\nVersion: 1.1\\nDescription: test\\n\\n' >> '"
                        + root.resolve("var/lib/dpkg/status") + "'\n"
                        + "echo 'Setting up fixpoint-testpkg (1.1) ...'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private int aptRuns() throws Exception {
        Path f = tmp.resolve("apt-runs");
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    private Map<PackageFamily, PackageExecutor> apt() throws Exception {
        return Map.of(
                PackageFamily.DPKG,
                new AptExecutor(new AptExecutor.Config(
                        fakeAptGet().toString(),
                        root.resolve("var/lib/dpkg/status"),
                        List.of(),
                        List.of(),
                        0,
                        List.of(),
                        Duration.ofSeconds(20))));
    }

    private JobRunner.Settings settings(Map<PackageFamily, PackageExecutor> executors, HealthChecker.Config health)
            throws Exception {
        return new JobRunner.Settings(
                server.jobKey().getPublic(),
                FakeServer.HOST_ID,
                SeenJobs.open(tmp.resolve("state"), 100),
                executors,
                new HealthChecker(health),
                List.of("/bin/true"),
                Duration.ofSeconds(10),
                JobVerifier.DEFAULT_SKEW,
                null);
    }

    private static HealthChecker.Config quickHealth() {
        return HealthChecker.Config.defaults()
                .withSettle(Duration.ZERO, Duration.ofMillis(10))
                .withTimeout(Duration.ofSeconds(5))
                .withCommands(Map.of("ok", List.of("/bin/true"), "broken", List.of("/bin/false")));
    }

    private AgentLoop jobLoop(FakeTime time, JobRunner.Settings settings) {
        return jobLoop(time, FakeTime.extreme(false), settings);
    }

    private AgentLoop jobLoop(FakeTime time, RandomGenerator random, JobRunner.Settings settings) {
        Timing timing = time.timing(random);
        ServerClient client = ServerClient.pinned(server.url(), Fingerprint.parse(cert.sha256()))
                .withCredential(FakeServer.CREDENTIAL)
                .withClock(timing.wall());
        PrintWriter w = new PrintWriter(log, true);
        Reporter reporter = new Reporter(root, RootCollector.create(), null, timing.wall(), w);
        JobRunner runner = new JobRunner(settings, spool, w, timing.wall(), reporter::bootId);
        return new AgentLoop(client, spool, reporter, timing, w, Duration.ofMinutes(5), runner);
    }

    private static Job job(JobType type, List<HealthCheck> checks, PackageTarget... targets) {
        return new Job(
                UUID.randomUUID().toString(),
                FakeServer.HOST_ID,
                type,
                List.of(targets),
                NOW.minusSeconds(60),
                NOW.plusSeconds(3600),
                UUID.randomUUID().toString().replace("-", ""),
                checks);
    }

    private List<String> paths() {
        return server.requests().stream()
                .map(r -> r.path().replaceFirst("/jobs/[^/]+/", "/jobs/ID/"))
                .toList();
    }

    @Test
    void jobsAreVerifiedRunAndReportedThenTheAgentChecksInAgainAtOnce() throws Exception {
        FakeRoot.write(root, "proc/sys/kernel/random/boot_id", "0b5e2b8e-5f5d-4c1e-9c63-3a1c2f1e0d9a\n");
        try (ServerSocket service = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            String port = String.valueOf(service.getLocalPort());
            Job install = job(JobType.INSTALL, List.of(new HealthCheck(HealthCheck.Kind.TCP_PORT, port)), V11);
            server.queue(install);
            AgentLoop loop = jobLoop(new FakeTime(1), settings(apt(), quickHealth()));

            assertThat(loop.once()).as(log.toString()).isEqualTo(AgentLoop.Outcome.DELIVERED);

            assertThat(aptRuns()).isEqualTo(1);
            // The result goes first; then, the packages having changed, a new check-in and the inventory the
            // server wants for its new hash, at once.
            assertThat(paths())
                    .containsExactly(
                            "/api/v1/agent/checkin",
                            "/api/v1/agent/inventory",
                            "/api/v1/agent/jobs/ID/result",
                            "/api/v1/agent/checkin",
                            "/api/v1/agent/inventory");
            assertThat(server.requests("/result").get(0).path())
                    .isEqualTo("/api/v1/agent/jobs/" + install.id() + "/result");
            assertThat(server.requests("/result").get(0).authorization()).isEqualTo("Bearer " + FakeServer.CREDENTIAL);
            JsonNode r = server.results().get(install.id());
            assertThat(r.path("jobId").asText()).isEqualTo(install.id());
            assertThat(r.path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(r.path("before").toString())
                    .isEqualTo("[{\"name\":\"fixpoint-testpkg\",\"arch\":\"all\",\"version\":null,"
                            + "\"status\":\"not-installed\"}]");
            assertThat(r.path("after").toString())
                    .isEqualTo("[{\"name\":\"fixpoint-testpkg\",\"arch\":\"all\",\"version\":\"1.1\","
                            + "\"status\":\"installed\"}]");
            assertThat(r.path("exitCode").asInt()).isZero();
            assertThat(r.path("output").asText()).contains("Setting up fixpoint-testpkg (1.1)");
            assertThat(r.path("durationMillis").isIntegralNumber()).isTrue();
            assertThat(r.path("detail").asText()).isEqualTo("every package is at its target version");
            assertThat(r.path("health").toString())
                    .isEqualTo("[{\"kind\":\"TCP_PORT\",\"target\":\"" + port + "\",\"ok\":true,"
                            + "\"detail\":\"connected to 127.0.0.1:" + port + "\"}]");
            assertThat(r.path("finishedAt").asText()).isEqualTo("2026-11-29T05:00:00Z");
            assertThat(r.path("bootId").asText()).isEqualTo("0b5e2b8e-5f5d-4c1e-9c63-3a1c2f1e0d9a");
            assertThat(fieldNames(r))
                    .containsExactly(
                            "jobId",
                            "status",
                            "before",
                            "after",
                            "exitCode",
                            "output",
                            "durationMillis",
                            "detail",
                            "health",
                            "finishedAt",
                            "bootId");
            // The check-ins carry the boot id; the second one the new inventory (one package more).
            assertThat(server.requests("/checkin").get(0).json().path("bootId").asText())
                    .isEqualTo("0b5e2b8e-5f5d-4c1e-9c63-3a1c2f1e0d9a");
            assertThat(server.requests("/inventory")
                            .get(1)
                            .json()
                            .path("packages")
                            .size())
                    .isEqualTo(server.requests("/inventory")
                                    .get(0)
                                    .json()
                                    .path("packages")
                                    .size()
                            + 1);
            assertThat(spool.entries()).isEmpty();
            assertThat(tmp.resolve("state/spool")).isDirectoryNotContaining("glob:**running-*");
            assertThat(log.toString())
                    .contains("job " + install.id() + ": INSTALL fixpoint-testpkg:all=1.1")
                    .contains("job " + install.id() + ": SUCCEEDED")
                    .contains("the packages changed: collecting and checking in again now")
                    .contains("job " + install.id() + ": result delivered");
        }
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void aFailingHealthCheckMakesTheInstallUnhealthy() throws Exception {
        Job install = job(JobType.INSTALL, List.of(new HealthCheck(HealthCheck.Kind.COMMAND, "broken")), V11);
        server.queue(install);
        jobLoop(new FakeTime(1), settings(apt(), quickHealth())).once();
        JsonNode r = server.results().get(install.id());
        assertThat(r.path("status").asText()).isEqualTo("UNHEALTHY");
        assertThat(r.path("after").get(0).path("version").asText()).isEqualTo("1.1");
        assertThat(r.path("health").get(0).path("ok").asBoolean()).isFalse();
        assertThat(r.path("health").get(0).path("detail").asText()).isEqualTo("exit 1");
        assertThat(r.path("detail").asText()).contains("health check failed: COMMAND broken (exit 1)");
    }

    @Test
    void aReplayedJobIsNotRunTwice() throws Exception {
        Job install = job(JobType.INSTALL, List.of(), V11);
        String json = new String(JobJson.toBytes(server.sign(install)), StandardCharsets.UTF_8);
        server.queueJson(install.id(), json);
        // The same job twice in one answer, and again in a later answer (a server that resends it).
        String twice = "{\"inventoryWanted\":false,\"nextCheckinSeconds\":300,\"jobs\":[" + json + "," + json + "]}";
        server.scriptFor("/checkin", Answer.of(200, twice));
        JobRunner.Settings settings = settings(apt(), quickHealth());
        jobLoop(new FakeTime(1), settings).once();
        assertThat(aptRuns()).isEqualTo(1);
        assertThat(server.requests("/result")).hasSize(1);

        server.scriptFor(
                "/checkin",
                Answer.of(200, "{\"inventoryWanted\":false,\"nextCheckinSeconds\":300,\"jobs\":[" + json + "]}"));
        // A restarted agent (a new replay store read from disk) still skips it, silently: no second result.
        jobLoop(new FakeTime(1), settings(apt(), quickHealth())).once();
        assertThat(aptRuns()).isEqualTo(1);
        assertThat(server.requests("/result")).hasSize(1);
        assertThat(log.toString()).doesNotContain("refused");
    }

    @Test
    void aPreflightJobIsCheckedAndReportedAndChangesNothing() throws Exception {
        Path aptCache = tmp.resolve("apt-cache");
        Files.writeString(
                aptCache,
                "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + tmp.resolve("apt-cache.argv") + "'\n"
                        + "printf 'Package: fixpoint-testpkg\\nVersion: 1.1\\nArchitecture: all\\n"
                        + "Filename: ./fixpoint-testpkg_1.1_all.deb\\n\\n'\n");
        Files.setPosixFilePermissions(aptCache, PosixFilePermissions.fromString("rwx------"));
        Path status = root.resolve("var/lib/dpkg/status");
        String statusBefore = Files.readString(status);
        Map<PackageFamily, PackageExecutor> executors = Map.of(
                PackageFamily.DPKG,
                new AptExecutor(
                        new AptExecutor.Config(
                                fakeAptGet().toString(),
                                status,
                                List.of(),
                                List.of(),
                                0,
                                List.of(),
                                Duration.ofSeconds(20)),
                        aptCache.toString(),
                        root));
        Job preflight = job(JobType.PREFLIGHT, List.of(), V11);
        server.queue(preflight);

        assertThat(jobLoop(new FakeTime(1), settings(executors, quickHealth())).once())
                .as(log.toString())
                .isEqualTo(AgentLoop.Outcome.DELIVERED);

        assertThat(Files.readAllLines(tmp.resolve("apt-cache.argv")))
                .containsExactly("show", "--", "fixpoint-testpkg=1.1");
        assertThat(aptRuns()).isZero();
        assertThat(Files.readString(status)).isEqualTo(statusBefore);
        // Nothing changed, so no second check-in at once.
        assertThat(paths())
                .containsExactly("/api/v1/agent/checkin", "/api/v1/agent/inventory", "/api/v1/agent/jobs/ID/result");
        JsonNode r = server.results().get(preflight.id());
        assertThat(r.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(r.path("detail").asText()).isEqualTo("every listed version is obtainable");
        assertThat(r.path("exitCode").asInt()).isEqualTo(JobResult.NOT_RUN);
        String absent =
                "[{\"name\":\"fixpoint-testpkg\",\"arch\":\"all\",\"version\":null," + "\"status\":\"not-installed\"}]";
        assertThat(r.path("before").toString()).isEqualTo(absent);
        assertThat(r.path("after").toString()).isEqualTo(absent);
        assertThat(r.path("health").toString()).isEqualTo("[]");
        assertThat(spool.entries()).isEmpty();
    }

    @Test
    void aTamperedJobIsRejectedAndNotRun() throws Exception {
        Job install = job(JobType.INSTALL, List.of(), V11);
        String tampered =
                new String(JobJson.toBytes(server.sign(install)), StandardCharsets.UTF_8).replace("\"1.1\"", "\"1.0\"");
        server.queueJson(install.id(), tampered);
        Job other = new Job(
                "other-host-job",
                "some-other-host",
                JobType.REBOOT,
                List.of(),
                NOW.minusSeconds(60),
                NOW.plusSeconds(60),
                "0123456789abcdef0123");
        server.queue(other);
        // Not a job at all, with no usable id: logged, nothing to report it under.
        server.queueJson("x", "{\"id\":\"../../etc/passwd\",\"type\":\"SHELL\"}");

        jobLoop(new FakeTime(1), settings(apt(), quickHealth())).once();

        assertThat(aptRuns()).isZero();
        JsonNode r = server.results().get(install.id());
        assertThat(r.path("status").asText()).isEqualTo("REJECTED");
        assertThat(r.path("detail").asText())
                .isEqualTo("job " + install.id() + " refused: its signature is not the server's job key's signature"
                        + " over this job");
        assertThat(r.path("exitCode").asInt()).isEqualTo(-1);
        assertThat(r.path("before").size()).isZero();
        assertThat(server.results().get(other.id()).path("detail").asText())
                .contains("it is for host some-other-host, not this one");
        assertThat(server.results()).hasSize(2);
        assertThat(log.toString()).contains("refused: malformed");
        // Rejected jobs are not remembered as seen: nothing ran.
        assertThat(SeenJobs.open(tmp.resolve("state"), 100).size()).isZero();
    }

    @Test
    void aResultIsKeptAcrossAFailedDeliveryAndARestartAndDeliveredLater() throws Exception {
        Job install = job(JobType.INSTALL, List.of(), V11);
        server.queue(install);
        server.scriptFor("/result", unavailable());
        AgentLoop loop = jobLoop(new FakeTime(1), settings(apt(), quickHealth()));
        assertThat(loop.once()).isEqualTo(AgentLoop.Outcome.RETRY);
        assertThat(loop.lastFailure().orElseThrow().getMessage()).contains("HTTP 503");
        assertThat(spool.entries())
                .extracting(Spool.Entry::kind)
                .containsExactly(Spool.Kind.RESULT, Spool.Kind.CHECKIN);
        assertThat(server.results()).isEmpty();

        // A new agent process: the result waits in the spool and goes first.
        spool = new Spool(tmp.resolve("state/spool"));
        int before = server.requests().size();
        assertThat(jobLoop(new FakeTime(1), settings(apt(), quickHealth())).once())
                .isEqualTo(AgentLoop.Outcome.DELIVERED);
        assertThat(server.requests().get(before).path()).endsWith("/jobs/" + install.id() + "/result");
        assertThat(server.results().get(install.id()).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(aptRuns()).isEqualTo(1);
        assertThat(spool.entries()).isEmpty();
    }

    @Test
    void aResultTheServerDoesNotKnowIsDropped() throws Exception {
        Job install = job(JobType.INSTALL, List.of(), V11);
        server.queue(install);
        server.scriptFor("/result", Answer.of(404, "{\"title\":\"Not Found\",\"detail\":\"no such job\"}"));
        assertThat(jobLoop(new FakeTime(1), settings(apt(), quickHealth())).once())
                .isEqualTo(AgentLoop.Outcome.DELIVERED);
        assertThat(log.toString()).contains("HTTP 404: Not Found: no such job; the result report is dropped");
        assertThat(spool.entries()).isEmpty();
    }

    @Test
    void aRebootIsReportedBeforeTheRebootCommandRuns() throws Exception {
        Path seen = tmp.resolve("spool-at-reboot");
        Path reboot = tmp.resolve("reboot");
        Files.writeString(reboot, "#!/bin/sh\nls '" + tmp.resolve("state/spool") + "' > '" + seen + "'\n");
        Files.setPosixFilePermissions(reboot, PosixFilePermissions.fromString("rwx------"));
        Job rebootJob = job(JobType.REBOOT, List.of());
        Job install = job(JobType.INSTALL, List.of(), V11);
        server.queue(rebootJob, install);
        JobRunner.Settings s = settings(apt(), quickHealth());
        JobRunner.Settings withReboot = new JobRunner.Settings(
                s.jobKey(),
                s.hostId(),
                s.seen(),
                s.executors(),
                s.health(),
                List.of(reboot.toString()),
                s.rebootTimeout(),
                s.skew(),
                null);

        jobLoop(new FakeTime(1), withReboot).once();

        assertThat(server.results().get(rebootJob.id()).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(server.results().get(rebootJob.id()).path("detail").asText())
                .isEqualTo("reboot requested: " + reboot);
        // The command ran after the result was delivered (nothing left in the spool then) …
        assertThat(Files.readString(seen)).doesNotContain("result");
        // … and the job behind the reboot was left for after it: not run, not reported, sent again.
        assertThat(aptRuns()).isZero();
        assertThat(server.results()).doesNotContainKey(install.id());
        assertThat(log.toString()).contains("job " + rebootJob.id() + ": rebooting: " + reboot);
    }

    @Test
    void aRefreshInventoryJobSendsTheInventory() throws Exception {
        assertThat(jobLoop(new FakeTime(1), settings(apt(), quickHealth())).once())
                .isEqualTo(AgentLoop.Outcome.DELIVERED);
        assertThat(server.requests("/inventory")).hasSize(1); // the server has it now
        Job refresh = job(JobType.REFRESH_INVENTORY, List.of());
        server.queue(refresh);
        jobLoop(new FakeTime(1), settings(apt(), quickHealth())).once();
        assertThat(server.requests("/inventory")).hasSize(2);
        JsonNode r = server.results().get(refresh.id());
        assertThat(r.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(r.path("detail").asText()).startsWith("inventory of 88 packages collected and sent (hash ");
    }

    @Test
    void withoutAnExecutorOrAJobKeyNothingRuns() throws Exception {
        Job install = job(JobType.INSTALL, List.of(), V11);
        server.queue(install);
        jobLoop(new FakeTime(1), settings(Map.of(), quickHealth())).once();
        JsonNode r = server.results().get(install.id());
        assertThat(r.path("status").asText()).isEqualTo("NOT_STARTED");
        assertThat(r.path("detail").asText()).isEqualTo("no executor for this package manager yet (DPKG)");

        Job second = job(JobType.INSTALL, List.of(), V11);
        server.queue(second);
        JobRunner.Settings s = settings(apt(), quickHealth());
        JobRunner.Settings noKey = new JobRunner.Settings(
                null,
                s.hostId(),
                s.seen(),
                s.executors(),
                s.health(),
                s.rebootCommand(),
                s.rebootTimeout(),
                s.skew(),
                null);
        jobLoop(new FakeTime(1), noKey).once();
        assertThat(server.results().get(second.id()).path("status").asText()).isEqualTo("REJECTED");
        assertThat(server.results().get(second.id()).path("detail").asText())
                .contains("this agent has no job key: its server sent none at enrollment");
        assertThat(aptRuns()).isZero();
    }

    @Test
    void inTheRunningLoopAnUndeliveredResultBacksOffLikeAnyReport() throws Exception {
        Job install = job(JobType.INSTALL, List.of(), V11);
        server.queue(install);
        server.scriptFor("/result", unavailable(), unavailable());
        FakeTime time = new FakeTime(3);
        AgentLoop loop = jobLoop(time, FakeTime.extreme(true), settings(apt(), quickHealth()));
        assertThatThrownBy(loop::run).isInstanceOf(FakeTime.Stop.class);
        assertThat(time.sleeps.subList(0, 2).stream().map(d -> Math.round(d.toMillis() / 1000.0)))
                .containsExactly(5L, 10L);
        assertThat(server.requests("/result")).hasSize(3);
        assertThat(server.results()).containsKey(install.id());
        assertThat(aptRuns()).isEqualTo(1);
        assertThat(log.toString()).contains("report kept in " + spool.dir());
    }
}
