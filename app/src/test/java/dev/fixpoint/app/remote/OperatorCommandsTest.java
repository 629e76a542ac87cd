package dev.fixpoint.app.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.app.Main;
import dev.fixpoint.app.testing.ServerHttps;
import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.inventory.InventoryHash;
import dev.fixpoint.core.platform.Ecosystem;
import dev.fixpoint.server.FixpointServer;
import dev.fixpoint.server.platform.Json;
import dev.fixpoint.server.platform.ServerConfig;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator commands against a real server over HTTPS (its self-signed certificate pinned by
 * fingerprint), with an API token made through the login API and a host enrolled and reporting through
 * the agent protocol: every command is run through {@link Main#run} as a user would, output captured.
 */
class OperatorCommandsTest {
    private static final String ADMIN_PASSWORD = "an admin password for the test";
    private static final Ecosystem ALMA = Ecosystem.of("AlmaLinux:9");
    private static final String OLD = "2.34-60.el9";
    private static final String NEW = "2.34-100.el9_4.2";
    private static final ObjectMapper JSON = Json.mapper();

    @TempDir
    static Path tmp;

    private static FixpointServer server;
    private static HttpClient http;
    private static String url;
    private static String fingerprint;
    private static String token;
    private static String hostId;

    /** Everything any command printed, to prove that no token ever appears in it. */
    private static final StringBuilder PRINTED = new StringBuilder();

    private static final List<String> SECRETS = new ArrayList<>();

    private record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + code + "\nout:\n" + out + "\nerr:\n" + err;
        }
    }

    @BeforeAll
    static void startServerAndEnrollAHost() throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("data.dir", tmp.resolve("data").toString());
        o.put("listen.host", "127.0.0.1");
        o.put("listen.port", "0");
        o.put("admin.password", ADMIN_PASSWORD);
        o.put("feeds.snapshot", "false");
        o.put("feeds.sync.interval.minutes", "0");
        o.put("deployments.tick.seconds", "1");
        server = FixpointServer.start(
                ServerConfig.load(null, Map.of(), o),
                false,
                Clock.systemUTC(),
                new PrintStream(java.io.OutputStream.nullOutputStream()));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!server.feedsReady() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        url = server.url().toString().replace("localhost", "127.0.0.1");
        fingerprint = server.started().fingerprint();
        http = ServerHttps.client(tmp.resolve("data").resolve("tls"));
        token = ServerHttps.adminToken(http, JSON, url, ADMIN_PASSWORD);
        SECRETS.add(token);
        hostId = enroll("alma-1");
    }

    @AfterAll
    static void noTokenWasEverPrinted() {
        try {
            assertThat(PRINTED).isNotEmpty();
            for (String s : SECRETS) {
                assertThat(PRINTED.toString()).doesNotContain(s);
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    // ---- deployments

    @Test
    void aDeploymentFromFlagsThroughItsLifeCycle() throws Exception {
        Run created = cli(
                "deployments",
                "create",
                "--name",
                "glibc canary",
                "--packages",
                "glibc=" + NEW,
                "--hosts",
                hostId,
                "--ring",
                "canary:percent=50:bake=0:maxfail=0",
                "--ring",
                "rest",
                "--immediate",
                "--reboot",
                "never",
                "--health",
                "tcp:8080",
                "--preflight",
                "off",
                "--expected-minutes",
                "20");
        assertThat(created.code()).as(created.toString()).isZero();
        assertThat(created.out())
                .contains("Created deployment ")
                .contains("pending_approval")
                .contains("packages glibc=" + NEW)
                .contains("hosts " + hostId)
                .contains("windows IMMEDIATE, reboot NEVER, automatic rollback on, 20 min per host")
                .contains("TCP_PORT 8080")
                .contains("canary")
                .contains("rest")
                .contains("It waits for approval: fixpoint deployments approve ");
        String id = created.out().lines().findFirst().orElseThrow().replaceAll(".* ([0-9a-f-]{36})\\.$", "$1");

        Run listJson = cli("deployments", "list", "--json", "--state", "pending_approval");
        assertThat(listJson.code()).as(listJson.toString()).isZero();
        JsonNode page = listJson.json();
        assertThat(page.get("total").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(page.get("items").findValuesAsText("id")).contains(id);

        Run list = cli("deploy", "list");
        assertThat(list.code()).as(list.toString()).isZero();
        assertThat(list.out().lines().findFirst().orElseThrow())
                .contains("ID")
                .contains("NAME")
                .contains("STATE")
                .contains("TARGETS");
        assertThat(list.out()).contains(id).contains("glibc canary").contains("pending_approval");

        Run show = cli("deployments", "show", id);
        assertThat(show.code()).as(show.toString()).isZero();
        assertThat(show.out())
                .contains("Deployment " + id + " \"glibc canary\"")
                .contains("Rings:")
                .contains("Targets: pending 1");
        JsonNode shown = cli("deployments", "show", "--json", id).json();
        assertThat(shown.get("id").asText()).isEqualTo(id);
        assertThat(shown.get("reboot").asText()).isEqualTo("NEVER");
        assertThat(shown.get("preflight").asText()).isEqualTo("OFF");
        assertThat(shown.get("expectedMinutes").asInt()).isEqualTo(20);
        assertThat(shown.get("rings").findValuesAsText("name")).containsExactly("canary", "rest");
        assertThat(shown.get("healthChecks").get(0).get("kind").asText()).isEqualTo("TCP_PORT");

        Run targets = cli("deployments", "targets", id);
        assertThat(targets.code()).as(targets.toString()).isZero();
        assertThat(targets.out())
                .contains("HOSTNAME")
                .contains("alma-1")
                .contains(hostId)
                .contains("pending")
                .contains("glibc=" + NEW);
        JsonNode t = cli("deployments", "targets", "--json", "--state", "pending", id)
                .json();
        assertThat(t.get("items").get(0).get("hostname").asText()).isEqualTo("alma-1");
        assertThat(cli("deployments", "targets", "--state", "failed", id).out()).contains("No targets failed.");

        Run approved = cli("deployments", "approve", id);
        assertThat(approved.code()).as(approved.toString()).isZero();
        assertThat(approved.out()).contains(id).contains("running");

        // The engine (a tick a second) hands the host its signed install job.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode jobs = cli("deployments", "jobs", "--json", id).json();
        while (jobs.get("total").asInt() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            jobs = cli("deployments", "jobs", "--json", id).json();
        }
        assertThat(jobs.get("total").asInt()).isEqualTo(1);
        Run jobTable = cli("deployments", "jobs", id);
        assertThat(jobTable.out()).contains("INSTALL").contains(hostId).contains("queued");

        assertThat(cli("deployments", "pause", id).out()).contains("paused");
        assertThat(cli("deployments", "resume", id).out()).contains("running");
        Run cancelled = cli("deployments", "cancel", id);
        assertThat(cancelled.code()).as(cancelled.toString()).isZero();
        assertThat(cancelled.out()).contains("cancelled").contains("reason: cancelled by ");

        Run again = cli("deployments", "approve", id);
        assertThat(again.code()).as(again.toString()).isEqualTo(1);
        assertThat(again.err())
                .startsWith("fixpoint: Conflict: deployment " + id + " is cancelled")
                .doesNotContain("Exception");
        assertThat(again.out()).isEmpty();

        Run watched = cli("deployments", "watch", "--interval", "1", id);
        assertThat(watched.code()).as("a cancelled deployment: " + watched).isEqualTo(1);
        assertThat(watched.out()).contains("cancelled");

        Run missing = cli("deployments", "show", "00000000-0000-0000-0000-000000000000");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).startsWith("fixpoint: Not found: no deployment with id");
    }

    @Test
    void watchFollowsADeploymentToItsEndAndExitsZero() throws Exception {
        // bash is already at this version: the host is skipped and the deployment has nothing to wait for.
        Run created = cli(
                "deployments",
                "create",
                "--json",
                "--name",
                "nothing to do",
                "--packages",
                "bash=5.1.8-6.el9",
                "--all-hosts",
                "--immediate",
                "--approve");
        assertThat(created.code()).as(created.toString()).isZero();
        JsonNode d = created.json();
        assertThat(d.get("approvedBy").asText()).isNotEmpty();
        String id = d.get("id").asText();
        Run watched = cli("deployments", "watch", "--interval", "1", "--timeout", "30s", id);
        assertThat(watched.code()).as(watched.toString()).isZero();
        assertThat(watched.out()).contains("completed");

        Run jsonLines = cli("deployments", "watch", "--json", id);
        assertThat(jsonLines.code()).isZero();
        assertThat(JSON.readTree(jsonLines.out().lines().findFirst().orElseThrow())
                        .get("state")
                        .asText())
                .isEqualTo("completed");

        Run waiting = cli("deployments", "create", "--json", "--name", "waits", "--security", "--all-hosts");
        String waitingId = waiting.json().get("id").asText();
        Run timedOut = cli("deployments", "watch", "--interval", "1", "--timeout", "1", waitingId);
        assertThat(timedOut.code()).as(timedOut.toString()).isEqualTo(4);
        assertThat(timedOut.err()).contains("is still pending_approval after 1 s");
    }

    @Test
    void aSpecFromStandardInputOrAFile() throws Exception {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", "from a file");
        spec.put("what", Map.of("kind", "PACKAGES", "packages", List.of(Map.of("name", "glibc", "version", NEW))));
        spec.put("where", Map.of("hosts", List.of(hostId)));
        spec.put("windows", "IMMEDIATE");
        String text = JSON.writeValueAsString(spec);
        Run fromStdin = run(env(), text, "deployments", "create", "--file", "-");
        assertThat(fromStdin.code()).as(fromStdin.toString()).isZero();
        assertThat(fromStdin.out()).contains("\"from a file\"").contains("pending_approval");

        Path file = tmp.resolve("spec.json");
        Files.writeString(file, text.replace("from a file", "from a file too"));
        Run fromFile = cli("deployments", "create", "--json", "--file", file.toString());
        assertThat(fromFile.code()).as(fromFile.toString()).isZero();
        assertThat(fromFile.json().get("name").asText()).isEqualTo("from a file too");

        Run both = cli("deployments", "create", "--file", file.toString(), "--name", "x");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--file gives the whole deployment");

        Files.writeString(file, "{\"name\": ");
        Run broken = cli("deployments", "create", "--file", file.toString());
        assertThat(broken.code()).isEqualTo(2);
        assertThat(broken.err()).contains("--file " + file + ": not JSON").contains("line 1");
    }

    @Test
    void badFlagsAreNamedBeforeAnyRequestAndTheServersVerdictIsPrintedWhole() {
        String[][] bad = {
            {"--ring", "canary:percentage=5", "unknown key \"percentage\""},
            {"--ring", "canary:percent=five", "percent=\"five\" is not a number"},
            {"--ring", "canary:group=g:percent=5", "not both"},
            {"--reboot", "sometimes", "--reboot \"sometimes\": use never, if-required or always"},
            {"--health", "ping:host", "unknown kind \"ping\""},
            {"--packages", "glibc", "expected NAME=VERSION"},
        };
        for (String[] b : bad) {
            List<String> args = new ArrayList<>(List.of("deployments", "create", "--name", "x", "--all-hosts"));
            if (!b[0].equals("--packages")) {
                args.add("--security");
            }
            args.add(b[0]);
            args.add(b[1]);
            Run r = cli(args.toArray(new String[0]));
            assertThat(r.code()).as(b[1] + ": " + r).isEqualTo(2);
            assertThat(r.err()).as(b[1]).startsWith("fixpoint: ").contains(b[2]);
        }
        Run notLast = cli(
                "deployments",
                "create",
                "--name",
                "x",
                "--security",
                "--all-hosts",
                "--ring",
                "a",
                "--ring",
                "b:percent=5");
        assertThat(notLast.code()).isEqualTo(2);
        assertThat(notLast.err()).contains("only the last ring may be \"the rest\"");
        Run noWhat = cli("deployments", "create", "--name", "x", "--all-hosts");
        assertThat(noWhat.code()).isEqualTo(2);
        assertThat(noWhat.err()).contains("what to install is missing");
        Run twoWhats = cli("deployments", "create", "--name", "x", "--all-hosts", "--security", "--all-pending");
        assertThat(twoWhats.code()).isEqualTo(2);
        Run noWhere = cli("deployments", "create", "--name", "x", "--security");
        assertThat(noWhere.code()).isEqualTo(2);
        assertThat(noWhere.err()).contains("where to install is missing");

        Run refused =
                cli("deployments", "create", "--name", "x", "--security", "--all-hosts", "--ring", "a:percent=150");
        assertThat(refused.code()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err())
                .isEqualTo("fixpoint: Unprocessable content: rings[0].percent: more than 0, at most 100"
                        + System.lineSeparator());
    }

    // ---- maintenance windows

    @Test
    void windowsAreCreatedListedShownAndDeleted() throws Exception {
        String later = LocalDateTime.now(ZoneOffset.UTC)
                .plusHours(6)
                .withNano(0)
                .withSecond(0)
                .toString();
        Run created = cli(
                "windows",
                "create",
                "--name",
                "nightly",
                "--rrule",
                "FREQ=DAILY",
                "--zone",
                "UTC",
                "--first-start",
                later,
                "--duration-minutes",
                "60",
                "--hosts",
                hostId);
        assertThat(created.code()).as(created.toString()).isZero();
        assertThat(created.out())
                .contains("Maintenance window ")
                .contains("\"nightly\"")
                .contains("FREQ=DAILY from " + later + " UTC, 60 min")
                .contains("hosts " + hostId);
        String windowId = created.out()
                .lines()
                .filter(l -> l.startsWith("Maintenance window "))
                .findFirst()
                .orElseThrow()
                .split(" ")[2];

        Run blackout = cli(
                "windows",
                "create",
                "--name",
                "year-end freeze",
                "--start",
                "2099-12-20T00:00:00Z",
                "--end",
                "2099-12-27T00:00+01:00",
                "--all-hosts",
                "--json");
        assertThat(blackout.code()).as(blackout.toString()).isZero();
        JsonNode b = blackout.json();
        assertThat(b.get("kind").asText()).isEqualTo("blackout");
        assertThat(b.get("end").asText()).isEqualTo("2099-12-26T23:00:00Z");

        Run list = cli("windows", "list");
        assertThat(list.code()).as(list.toString()).isZero();
        assertThat(list.out())
                .contains("nightly")
                .contains("year-end freeze")
                .contains("blackout")
                .contains("2099-12-20 00:00:00Z to 2099-12-26 23:00:00Z")
                .contains("all hosts");
        assertThat(cli("windows", "list", "--json").json().findValuesAsText("name"))
                .containsExactlyInAnyOrder("nightly", "year-end freeze");
        assertThat(cli("windows", "show", windowId).out()).contains("next open:");

        Run schedule = cli("windows", "schedule", hostId);
        assertThat(schedule.code()).as(schedule.toString()).isZero();
        assertThat(schedule.out())
                .contains("windows:")
                .contains("nightly")
                .contains("year-end freeze")
                .contains("open now:   no");

        Run badRule = cli(
                "windows",
                "create",
                "--name",
                "weekly",
                "--rrule",
                "FREQ=SOMETIMES",
                "--zone",
                "UTC",
                "--first-start",
                later,
                "--duration-minutes",
                "60",
                "--all-hosts");
        assertThat(badRule.code()).as(badRule.toString()).isEqualTo(1);
        assertThat(badRule.err())
                .startsWith("fixpoint: Unprocessable content: ")
                .contains("FREQ");
        assertThat(badRule.out()).isEmpty();
        Run badTime = cli(
                "windows",
                "create",
                "--name",
                "x",
                "--start",
                "Christmas",
                "--end",
                "2099-12-27T00:00Z",
                "--all-hosts");
        assertThat(badTime.code()).isEqualTo(2);
        assertThat(badTime.err()).contains("--start \"Christmas\"");

        assertThat(cli("windows", "delete", windowId).code()).isZero();
        assertThat(cli("windows", "delete", b.get("id").asText()).out()).contains("Deleted");
        assertThat(cli("windows", "list").out()).contains("No maintenance windows or blackouts.");
        Run gone = cli("windows", "delete", windowId);
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err()).startsWith("fixpoint: Not found: no maintenance window or blackout with id");
    }

    // ---- approval policies

    @Test
    void approvalPoliciesAreCreatedListedAndDeleted() throws Exception {
        Run created = cli("approval-policies", "create", "--name", "kev fast lane", "--kev", "--max-hosts", "5");
        assertThat(created.code()).as(created.toString()).isZero();
        assertThat(created.out()).contains("\"kev fast lane\"").contains("fixes a KEV finding; at most 5 hosts");
        JsonNode listed = cli("approval-policies", "list", "--json").json();
        assertThat(listed).hasSize(1);
        String id = listed.get(0).get("id").asText();
        assertThat(cli("approval-policies", "list").out())
                .contains(id)
                .contains("kev fast lane")
                .contains("yes");

        Run bad = cli("approval-policies", "create", "--name", "odd", "--kinds", "EVERYTHING");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).startsWith("fixpoint: Unprocessable content: rule.kinds: \"EVERYTHING\"");

        assertThat(cli("approval-policies", "delete", id).code()).isZero();
        assertThat(cli("approval-policies", "list").out()).contains("No approval policies");
    }

    // ---- connection and credentials

    @Test
    void aWrongFingerprintIsAMismatchNamedWithExitThree() {
        String other = "AB:".repeat(31) + "AB";
        Run r = cli("deployments", "list", "--fingerprint", other);
        assertThat(r.code()).as(r.toString()).isEqualTo(3);
        assertThat(r.err())
                .startsWith("fixpoint: certificate fingerprint mismatch at " + url)
                .contains("has SHA-256 " + fingerprint)
                .contains("not the pinned " + other);

        Map<String, String> noPin = env();
        noPin.remove("FIXPOINT_FINGERPRINT");
        Run unpinned = run(noPin, null, "windows", "list");
        assertThat(unpinned.code()).as(unpinned.toString()).isEqualTo(3);
        assertThat(unpinned.err()).startsWith("fixpoint: cannot trust " + url).contains("--fingerprint");

        Run malformed = cli("windows", "list", "--fingerprint", "12:34");
        assertThat(malformed.code()).isEqualTo(2);
        assertThat(malformed.err()).contains("--fingerprint").contains("expected 64 hexadecimal digits");
    }

    @Test
    void anUnreachableServerIsExitThree() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        Run r = cli("deployments", "list", "--server", "https://127.0.0.1:" + port);
        assertThat(r.code()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).startsWith("fixpoint: cannot reach https://127.0.0.1:" + port);

        Run plain = cli("deployments", "list", "--server", "http://fixpoint.example:8443");
        assertThat(plain.code()).isEqualTo(2);
        assertThat(plain.err()).contains("in the clear");
    }

    @Test
    void theTokenComesFromTheEnvironmentOrAFileNeverTheCommandLine() throws Exception {
        Map<String, String> noToken = env();
        noToken.remove("FIXPOINT_TOKEN");
        Run missing = run(noToken, null, "deployments", "list");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err())
                .contains("no API token")
                .contains("FIXPOINT_TOKEN")
                .contains("--token-file");

        Run onCommandLine = run(noToken, null, "deployments", "list", "--token", token);
        assertThat(onCommandLine.code()).isEqualTo(2);
        assertThat(onCommandLine.err()).contains("--token is not accepted").contains("--token-file");

        Path file = tmp.resolve("token");
        Files.writeString(file, token + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Run fromFile = run(noToken, null, "approval-policies", "list", "--token-file", file.toString());
        assertThat(fromFile.code()).as(fromFile.toString()).isZero();
        assertThat(fromFile.err()).isEmpty();

        String wrong = "fpt_" + "x".repeat(40);
        SECRETS.add(wrong);
        Path wrongFile = tmp.resolve("wrong-token");
        Files.writeString(wrongFile, wrong);
        Files.setPosixFilePermissions(wrongFile, PosixFilePermissions.fromString("rw-r--r--"));
        Run refused = run(noToken, null, "deployments", "list", "--token-file", wrongFile.toString());
        assertThat(refused.code()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).contains("fixpoint: Authentication required").contains("can be read by other users");

        Map<String, String> noServer = env();
        noServer.remove("FIXPOINT_SERVER");
        Run nowhere = run(noServer, null, "windows", "list");
        assertThat(nowhere.code()).isEqualTo(2);
        assertThat(nowhere.err()).contains("--server").contains("FIXPOINT_SERVER");
    }

    @Test
    void helpNamesTheExitCodes() {
        Run help = cli("deployments", "watch", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Exit codes:").contains("--timeout passed");
        Run createHelp = cli("windows", "create", "--help");
        assertThat(createHelp.out())
                .contains("Exit codes:")
                .contains("fingerprint mismatch")
                .contains("--token-file");
    }

    // ---- helpers

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("FIXPOINT_SERVER", url);
        env.put("FIXPOINT_TOKEN", token);
        env.put("FIXPOINT_FINGERPRINT", fingerprint);
        return env;
    }

    private static Run cli(String... args) {
        return run(env(), null, args);
    }

    private static Run run(Map<String, String> env, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        InputStream in = new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8));
        int code = Main.run(args, in, new PrintWriter(out, true), new PrintWriter(err, true), env);
        synchronized (PRINTED) {
            PRINTED.append(out).append(err);
        }
        return new Run(code, out.toString(), err.toString());
    }

    private static HttpResponse<String> call(String method, String path, String bearer, Object body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30));
        if (bearer != null) {
            r.header("Authorization", "Bearer " + bearer);
        }
        r.header("Content-Type", "application/json");
        r.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode())
                .as(method + " " + path + ": " + resp.body())
                .isBetween(200, 299);
        return resp;
    }

    /** A host enrolled through the agent protocol, checked in, with glibc (old) and bash installed. */
    private static String enroll(String hostname) throws Exception {
        String enrollment = JSON.readTree(
                        call("POST", "/api/v1/enrollment-tokens", token, Map.of("description", "cli test"))
                                .body())
                .get("secret")
                .asText();
        JsonNode enrolled = JSON.readTree(call(
                        "POST",
                        "/api/v1/agent/enroll",
                        null,
                        Map.of(
                                "token",
                                enrollment,
                                "hostname",
                                hostname,
                                "machineId",
                                "0123abcd",
                                "agentVersion",
                                "test"))
                .body());
        String credential = enrolled.get("credential").asText();
        SECRETS.add(credential);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("hostname", hostname);
        c.put(
                "os",
                Map.of("id", "almalinux", "versionId", "9.3", "prettyName", "AlmaLinux 9.3", "ecosystem", ALMA.name()));
        c.put("kernel", Map.of("running", "5.14.0-362.el9.x86_64", "installed", List.of("5.14.0-362.el9.x86_64")));
        c.put("rebootRequired", false);
        c.put("inventoryHash", "");
        c.put("bootId", "boot-1");
        c.put(
                "pendingUpdates",
                List.of(Map.of(
                        "name",
                        "glibc",
                        "arch",
                        "x86_64",
                        "installed",
                        OLD,
                        "available",
                        NEW,
                        "origin",
                        "baseos",
                        "security",
                        true)));
        call("POST", "/api/v1/agent/checkin", credential, c);
        List<Map<String, Object>> pkgs = new ArrayList<>();
        List<InstalledPackage> installed = new ArrayList<>();
        for (String[] p : new String[][] {{"glibc", OLD}, {"bash", "5.1.8-6.el9"}}) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p[0]);
            m.put("version", p[1]);
            m.put("arch", "x86_64");
            m.put("sourceName", p[0]);
            m.put("sourceVersion", p[1]);
            pkgs.add(m);
            installed.add(new InstalledPackage(ALMA, p[0], p[1], "x86_64", p[0], p[1]));
        }
        call(
                "PUT",
                "/api/v1/agent/inventory",
                credential,
                Map.of(
                        "inventoryHash",
                        InventoryHash.of(new Inventory(ALMA, installed, "test")),
                        "ecosystem",
                        ALMA.name(),
                        "source",
                        "rpm",
                        "packages",
                        pkgs));
        return enrolled.get("hostId").asText();
    }

    @Test
    void recurringDeploymentsAreCreatedListedAndDeleted() throws Exception {
        Path template = tmp.resolve("template.json");
        Files.writeString(
                template,
                "{\"what\":{\"kind\":\"SECURITY\"},\"where\":{\"allHosts\":true},"
                        + "\"windows\":\"HOST_WINDOWS\",\"reboot\":\"IF_REQUIRED\"}");
        Run created = cli(
                "deployments",
                "schedules",
                "create",
                "--name",
                "patch tuesday",
                "--template",
                template.toString(),
                "--rrule",
                "FREQ=WEEKLY;BYDAY=TU",
                "--zone",
                "Europe/Berlin",
                "--first-start",
                "2026-12-01T00:00",
                "--auto-approve");
        assertThat(created.code()).as(created.toString()).isZero();
        assertThat(created.out())
                .contains("Created recurring deployment")
                .contains("patch tuesday")
                .contains("approved by it");
        String id = created.out().replaceAll("(?s).*recurring deployment ([0-9a-f-]{36}).*", "$1");
        Run list = cli("deployments", "schedules", "list");
        assertThat(list.out()).contains("patch tuesday").contains("FREQ=WEEKLY;BYDAY=TU Europe/Berlin");
        Run bad = cli(
                "deployments",
                "schedules",
                "create",
                "--name",
                "bad",
                "--template",
                template.toString(),
                "--rrule",
                "FREQ=SOMETIMES",
                "--zone",
                "UTC",
                "--first-start",
                "2026-12-01T00:00");
        assertThat(bad.code()).as(bad.toString()).isEqualTo(1);
        assertThat(bad.err()).contains("FREQ");
        assertThat(cli("deployments", "schedules", "delete", id).code()).isZero();
        assertThat(cli("deployments", "schedules", "list").out()).contains("No recurring deployments.");
    }
}
