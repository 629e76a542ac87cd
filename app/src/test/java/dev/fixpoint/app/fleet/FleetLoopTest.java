package dev.fixpoint.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.app.Main;
import dev.fixpoint.app.testing.ServerHttps;
import dev.fixpoint.core.testing.Ci;
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
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "done when", automated: the server starts on its embedded defaults (SQLite, HTTPS with
 * a new certificate, the bundled feed snapshot); the real agent command enrolls this very machine with
 * the printed fingerprint and reports once; the host appears in the API with this machine's real
 * dpkg package count, its pending updates from apt, and its findings.
 */
class FleetLoopTest {
    @TempDir
    Path tmp;

    @Test
    void thisMachineEnrollsAndAppearsWithItsRealPackagesPendingUpdatesAndFindings() throws Exception {
        Path status = Path.of("/var/lib/dpkg/status");
        Ci.require(Files.isReadable(status) && Files.isExecutable(Path.of("/usr/bin/apt-get")), "a dpkg/apt host");
        // What dpkg itself counts as installed (its own tool, not our parser).
        Process q = new ProcessBuilder("dpkg-query", "-W", "-f", "${db:Status-Abbrev}\\n")
                .redirectErrorStream(true)
                .start();
        String states = new String(q.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(q.waitFor()).isZero();
        long realPackages = states.lines().filter(l -> l.startsWith("ii")).count();

        Map<String, String> o = new LinkedHashMap<>();
        o.put("data.dir", tmp.resolve("data").toString());
        o.put("listen.host", "127.0.0.1");
        o.put("listen.port", "0");
        o.put("admin.password", "an admin password for the test");
        o.put("feeds.sync.interval.minutes", "0"); // no internet here; the bundled snapshot is the data
        StringWriter printed = new StringWriter();
        try (FixpointServer server = FixpointServer.start(
                ServerConfig.load(null, Map.of(), o), false, Clock.systemUTC(), new java.io.PrintStream(System.out))) {
            String url = server.url().toString().replace("localhost", "127.0.0.1");
            String fingerprint = server.started().fingerprint();
            assertThat(server.started().certificateCreated()).isTrue();
            HttpClient http = ServerHttps.client(tmp.resolve("data").resolve("tls"));
            ObjectMapper json = Json.mapper();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!server.feedsReady() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(get(http, url + "/readyz", null).statusCode()).isEqualTo(200);

            String token = ServerHttps.adminToken(http, json, url, "an admin password for the test");
            JsonNode enrollment = json.readTree(
                    post(http, url + "/api/v1/enrollment-tokens", token, "{\"description\":\"fleet loop test\"}")
                            .body());

            Path state = tmp.resolve("agent-state");
            int enrolled = fixpoint(
                    printed,
                    "agent",
                    "enroll",
                    "--server",
                    url,
                    "--token",
                    enrollment.get("secret").asText(),
                    "--fingerprint",
                    fingerprint.replace(":", "").toLowerCase(java.util.Locale.ROOT),
                    "--state-dir",
                    state.toString());
            assertThat(enrolled).as(printed.toString()).isZero();
            int ran = fixpoint(printed, "agent", "run", "--once", "--state-dir", state.toString());
            assertThat(ran).as(printed.toString()).isZero();

            JsonNode hosts =
                    json.readTree(get(http, url + "/api/v1/hosts", token).body());
            assertThat(hosts.get("total").asInt()).isEqualTo(1);
            JsonNode host = hosts.get("items").get(0);
            assertThat(host.get("packageCount").asLong()).isEqualTo(realPackages);
            assertThat(host.get("ecosystem").asText()).startsWith("Debian:");
            assertThat(host.get("kernelRunning").asText())
                    .isEqualTo(Files.readString(Path.of("/proc/sys/kernel/osrelease"))
                            .strip());
            // A container has no kernel package; a VM or bare-metal host lists its linux-image releases.
            assertThat(host.get("kernelsInstalled").isArray()).isTrue();
            String id = host.get("id").asText();

            JsonNode pending =
                    json.readTree(get(http, url + "/api/v1/hosts/" + id + "/pending-updates?limit=500", token)
                            .body());
            assertThat(pending.get("total").asInt())
                    .isEqualTo(host.get("pendingUpdates").asInt());
            JsonNode findings = json.readTree(get(http, url + "/api/v1/hosts/" + id + "/findings?limit=500", token)
                    .body());
            assertThat(findings.get("total").asInt())
                    .isEqualTo(host.get("openFindings").asInt());
            // Every pending security update is a finding of its own, even with no Debian advisory data.
            assertThat(host.get("openFindings").asInt())
                    .isGreaterThanOrEqualTo(host.get("pendingSecurityUpdates").asInt());
            JsonNode packages = json.readTree(get(http, url + "/api/v1/hosts/" + id + "/packages?q=dpkg", token)
                    .body());
            assertThat(packages.get("items").findValuesAsText("name")).contains("dpkg");

            // A second run finds the inventory unchanged: only a check-in goes over the wire.
            assertThat(fixpoint(printed, "agent", "run", "--once", "--state-dir", state.toString()))
                    .isZero();
            JsonNode metrics = null;
            String m = get(http, url + "/metrics", token).body();
            assertThat(m).contains("fixpoint_inventory_ingests_total{outcome=\"stored\"} 1.0");
            assertThat(m).contains("fixpoint_agent_checkins_total{outcome=\"ok\"} 1.0");
            assertThat(metrics).isNull();

            JsonNode audit = json.readTree(get(http, url + "/api/v1/audit?action=agent.enrolled", token)
                    .body());
            assertThat(audit.get("total").asInt()).isEqualTo(1);
        }
    }

    private static int fixpoint(StringWriter printed, String... args) {
        PrintWriter w = new PrintWriter(printed, true);
        return Main.run(args, w, w);
    }

    private static HttpResponse<String> get(HttpClient http, String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(HttpClient http, String url, String token, String body) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        return r;
    }
}
