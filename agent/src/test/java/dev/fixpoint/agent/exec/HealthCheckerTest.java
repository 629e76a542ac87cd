package dev.fixpoint.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.fixpoint.agent.testing.TestCertificates;
import dev.fixpoint.core.job.HealthCheck;
import dev.fixpoint.core.job.HealthCheck.Kind;
import dev.fixpoint.core.job.HealthResult;
import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.JobResult.Status;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.PackageTarget;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of check against real things: sockets, JDK HTTP(S) servers on loopback, real programs. */
class HealthCheckerTest {

    @TempDir
    Path tmp;

    HttpServer httpServer;

    /** One attempt, no settle time. */
    static final HealthChecker.Config ONCE = HealthChecker.Config.defaults()
            .withSettle(Duration.ZERO, Duration.ofMillis(50))
            .withTimeout(Duration.ofSeconds(5));

    @AfterEach
    void stop() {
        if (httpServer != null) {
            httpServer.stop(0);
        }
    }

    private static HealthResult one(HealthChecker.Config config, Kind kind, String target) {
        List<HealthResult> r = new HealthChecker(config).check(List.of(new HealthCheck(kind, target)));
        assertThat(r).hasSize(1);
        return r.get(0);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void tcpPortPassesWhenSomethingListensOnLoopback() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            HealthResult r = one(ONCE, Kind.TCP_PORT, String.valueOf(s.getLocalPort()));
            assertThat(r.ok()).as(r.detail()).isTrue();
            assertThat(r.detail()).isEqualTo("connected to 127.0.0.1:" + s.getLocalPort());
        }
    }

    @Test
    void tcpPortTriesIpv6LoopbackToo() throws Exception {
        ServerSocket s;
        try {
            s = new ServerSocket(0, 5, InetAddress.getByName("::1"));
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
            return;
        }
        try (s) {
            HealthResult r = one(ONCE, Kind.TCP_PORT, String.valueOf(s.getLocalPort()));
            assertThat(r.ok()).as(r.detail()).isTrue();
            assertThat(r.detail()).isEqualTo("connected to [::1]:" + s.getLocalPort());
        }
    }

    @Test
    void tcpPortFailsWhenNothingListensNamingBothAddresses() throws Exception {
        int port = freePort();
        HealthResult r = one(ONCE, Kind.TCP_PORT, String.valueOf(port));
        assertThat(r.ok()).isFalse();
        assertThat(r.detail())
                .contains("127.0.0.1:" + port + ": connection refused")
                .contains("[::1]:" + port);
    }

    @Test
    void aServiceThatComesUpWithinTheSettleTimePasses() throws Exception {
        int port = freePort();
        CompletableFuture<ServerSocket> late = CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(400);
                return new ServerSocket(port, 5, InetAddress.getByName("127.0.0.1"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        HealthChecker.Config settle = ONCE.withSettle(Duration.ofSeconds(10), Duration.ofMillis(100));
        long start = System.nanoTime();
        HealthResult r = one(settle, Kind.TCP_PORT, String.valueOf(port));
        try (ServerSocket s = late.get(10, TimeUnit.SECONDS)) {
            assertThat(s.getLocalPort()).isEqualTo(port);
            assertThat(r.ok()).as(r.detail()).isTrue();
            assertThat(r.detail())
                    .matches("connected to 127\\.0\\.0\\.1:\\d+ \\(passed after \\d+ attempts over .*\\)");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aCheckThatKeepsFailingIsDeclaredFailedAfterTheSettleTime() throws Exception {
        int port = freePort();
        long start = System.nanoTime();
        HealthResult r = one(ONCE.withSettle(Duration.ofMillis(600), Duration.ofMillis(100)), Kind.TCP_PORT, "" + port);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(r.ok()).isFalse();
        assertThat(r.detail()).contains("connection refused").contains("still failing after");
        assertThat(took).isBetween(Duration.ofMillis(550), Duration.ofSeconds(5));
    }

    private String serve(int status) throws IOException {
        httpServer = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        httpServer.createContext("/", ex -> {
            try (ex) {
                if (ex.getRequestURI().getPath().equals("/moved")) {
                    ex.getResponseHeaders().add("Location", "/healthz");
                    ex.sendResponseHeaders(302, -1);
                    return;
                }
                byte[] body = ("status " + status).getBytes();
                ex.sendResponseHeaders(status, body.length);
                ex.getResponseBody().write(body);
            }
        });
        httpServer.start();
        return "http://127.0.0.1:" + httpServer.getAddress().getPort();
    }

    @Test
    void httpGetPassesOn2xxAndFailsOtherwise() throws Exception {
        String base = serve(200);
        HealthResult ok = one(ONCE, Kind.HTTP_GET, base + "/healthz");
        assertThat(ok.ok()).as(ok.detail()).isTrue();
        assertThat(ok.detail()).isEqualTo("HTTP 200");

        HealthResult moved = one(ONCE, Kind.HTTP_GET, base + "/moved");
        assertThat(moved.ok()).isFalse();
        assertThat(moved.detail()).isEqualTo("HTTP 302 (redirects are not followed)");
        httpServer.stop(0);

        String down = serve(503);
        HealthResult unavailable = one(ONCE, Kind.HTTP_GET, down + "/healthz");
        assertThat(unavailable.ok()).isFalse();
        assertThat(unavailable.detail()).isEqualTo("HTTP 503");
    }

    @Test
    void httpGetOnAClosedPortSaysSo() throws Exception {
        HealthResult r = one(ONCE, Kind.HTTP_GET, "http://localhost:" + freePort() + "/");
        assertThat(r.ok()).isFalse();
        assertThat(r.detail()).startsWith("no answer from http://localhost:");
    }

    @Test
    void httpsOnLoopbackAcceptsASelfSignedCertificate() throws Exception {
        TestCertificates.Cert cert = TestCertificates.generate(tmp, "some-service", null);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(cert.keyStore(), TestCertificates.PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(ctx));
        s.createContext("/", ex -> {
            try (ex) {
                ex.sendResponseHeaders(204, -1);
            }
        });
        s.start();
        httpServer = s;
        HealthResult r =
                one(ONCE, Kind.HTTP_GET, "https://127.0.0.1:" + s.getAddress().getPort() + "/ready");
        assertThat(r.ok()).as(r.detail()).isTrue();
        assertThat(r.detail()).isEqualTo("HTTP 204");
    }

    @Test
    void commandsComeFromTheAllowListOnly() throws Exception {
        Path marker = tmp.resolve("ran");
        HealthChecker.Config c = ONCE.withCommands(Map.of(
                "ok", List.of("/bin/true"),
                "broken", List.of("/bin/sh", "-c", "echo starting; echo config error on line 3 >&2; exit 2"),
                "touch", List.of("/usr/bin/touch", marker.toString())));
        assertThat(one(c, Kind.COMMAND, "ok").ok()).isTrue();
        assertThat(one(c, Kind.COMMAND, "ok").detail()).isEqualTo("exit 0");
        HealthResult broken = one(c, Kind.COMMAND, "broken");
        assertThat(broken.ok()).isFalse();
        assertThat(broken.detail()).isEqualTo("exit 2: config error on line 3");
        assertThat(one(c, Kind.COMMAND, "touch").ok()).isTrue();
        assertThat(marker).exists();

        // A name the allow-list lacks fails at once, however long the settle time: waiting cannot help.
        long start = System.nanoTime();
        HealthResult absent = one(c.withSettle(Duration.ofSeconds(30), Duration.ofSeconds(1)), Kind.COMMAND, "rm-rf");
        assertThat(absent.ok()).isFalse();
        assertThat(absent.detail()).contains("\"rm-rf\" is not in the agent's allow-list");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aFailingCommandFailsAndOneThatHangsIsKilled() {
        HealthChecker.Config c = ONCE.withTimeout(Duration.ofMillis(500))
                .withCommands(Map.of(
                        "false", List.of("/bin/false"),
                        "hang", List.of("/bin/sleep", "30"),
                        "missing", List.of("/nonexistent/check")));
        assertThat(one(c, Kind.COMMAND, "false").detail()).isEqualTo("exit 1");
        long start = System.nanoTime();
        HealthResult hang = one(c, Kind.COMMAND, "hang");
        assertThat(hang.ok()).isFalse();
        assertThat(hang.detail()).isEqualTo("/bin/sleep did not finish within 0.5 s and was killed");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        HealthResult missing = one(c, Kind.COMMAND, "missing");
        assertThat(missing.ok()).isFalse();
        assertThat(missing.detail()).startsWith("cannot run /nonexistent/check");
    }

    @Test
    void systemdUnitWithoutSystemctlSaysSo() {
        HealthResult r =
                one(ONCE.withSystemctl(tmp.resolve("no-systemctl").toString()), Kind.SYSTEMD_UNIT, "nginx.service");
        assertThat(r.ok()).isFalse();
        assertThat(r.detail()).contains("cannot run").contains("systemctl is needed for SYSTEMD_UNIT checks");
    }

    /** A stand-in for systemctl (an external program, like the fake apt-get): records its argv, prints a state. */
    private String fakeSystemctl(String state, int exit) throws IOException {
        Path script = tmp.resolve("systemctl-" + state);
        Files.writeString(
                script,
                "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + tmp.resolve("argv") + "'\necho " + state + "\nexit " + exit
                        + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script.toString();
    }

    @Test
    void systemdUnitAsksIsActiveWithAnArgumentList() throws Exception {
        HealthResult active = one(ONCE.withSystemctl(fakeSystemctl("active", 0)), Kind.SYSTEMD_UNIT, "nginx.service");
        assertThat(active.ok()).isTrue();
        assertThat(active.detail()).isEqualTo("active");
        assertThat(Files.readAllLines(tmp.resolve("argv"))).containsExactly("is-active", "--", "nginx.service");

        HealthResult failed = one(ONCE.withSystemctl(fakeSystemctl("failed", 3)), Kind.SYSTEMD_UNIT, "app@1.service");
        assertThat(failed.ok()).isFalse();
        assertThat(failed.detail()).isEqualTo("failed (systemctl is-active exited 3)");
        // "active" with a non-zero exit is not trusted, nor exit 0 with another state.
        assertThat(one(ONCE.withSystemctl(fakeSystemctl("active", 1)), Kind.SYSTEMD_UNIT, "a.service")
                        .ok())
                .isFalse();
        assertThat(one(ONCE.withSystemctl(fakeSystemctl("activating", 0)), Kind.SYSTEMD_UNIT, "a.service")
                        .ok())
                .isFalse();
    }

    @Test
    void theRealSystemctlGivesAClearAnswer() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/systemctl")) || Files.isExecutable(Path.of("/bin/systemctl")),
                "systemctl installed");
        HealthResult r = one(ONCE, Kind.SYSTEMD_UNIT, "fixpoint-no-such-unit.service");
        assertThat(r.ok()).isFalse();
        // "inactive" where systemd runs; "System has not been booted with systemd…" in a container.
        assertThat(r.detail()).contains("(systemctl is-active exited ").doesNotContain("\n");
    }

    @Test
    void checksRunAfterPackagesReachedTheirTargetOnly() {
        HealthCheck check = new HealthCheck(Kind.COMMAND, "false");
        HealthChecker checker = new HealthChecker(ONCE.withCommands(Map.of("false", List.of("/bin/false"))));
        Instant now = Instant.now();
        dev.fixpoint.core.job.Job plain = TestJobs.job(JobType.INSTALL, now, new PackageTarget("a", "1", "all"));
        VerifiedJob job = new VerifiedJob(
                new dev.fixpoint.core.job.Job(
                        plain.id(),
                        plain.hostId(),
                        plain.type(),
                        plain.packages(),
                        plain.notBefore(),
                        plain.expires(),
                        plain.nonce(),
                        List.of(check)),
                PackageFamily.DPKG);
        JobResult succeeded = result(job, Status.SUCCEEDED);
        JobResult unhealthy = checker.afterPackages(job, succeeded);
        assertThat(unhealthy.status()).isEqualTo(Status.UNHEALTHY);
        assertThat(unhealthy.health()).containsExactly(new HealthResult(check, false, "exit 1"));
        assertThat(unhealthy.detail()).contains("health check failed: COMMAND false (exit 1)");
        assertThat(checker.afterPackages(job, result(job, Status.ALREADY_DONE)).status())
                .isEqualTo(Status.UNHEALTHY);
        JobResult failed = result(job, Status.FAILED);
        assertThat(checker.afterPackages(job, failed)).isSameAs(failed);
        assertThat(checker.afterPackages(new VerifiedJob(plain, PackageFamily.DPKG), succeeded))
                .isSameAs(succeeded);
    }

    private static JobResult result(VerifiedJob job, Status s) {
        return new JobResult(job.job().id(), s, List.of(), List.of(), 0, "", Duration.ofSeconds(1), "done");
    }

    @Test
    void theAllowListTakesAbsoluteProgramsOnly() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ONCE.withCommands(Map.of("x", List.of("true"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absolute path");
    }
}
