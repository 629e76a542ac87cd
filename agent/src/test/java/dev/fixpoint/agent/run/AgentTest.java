package dev.fixpoint.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fixpoint.agent.client.Fingerprint;
import dev.fixpoint.agent.collect.RootCollector;
import dev.fixpoint.agent.exec.JobJson;
import dev.fixpoint.agent.exec.JobKeyFile;
import dev.fixpoint.agent.testing.FakeRoot;
import dev.fixpoint.agent.testing.FakeServer;
import dev.fixpoint.agent.testing.FakeServer.Answer;
import dev.fixpoint.agent.testing.TestCertificates;
import dev.fixpoint.core.inventory.InventoryHash;
import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageTarget;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** enroll and run --once as the commands do them, against a real HTTPS server and a fake root. */
class AgentTest {

    @TempDir
    static Path certs;

    static TestCertificates.Cert cert;
    static TestCertificates.Cert loopback;

    @TempDir
    Path tmp;

    Path root;
    Path state;
    FakeServer server;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeAll
    static void certificates() throws Exception {
        cert = TestCertificates.generate(certs, "fixpoint-server", null);
        loopback = TestCertificates.generate(certs, "localhost", "ip:127.0.0.1");
    }

    @BeforeEach
    void setUp() throws Exception {
        root = FakeRoot.debian(Files.createDirectory(tmp.resolve("root")));
        state = tmp.resolve("state/fixpoint-agent");
        server = FakeServer.start(cert, 0);
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private int enroll(String token, String fingerprint) {
        return Agent.standard()
                .enroll(
                        new Agent.EnrollOptions(server.url().toString(), token, fingerprint, state, root),
                        new PrintWriter(out, true),
                        new PrintWriter(err, true));
    }

    private int once() {
        return Agent.standard()
                .run(new Agent.RunOptions(state, root, true), new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private int once(Path config) {
        return Agent.standard()
                .run(
                        new Agent.RunOptions(state, root, true, config),
                        new PrintWriter(out, true),
                        new PrintWriter(err, true));
    }

    private int enrollAs(String hostname) {
        return Agent.standard()
                .enroll(
                        new Agent.EnrollOptions(
                                server.url().toString(), FakeServer.TOKEN, cert.sha256(), state, root, hostname),
                        new PrintWriter(out, true),
                        new PrintWriter(err, true));
    }

    @Test
    void enrollingWithAServerThatSendsNoJobKeyRemovesAnOldPinAndSaysSo() throws Exception {
        assertThat(enroll(FakeServer.TOKEN, cert.sha256())).isZero();
        assertThat(state.resolve("job-key.pub")).exists();
        server.withoutJobKey();
        assertThat(enroll(FakeServer.TOKEN, cert.sha256())).as(err.toString()).isZero();
        assertThat(state.resolve("job-key.pub")).doesNotExist();
        assertThat(out.toString())
                .contains("the server sent no job key: this agent will accept no jobs (enroll again once the server"
                        + " signs jobs)");
        assertThat(AgentState.load(state)).isPresent();
    }

    @Test
    void aJobKeyThatIsNotAnEd25519KeyIsAProtocolErrorAndNothingIsStored() throws Exception {
        String ec = java.util.Base64.getEncoder()
                .encodeToString(KeyPairGenerator.getInstance("EC")
                        .generateKeyPair()
                        .getPublic()
                        .getEncoded());
        server.script(Answer.of(
                201,
                "{\"agentId\":\"a\",\"hostId\":\"h\",\"credential\":\"fpa_x\",\"checkinSeconds\":300,"
                        + "\"jobKey\":\"ed25519 " + ec + "\"}"));
        assertThat(enroll(FakeServer.TOKEN, cert.sha256())).isEqualTo(3);
        assertThat(err.toString())
                .contains("the server's enrollment answer has a jobKey that does not hold an Ed25519 public key");
        assertThat(state.resolve("agent.json")).doesNotExist();
        assertThat(state.resolve("job-key.pub")).doesNotExist();
    }

    @Test
    void aGivenHostNameIsReportedAtEnrollmentAndInEveryCheckIn() throws Exception {
        assertThat(enrollAs("web-2.example")).as(err.toString()).isZero();
        assertThat(server.requests("/enroll").get(0).json().path("hostname").asText())
                .isEqualTo("web-2.example");
        assertThat(AgentState.load(state).orElseThrow().hostname()).isEqualTo("web-2.example");
        assertThat(out.toString()).contains("enrolled web-2.example as agent");
        assertThat(once()).as(err.toString()).isZero();
        assertThat(server.requests("/checkin").get(0).json().path("hostname").asText())
                .isEqualTo("web-2.example");

        // Enrolling again without it goes back to the system's name.
        assertThat(enrollAs(null)).isZero();
        assertThat(AgentState.load(state).orElseThrow().hostname()).isNull();
        assertThat(once()).isZero();
        assertThat(server.requests("/checkin").get(1).json().path("hostname").asText())
                .isEqualTo("web-1");
        assertThat(enrollAs("web 2;reboot")).isEqualTo(2);
        assertThat(err.toString()).contains("--hostname \"web 2;reboot\": expected a host name");
    }

    @Test
    void everyCheckInCarriesTheBootId() throws Exception {
        assertThat(enroll(FakeServer.TOKEN, cert.sha256())).isZero();
        assertThat(once()).isZero();
        assertThat(server.requests("/checkin").get(0).json().path("bootId").asText())
                .isEmpty();
        FakeRoot.write(root, "proc/sys/kernel/random/boot_id", "  6f1e3c1e-0a1b-4c2d-8e3f-123456789abc \n");
        assertThat(once()).isZero();
        assertThat(server.requests("/checkin").get(1).json().path("bootId").asText())
                .isEqualTo("6f1e3c1e-0a1b-4c2d-8e3f-123456789abc");
    }

    @Test
    void runCarriesOutSignedJobsWithItsOwnConfiguration() throws Exception {
        assertThat(enroll(FakeServer.TOKEN, cert.sha256())).isZero();
        Path rebooted = tmp.resolve("rebooted");
        Path config = tmp.resolve("agent.conf");
        Files.writeString(
                config, "# test\nreboot.command = /usr/bin/touch " + rebooted + "\nhealth.settle-seconds = 0\n");
        Instant now = Instant.now();
        Job refresh = job(JobType.REFRESH_INVENTORY, now);
        Job install = job(JobType.INSTALL, now, new PackageTarget("fixpoint-testpkg", "1.1", "all"));
        Job reboot = job(JobType.REBOOT, now);
        server.queue(refresh, install, reboot);

        assertThat(once(config)).as(err.toString()).isZero();

        assertThat(server.results().get(refresh.id()).path("status").asText()).isEqualTo("SUCCEEDED");
        // Against another root than / no package job runs: it would change the system the agent runs on.
        JsonNode installed = server.results().get(install.id());
        assertThat(installed.path("status").asText()).isEqualTo("NOT_STARTED");
        assertThat(installed.path("detail").asText())
                .isEqualTo("this agent reports on " + root + ", not on the system it runs on; package jobs run only"
                        + " with --root /");
        assertThat(server.results().get(reboot.id()).path("detail").asText())
                .isEqualTo("reboot requested: /usr/bin/touch " + rebooted);
        assertThat(rebooted).exists();

        // The server resends a job it has the result of (say, it lost it): the agent does not run it again.
        Files.delete(rebooted);
        server.queueJson(reboot.id(), new String(JobJson.toBytes(server.sign(reboot)), StandardCharsets.UTF_8));
        assertThat(once(config)).isZero();
        assertThat(rebooted).doesNotExist();
        assertThat(server.requests("/result")).hasSize(3);
    }

    @Test
    void againstAnotherRootTheDefaultRebootCommandNeverRuns() throws Exception {
        assertThat(enroll(FakeServer.TOKEN, cert.sha256())).isZero();
        Path config = tmp.resolve("agent.conf");
        Files.writeString(config, "health.settle-seconds = 0\n"); // no reboot.command of its own
        Job reboot = job(JobType.REBOOT, Instant.now());
        server.queue(reboot);
        assertThat(once(config)).as(err.toString()).isZero();
        JsonNode r = server.results().get(reboot.id());
        assertThat(r.path("status").asText()).isEqualTo("NOT_STARTED");
        assertThat(r.path("detail").asText())
                .contains("this agent reports on " + root + ", not on the system it runs on")
                .contains("the default would reboot the machine the agent runs on");
    }

    @Test
    void aBadConfigurationFileIsExitTwoNamingFileAndLine() throws Exception {
        assertThat(enroll(FakeServer.TOKEN, cert.sha256())).isZero();
        Path config = tmp.resolve("agent.conf");
        Files.writeString(config, "health.settle-seconds = 5\nreboot.command = reboot\n");
        assertThat(once(config)).isEqualTo(2);
        assertThat(err.toString())
                .contains("configuration " + config + ":2: reboot.command: the program must be an absolute path");
        Files.writeString(config, "");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(once(config)).isEqualTo(2);
        assertThat(err.toString()).contains(config + ": writable by its group and others");
        assertThat(server.requests("/checkin")).isEmpty();
    }

    private static Job job(JobType type, Instant now, PackageTarget... targets) {
        return new Job(
                UUID.randomUUID().toString(),
                FakeServer.HOST_ID,
                type,
                List.of(targets),
                now.minusSeconds(60),
                now.plusSeconds(3600),
                UUID.randomUUID().toString().replace("-", ""));
    }

    @Test
    void enrollmentStoresTheCredentialOwnerOnly() throws Exception {
        assertThat(enroll(FakeServer.TOKEN, cert.sha256().toUpperCase(java.util.Locale.ROOT)))
                .as(err.toString())
                .isZero();
        Path file = state.resolve("agent.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        Path key = state.resolve("job-key.pub");
        try (var files = Files.list(state)) {
            assertThat(files).containsExactlyInAnyOrder(file, key); // no temporary file left behind
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
        assertThat(JobKeyFile.load(state)).contains(server.jobKey().getPublic());
        assertThat(out.toString()).contains("pinned the server's job key in " + key);
        AgentState s = AgentState.load(state).orElseThrow();
        assertThat(s.credential()).isEqualTo(FakeServer.CREDENTIAL);
        assertThat(s.pin()).isEqualTo(Fingerprint.parse(cert.sha256()));
        assertThat(s.server()).isEqualTo(server.url().toString());
        assertThat(s.checkinSeconds()).isEqualTo(300);
        assertThat(s.toString()).doesNotContain(FakeServer.CREDENTIAL);
        assertThat(out.toString()).contains("enrolled web-1 as agent 7d1c0f1e-0000-4000-8000-000000000001");
        FakeServer.Request req = server.requests().get(0);
        assertThat(req.json().path("machineId").asText()).isEqualTo("3f2a6c1d9e8b4a7f8c6d5e4f3a2b1c0d");
        assertThat(req.json().path("token").asText()).isEqualTo(FakeServer.TOKEN);
    }

    @Test
    void enrollmentWithoutAPinPinsWhatItSawAndSaysSo() throws Exception {
        try (FakeServer ca = FakeServer.start(loopback, 0)) {
            int code = Agent.standard()
                    .withFirstUseTrust(loopback.trustStore())
                    .enroll(
                            new Agent.EnrollOptions(ca.url().toString(), FakeServer.TOKEN, null, state, root),
                            new PrintWriter(out, true),
                            new PrintWriter(err, true));
            assertThat(code).as(err.toString()).isZero();
        }
        Fingerprint seen = Fingerprint.parse(loopback.sha256());
        assertThat(out.toString()).contains("pinned the server's certificate on first use: SHA-256 " + seen.display());
        assertThat(AgentState.load(state).orElseThrow().pin()).isEqualTo(seen);
    }

    @Test
    void badInputIsExitTwoAndNamesTheOption() {
        assertThat(Agent.standard()
                        .enroll(
                                new Agent.EnrollOptions("http://x", FakeServer.TOKEN, null, state, root),
                                new PrintWriter(out),
                                new PrintWriter(err, true)))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--server \"http://x\" is not an https URL");
        assertThat(enroll(FakeServer.TOKEN, "12:34")).isEqualTo(2);
        assertThat(err.toString()).contains("--fingerprint \"12:34\" is not a SHA-256 fingerprint");
        assertThat(enroll("fpe bad token", cert.sha256())).isEqualTo(2);
        assertThat(err.toString()).contains("--token");
        assertThat(once()).isEqualTo(2);
        assertThat(err.toString()).contains("no " + state.resolve("agent.json") + ": this host is not enrolled");
        assertThat(server.requests()).isEmpty();
        assertThat(state).doesNotExist();
    }

    @Test
    void aRefusedTokenOrAWrongPinIsExitThree() {
        assertThat(enroll("fpe_revoked", cert.sha256())).isEqualTo(3);
        assertThat(err.toString()).contains("the server refused the enrollment token (unknown, expired or revoked)");
        assertThat(enroll(FakeServer.TOKEN, loopback.sha256())).isEqualTo(3);
        assertThat(err.toString())
                .contains(
                        "not the pinned " + Fingerprint.parse(loopback.sha256()).display());
        assertThat(state.resolve("agent.json")).doesNotExist();
    }

    @Test
    void runOnceSendsTheHashAndTheInventoryOnlyWhenWanted() throws Exception {
        assertThat(enroll(FakeServer.TOKEN, cert.sha256())).isZero();
        String hash = InventoryHash.of(RootCollector.create().collect(root).inventory());

        assertThat(once()).as(err.toString()).isZero();
        assertThat(server.requests())
                .extracting(FakeServer.Request::path)
                .containsExactly("/api/v1/agent/enroll", "/api/v1/agent/checkin", "/api/v1/agent/inventory");
        FakeServer.Request checkin = server.requests("/checkin").get(0);
        assertThat(checkin.authorization()).isEqualTo("Bearer " + FakeServer.CREDENTIAL);
        assertThat(checkin.json().path("inventoryHash").asText()).isEqualTo(hash);
        assertThat(checkin.json().path("packageCount").asInt()).isEqualTo(88);
        assertThat(checkin.json().path("hostname").asText()).isEqualTo("web-1");
        assertThat(checkin.json().path("os").path("ecosystem").asText()).isEqualTo("Debian:12");
        assertThat(checkin.json().path("kernel").path("running").asText()).isEqualTo("6.1.0-18-amd64");
        assertThat(checkin.json().path("agentTime").asText()).endsWith("Z");
        // Not the live system: its package manager is not asked, so pending updates are unknown, not none.
        assertThat(checkin.json().has("pendingUpdates")).isTrue();
        assertThat(checkin.json().path("pendingUpdates").isNull()).isTrue();
        FakeServer.Request inventory = server.requests("/inventory").get(0);
        assertThat(inventory.method()).isEqualTo("PUT");
        assertThat(inventory.contentEncoding()).isEqualTo("gzip");
        assertThat(inventory.json().path("source").asText()).isEqualTo("dpkg");
        assertThat(inventory.json().path("packages").size()).isEqualTo(88);

        assertThat(once()).isZero();
        assertThat(server.requests("/checkin")).hasSize(2);
        assertThat(server.requests("/inventory")).hasSize(1); // unchanged: the hash was enough
        assertThat(out.toString()).contains("unchanged");
        try (var spool = Files.list(state.resolve("spool"))) {
            assertThat(spool).isEmpty();
        }
    }

    @Test
    void undeliveredReportsAreSpooledAndARestartDeliversThemOldestFirst() throws Exception {
        assertThat(enroll(FakeServer.TOKEN, cert.sha256())).isZero();
        // The check-in goes through, the inventory upload does not.
        server.script(
                Answer.of(200, "{\"inventoryWanted\":true,\"nextCheckinSeconds\":300}"),
                Answer.of(503, "{\"title\":\"Service Unavailable\"}"));
        assertThat(once()).isEqualTo(3);
        assertThat(err.toString()).contains("HTTP 503").contains("the next run delivers it");
        assertThat(spooled()).containsExactly("0000000000000000001-inventory.json");

        // The server goes away: the new check-in is spooled behind the inventory.
        int port = server.port();
        server.close();
        assertThat(once()).isEqualTo(3);
        assertThat(err.toString()).contains("cannot reach https://127.0.0.1:" + port);
        assertThat(spooled()).containsExactly("0000000000000000001-inventory.json", "0000000000000000002-checkin.json");

        // A new agent process meets the server back on its port.
        server = FakeServer.start(cert, port);
        assertThat(once()).as(err.toString()).isZero();
        assertThat(server.requests())
                .extracting(FakeServer.Request::path)
                .containsExactly("/api/v1/agent/inventory", "/api/v1/agent/checkin");
        assertThat(server.requests("/checkin")
                        .get(0)
                        .json()
                        .path("inventoryHash")
                        .asText())
                .isEqualTo(server.requests("/inventory")
                        .get(0)
                        .json()
                        .path("inventoryHash")
                        .asText());
        assertThat(spooled()).isEmpty();
    }

    @Test
    void theLiveSystemWithItsRealPackageManager() throws Exception {
        Assumptions.assumeTrue(
                Files.isRegularFile(Path.of("/var/lib/dpkg/status")) && Files.isExecutable(Path.of("/usr/bin/apt-get")),
                "a dpkg/apt system");
        root = Path.of("/");
        assertThat(enroll(FakeServer.TOKEN, cert.sha256())).as(err.toString()).isZero();
        assertThat(once()).as(err.toString()).isZero();
        FakeServer.Request checkin = server.requests("/checkin").get(0);
        assertThat(checkin.json().path("kernel").path("running").asText())
                .isEqualTo(
                        Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip());
        assertThat(checkin.json().path("hostname").asText())
                .isEqualTo(
                        Files.readString(Path.of("/proc/sys/kernel/hostname")).strip());
        // apt-get -s upgrade ran: a list (possibly empty), not null.
        assertThat(checkin.json().path("pendingUpdates").isArray())
                .as(out.toString())
                .isTrue();
        assertThat(server.requests("/inventory").get(0).json().path("packages").size())
                .isEqualTo(checkin.json().path("packageCount").asInt())
                .isPositive();
    }

    @Test
    void aRevokedCredentialIsExitThree() throws Exception {
        assertThat(enroll(FakeServer.TOKEN, cert.sha256())).isZero();
        server.revoke();
        assertThat(once()).isEqualTo(3);
        assertThat(err.toString()).contains("refused this agent's credential");
    }

    private List<String> spooled() throws Exception {
        try (var files = Files.list(state.resolve("spool"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
