package dev.fixpoint.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.app.Main;
import dev.fixpoint.app.testing.ServerHttps;
import dev.fixpoint.core.testing.Ci;
import dev.fixpoint.core.testing.ThrowawayApt;
import dev.fixpoint.server.FixpointServer;
import dev.fixpoint.server.platform.Json;
import dev.fixpoint.server.platform.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #4's end-to-end test, on this machine's real apt and dpkg (root on a dpkg/apt host; skipped
 * with a message elsewhere, failing under CI). Throwaway packages {@code fixpoint-e2e} 1.0, 1.1 and a
 * broken 1.2 (its health check fails) are built with {@code dpkg-deb} into a flat apt repository in a
 * temporary directory that only the agents' apt sees (their own configuration file points apt at it).
 * 1.0 is installed; an advisory fixed in 1.1 is published in the server's feed store; the real server
 * and two real agents (two identities on this one machine, the canary and the rest) run. A deployment
 * with two rings (each host first answering a pre-flight: can what a rollback restores be installed?)
 * rolls 1.1 out and the finding resolves; then a deployment of 1.2 fails the canary's
 * health check, halts before the second ring, and the rollback restores 1.1 exactly.
 */
class PatchingEndToEndTest {
    static final String PKG = "fixpoint-e2e";
    static final String ADMIN_PASSWORD = "an admin password for the e2e test";

    @TempDir
    Path tmp;

    private ThrowawayApt apt;
    private final StringWriter printed = new StringWriter();

    @BeforeEach
    void repository() throws Exception {
        Ci.require(
                ThrowawayApt.available()
                        && Files.readString(Path.of("/etc/os-release")).contains("ID=debian"),
                "root on a Debian host with apt-get and dpkg-deb");
        // 1.0 and 1.1 are healthy; 1.2's health check fails
        apt = ThrowawayApt.create(
                PKG,
                (root, version) -> {
                    Path health = Files.createDirectories(root.resolve("usr/lib/" + PKG))
                            .resolve("health");
                    Files.writeString(
                            health,
                            "#!/bin/sh\n# " + PKG + " " + version + "\nexit " + (version.equals("1.2") ? 1 : 0) + "\n");
                    Files.setPosixFilePermissions(health, PosixFilePermissions.fromString("rwxr-xr-x"));
                },
                "1.0",
                "1.1",
                "1.2");
        apt.install("1.0");
        assertThat(apt.installedVersion()).isEqualTo("1.0");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (apt != null) {
            apt.close();
        }
    }

    @Test
    void aDeploymentRollsOutInTwoRingsThenABrokenVersionHaltsAndIsRolledBackExactly() throws Exception {
        Path data = tmp.resolve("data");
        Path feeds = Files.createDirectories(data.resolve("feeds"));
        Files.writeString(feeds.resolve("FPT-E2E-1.json"), advisory());
        Map<String, String> o = new LinkedHashMap<>();
        o.put("data.dir", data.toString());
        o.put("listen.host", "127.0.0.1");
        o.put("listen.port", "0");
        o.put("admin.password", ADMIN_PASSWORD);
        o.put("feeds.snapshot", "false");
        o.put("feeds.sync.interval.minutes", "0");
        o.put("deployments.tick.seconds", "1");
        try (FixpointServer server = FixpointServer.start(
                ServerConfig.load(null, Map.of(), o), false, Clock.systemUTC(), new java.io.PrintStream(System.out))) {
            String url = server.url().toString().replace("localhost", "127.0.0.1");
            String fingerprint = server.started().fingerprint().replace(":", "").toLowerCase(Locale.ROOT);
            HttpClient http = ServerHttps.client(data.resolve("tls"));
            ObjectMapper json = Json.mapper();
            await("feeds", Duration.ofSeconds(60), server::feedsReady);
            Api api = new Api(http, json, url, ServerHttps.adminToken(http, json, url, ADMIN_PASSWORD));

            String canary = api.post("/api/v1/groups", Map.of("name", "canary"))
                    .get("id")
                    .asText();
            Path conf = apt.dir.resolve("agent.conf");
            StringBuilder c = new StringBuilder("health.command.e2e-health = /usr/lib/" + PKG + "/health\n");
            for (String opt : apt.options) {
                c.append("apt.option = ").append(opt).append('\n');
            }
            c.append("health.settle-seconds = 2\nhealth.interval-seconds = 1\n");
            Files.writeString(conf, c);
            Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
            Path stateA = tmp.resolve("agent-canary");
            Path stateB = tmp.resolve("agent-rest");
            enroll(api, url, fingerprint, canary, "e2e-canary", stateA);
            enroll(api, url, fingerprint, null, "e2e-rest", stateB);
            runOnce(stateA, conf);
            runOnce(stateB, conf);

            JsonNode hosts = api.get("/api/v1/hosts?q=e2e-");
            assertThat(hosts.get("total").asInt()).isEqualTo(2);
            Map<String, String> ids = new LinkedHashMap<>();
            hosts.get("items")
                    .forEach(
                            h -> ids.put(h.get("hostname").asText(), h.get("id").asText()));
            for (String id : ids.values()) {
                JsonNode f = api.get("/api/v1/findings?host=" + id + "&advisory=FPT-E2E-1");
                assertThat(f.get("total").asInt()).as("the finding on " + id).isEqualTo(1);
                assertThat(f.get("items").get(0).get("installed").asText()).isEqualTo("1.0");
            }

            // 1.1: the advisory's fix, canary first, then the rest.
            JsonNode d1 = api.post(
                    "/api/v1/deployments",
                    spec(
                            "fix FPT-E2E-1",
                            canary,
                            Map.of("kind", "ADVISORIES", "advisories", List.of("CVE-2099-0001"))));
            assertThat(d1.get("state").asText()).isEqualTo("pending_approval");
            String id1 = d1.get("id").asText();
            api.post("/api/v1/deployments/" + id1 + "/approve", null);
            drive(api, id1, stateA, stateB, conf, "completed");
            assertThat(apt.installedVersion()).isEqualTo("1.1");
            JsonNode targets = api.get("/api/v1/deployments/" + id1 + "/targets");
            targets.get("items")
                    .forEach(t ->
                            assertThat(t.get("state").asText()).as(t.toString()).isEqualTo("succeeded"));
            assertThat(targets.get("items")
                            .get(0)
                            .get("packages")
                            .get(0)
                            .get("version")
                            .asText())
                    .isEqualTo("1.1");
            for (String id : ids.values()) {
                await(
                        "the finding resolved on " + id,
                        Duration.ofSeconds(30),
                        () -> api.quiet("/api/v1/findings?host=" + id + "&advisory=FPT-E2E-1")
                                        .get("total")
                                        .asInt()
                                == 0);
            }
            assertThat(api.get("/api/v1/findings?advisory=FPT-E2E-1&status=resolved")
                            .get("total")
                            .asInt())
                    .isEqualTo(2);

            // 1.2: broken. The canary's health check fails, the deployment halts before the second ring,
            // and the canary is rolled back to exactly 1.1.
            JsonNode d2 = api.post(
                    "/api/v1/deployments",
                    spec(
                            "broken 1.2",
                            canary,
                            Map.of("kind", "PACKAGES", "packages", List.of(Map.of("name", PKG, "version", "1.2")))));
            String id2 = d2.get("id").asText();
            api.post("/api/v1/deployments/" + id2 + "/approve", null);
            drive(api, id2, stateA, stateB, conf, "halted");
            await("the rollback", Duration.ofSeconds(60), () -> {
                step(stateA, stateB, conf);
                return api.quiet("/api/v1/deployments/" + id2 + "/targets?state=rolled_back")
                                .get("total")
                                .asInt()
                        == 1;
            });
            assertThat(apt.installedVersion()).isEqualTo("1.1");
            JsonNode halted = api.get("/api/v1/deployments/" + id2);
            assertThat(halted.get("state").asText()).isEqualTo("halted");
            assertThat(halted.get("reason").asText()).contains("ring canary failed");
            Map<String, String> states = new LinkedHashMap<>();
            api.get("/api/v1/deployments/" + id2 + "/targets")
                    .get("items")
                    .forEach(t -> states.put(
                            t.get("hostname").asText(), t.get("state").asText()));
            assertThat(states).containsEntry("e2e-canary", "rolled_back").containsEntry("e2e-rest", "cancelled");
            JsonNode jobs = api.get("/api/v1/deployments/" + id2 + "/jobs");
            Map<String, List<String>> byHost = new LinkedHashMap<>();
            jobs.get("items").forEach(j -> byHost.computeIfAbsent(
                            j.get("hostId").asText(), k -> new ArrayList<>())
                    .add(j.get("type").asText() + " " + j.get("resultStatus").asText()));
            assertThat(byHost.get(ids.get("e2e-canary")))
                    .as("pre-flight (1.1 can be restored), then the broken install and its rollback")
                    .containsExactly("PREFLIGHT SUCCEEDED", "INSTALL UNHEALTHY", "ROLLBACK SUCCEEDED");
            assertThat(byHost.get(ids.get("e2e-rest")))
                    .as("the second ring got its pre-flight only: no install ever reached it")
                    .containsExactly("PREFLIGHT SUCCEEDED");
            JsonNode unhealthy = null;
            for (JsonNode j : jobs.get("items")) {
                if (j.get("type").asText().equals("INSTALL")) {
                    unhealthy = j.get("result");
                }
            }
            assertThat(unhealthy.get("health").get(0).get("ok").asBoolean()).isFalse();
            assertThat(unhealthy.get("after").get(0).get("version").asText()).isEqualTo("1.2");

            JsonNode audit = api.get("/api/v1/audit?limit=500");
            List<String> actions = new ArrayList<>();
            audit.get("items").forEach(a -> actions.add(a.get("action").asText()));
            assertThat(actions)
                    .contains(
                            "deployment.created",
                            "deployment.approved",
                            "deployment.ring_promoted",
                            "deployment.completed",
                            "job.result",
                            "deployment.halted",
                            "host.rolled_back");
            assertThat(fixpoint("audit", "verify", "--data-dir", data.toString()))
                    .as(printed.toString())
                    .isZero();
        }
    }

    /** Runs both agents and lets the engine tick until the deployment reaches {@code state}. */
    private void drive(Api api, String id, Path a, Path b, Path conf, String state) throws Exception {
        await("deployment " + id + " " + state, Duration.ofSeconds(120), () -> {
            step(a, b, conf);
            return api.quiet("/api/v1/deployments/" + id).get("state").asText().equals(state);
        });
    }

    private void step(Path a, Path b, Path conf) {
        runOnce(a, conf);
        runOnce(b, conf);
        try {
            Thread.sleep(1100); // one engine tick
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runOnce(Path state, Path conf) {
        int rc = fixpoint("agent", "run", "--once", "--state-dir", state.toString(), "--config", conf.toString());
        assertThat(rc).as(printed.toString()).isZero();
    }

    private void enroll(Api api, String url, String fingerprint, String group, String hostname, Path state)
            throws Exception {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("description", "e2e " + hostname);
        if (group != null) {
            req.put("groupId", group);
        }
        String token = api.post("/api/v1/enrollment-tokens", req).get("secret").asText();
        int rc = fixpoint(
                "agent",
                "enroll",
                "--server",
                url,
                "--token",
                token,
                "--fingerprint",
                fingerprint,
                "--hostname",
                hostname,
                "--state-dir",
                state.toString());
        assertThat(rc).as(printed.toString()).isZero();
    }

    private static Map<String, Object> spec(String name, String canary, Map<String, Object> what) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", name);
        s.put("what", what);
        s.put("where", Map.of("hostname", "e2e-"));
        s.put(
                "rings",
                List.of(
                        Map.of("name", "canary", "group", canary, "bakeMinutes", 0),
                        Map.of("name", "rest", "bakeMinutes", 0)));
        s.put("windows", "IMMEDIATE");
        s.put("reboot", "NEVER");
        s.put("healthChecks", List.of(Map.of("kind", "COMMAND", "target", "e2e-health")));
        return s;
    }

    private static String advisory() {
        return "{\"schema_version\":\"1.6.0\",\"id\":\"FPT-E2E-1\",\"modified\":\"2026-11-29T00:00:00Z\","
                + "\"published\":\"2026-11-29T00:00:00Z\",\"aliases\":[\"CVE-2099-0001\"],"
                + "\"summary\":\"fixpoint-e2e: test vulnerability fixed in 1.1\","
                + "\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"" + PKG + "\"},"
                + "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.1\"}]}]}]}";
    }

    private int fixpoint(String... args) {
        PrintWriter w = new PrintWriter(printed, true);
        return Main.run(args, w, w);
    }

    private static void await(String what, Duration limit, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** The REST API as an admin. */
    private record Api(HttpClient http, ObjectMapper json, String url, String token) {
        JsonNode get(String path) throws Exception {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(url + path))
                            .header("Authorization", "Bearer " + token)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
            return json.readTree(r.body());
        }

        JsonNode quiet(String path) {
            try {
                return get(path);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        JsonNode post(String path, Object body) throws Exception {
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + token);
            if (body == null) {
                b.POST(HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path + ": " + r.body()).isBetween(200, 299);
            return json.readTree(r.body());
        }
    }
}
