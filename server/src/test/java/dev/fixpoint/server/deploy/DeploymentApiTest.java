package dev.fixpoint.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.inventory.InventoryHash;
import dev.fixpoint.core.job.HealthCheck;
import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageTarget;
import dev.fixpoint.core.job.SignedJob;
import dev.fixpoint.core.platform.Ecosystem;
import dev.fixpoint.server.api.TestServer;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deployments through the real server over HTTPS on SQLite and PostgreSQL, with test agents that
 * speak the agent protocol: they enroll, pin the job key, check in, verify each job's signature
 * against that key and report results. (The real agent running real apt is in the app module's
 * end-to-end test.)
 */
class DeploymentApiTest {
    private static final Ecosystem ALMA = Ecosystem.of("AlmaLinux:9");
    private static final String OLD = "2.34-60.el9";
    private static final String NEW = "2.34-100.el9_4.2";

    @TempDir
    java.nio.file.Path tmp;

    /** A host as the server sees it through the protocol. */
    private static final class Agent {
        final String hostname;
        final String credential;
        final String hostId;
        final PublicKey jobKey;
        String bootId = "boot-1";
        boolean rebootRequired;

        Agent(String hostname, JsonNode enrolled) throws Exception {
            this.hostname = hostname;
            this.credential = enrolled.get("credential").asText();
            this.hostId = enrolled.get("hostId").asText();
            String[] line = enrolled.get("jobKey").asText().split(" ");
            assertThat(line[0]).isEqualTo("ed25519");
            this.jobKey = KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(line[1])));
        }
    }

    private static Map<String, Object> pkg(String name, String version) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("version", version);
        m.put("arch", "x86_64");
        m.put("sourceName", name);
        m.put("sourceVersion", version);
        return m;
    }

    private static Agent enroll(TestServer s, String admin, String hostname, String group) throws Exception {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("description", "test");
        if (group != null) {
            req.put("groupId", group);
        }
        TestServer.Response t = s.call("POST", "/api/v1/enrollment-tokens", admin, req);
        assertThat(t.status()).as(t.body()).isEqualTo(201);
        TestServer.Response e = s.call(
                "POST",
                "/api/v1/agent/enroll",
                null,
                Map.of(
                        "token",
                        t.json().get("secret").asText(),
                        "hostname",
                        hostname,
                        "machineId",
                        "0123abcd",
                        "agentVersion",
                        "test"));
        assertThat(e.status()).as(e.body()).isEqualTo(201);
        Agent a = new Agent(hostname, e.json());
        List<Map<String, Object>> pkgs = List.of(pkg("glibc", OLD), pkg("bash", "5.1.8-6.el9"));
        List<InstalledPackage> list = new ArrayList<>();
        for (Map<String, Object> p : pkgs) {
            list.add(new InstalledPackage(
                    ALMA, (String) p.get("name"), (String) p.get("version"), "x86_64", (String) p.get("name"), (String)
                            p.get("version")));
        }
        String hash = InventoryHash.of(new Inventory(ALMA, list, "test"));
        checkin(s, a);
        TestServer.Response inv = s.call(
                "PUT",
                "/api/v1/agent/inventory",
                a.credential,
                Map.of("inventoryHash", hash, "ecosystem", ALMA.name(), "source", "rpm", "packages", pkgs));
        assertThat(inv.status()).as(inv.body()).isEqualTo(200);
        return a;
    }

    /** A check-in; returns the jobs in the answer, each verified against the pinned key. */
    private static List<SignedJob> checkin(TestServer s, Agent a) throws Exception {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("hostname", a.hostname);
        c.put(
                "os",
                Map.of("id", "almalinux", "versionId", "9.3", "prettyName", "AlmaLinux 9.3", "ecosystem", ALMA.name()));
        c.put("kernel", Map.of("running", "5.14.0-362.el9.x86_64", "installed", List.of("5.14.0-362.el9.x86_64")));
        c.put("rebootRequired", a.rebootRequired);
        c.put("inventoryHash", "");
        c.put("bootId", a.bootId);
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
        TestServer.Response r = s.call("POST", "/api/v1/agent/checkin", a.credential, c);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<SignedJob> out = new ArrayList<>();
        for (JsonNode j : r.json().path("jobs")) {
            List<PackageTarget> pkgs = new ArrayList<>();
            for (JsonNode p : j.get("packages")) {
                pkgs.add(new PackageTarget(
                        p.get("name").asText(),
                        p.get("version").asText(),
                        p.get("arch").asText()));
            }
            List<HealthCheck> checks = new ArrayList<>();
            for (JsonNode h : j.get("healthChecks")) {
                checks.add(new HealthCheck(
                        HealthCheck.Kind.valueOf(h.get("kind").asText()),
                        h.get("target").asText()));
            }
            SignedJob sj = new SignedJob(
                    new Job(
                            j.get("id").asText(),
                            j.get("hostId").asText(),
                            JobType.valueOf(j.get("type").asText()),
                            pkgs,
                            Instant.parse(j.get("notBefore").asText()),
                            Instant.parse(j.get("expires").asText()),
                            j.get("nonce").asText(),
                            checks),
                    j.get("signature").asText());
            assertThat(sj.verify(a.jobKey)).as("signature of " + j).isTrue();
            assertThat(sj.job().hostId()).isEqualTo(a.hostId);
            out.add(sj);
        }
        return out;
    }

    private static TestServer.Response report(
            TestServer s, Agent a, SignedJob j, String status, String beforeVersion, String afterVersion)
            throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("jobId", j.job().id());
        r.put("status", status);
        r.put("before", List.of(state("glibc", beforeVersion)));
        r.put("after", List.of(state("glibc", afterVersion)));
        r.put("exitCode", 0);
        r.put("output", "ok");
        r.put("durationMillis", 1200);
        r.put(
                "detail",
                status.equals("UNHEALTHY") ? "health check failed: TCP_PORT 8080 (connection refused)" : "done");
        r.put("health", List.of());
        r.put("finishedAt", Instant.now().toString());
        r.put("bootId", a.bootId);
        return s.call("POST", "/api/v1/agent/jobs/" + j.job().id() + "/result", a.credential, r);
    }

    private static Map<String, Object> state(String name, String version) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("arch", "x86_64");
        m.put("version", version);
        m.put("status", "installed");
        return m;
    }

    private static Map<String, Object> spec(String name, String canaryGroup, Map<String, Object> extra) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", name);
        s.put("what", Map.of("kind", "PACKAGES", "packages", List.of(Map.of("name", "glibc", "version", NEW))));
        s.put("where", Map.of("allHosts", true));
        s.put(
                "rings",
                List.of(
                        Map.of("name", "canary", "group", canaryGroup, "bakeMinutes", 0),
                        Map.of("name", "rest", "bakeMinutes", 0)));
        s.put("windows", "IMMEDIATE");
        s.put("reboot", "NEVER");
        s.put("healthChecks", List.of(Map.of("kind", "TCP_PORT", "target", "8080")));
        s.put("preflight", "OFF"); // pre-flight has a test of its own
        s.putAll(extra);
        return s;
    }

    private static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static String state(TestServer s, String admin, String id) {
        try {
            return s.call("GET", "/api/v1/deployments/" + id, admin, null)
                    .json()
                    .get("state")
                    .asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The {@code total} of a list endpoint's page. */
    private static int total(TestServer s, String admin, String path) {
        try {
            return s.call("GET", path, admin, null).json().get("total").asInt();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<SignedJob> jobsFor(TestServer s, Agent a) {
        try {
            return checkin(s, a);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String group(TestServer s, String admin, String name) throws Exception {
        TestServer.Response g = s.call("POST", "/api/v1/groups", admin, Map.of("name", name));
        assertThat(g.status()).as(g.body()).isEqualTo(201);
        return g.json().get("id").asText();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aTwoRingDeploymentRollsOutAfterApprovalAndCompletes(String kind) throws Exception {
        try (TestServer s = TestServer.start(kind, tmp, Map.of("deployments.tick.seconds", "1"))) {
            String admin = s.adminToken();
            String canary = group(s, admin, "canary");
            Agent a1 = enroll(s, admin, "alma-1", canary);
            Agent a2 = enroll(s, admin, "alma-2", null);
            Agent a3 = enroll(s, admin, "alma-3", null);

            TestServer.Response created = s.call("POST", "/api/v1/deployments", admin, spec("glibc", canary, Map.of()));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String id = created.json().get("id").asText();
            assertThat(created.json().get("state").asText()).isEqualTo("pending_approval");
            assertThat(created.json().get("rings").get(0).get("hosts").asInt()).isEqualTo(1);
            assertThat(created.json().get("rings").get(1).get("hosts").asInt()).isEqualTo(2);
            Thread.sleep(1500);
            assertThat(checkin(s, a1)).as("nothing runs before approval").isEmpty();

            assertThat(s.call("POST", "/api/v1/deployments/" + id + "/approve", admin, null)
                            .status())
                    .isEqualTo(200);
            await("the canary's job", () -> !jobsFor(s, a1).isEmpty());
            SignedJob j1 = checkin(s, a1).get(0);
            assertThat(j1.job().type()).isEqualTo(JobType.INSTALL);
            assertThat(j1.job().packages()).containsExactly(new PackageTarget("glibc", NEW, "x86_64"));
            assertThat(j1.job().healthChecks()).containsExactly(new HealthCheck(HealthCheck.Kind.TCP_PORT, "8080"));
            assertThat(checkin(s, a2))
                    .as("the second ring waits for the canary")
                    .isEmpty();

            assertThat(report(s, a1, j1, "SUCCEEDED", OLD, NEW).status()).isEqualTo(200);
            assertThat(report(s, a1, j1, "FAILED", OLD, OLD).status())
                    .as("a second result is ignored")
                    .isEqualTo(200);
            await("the second ring's jobs", () -> !jobsFor(s, a2).isEmpty());
            for (Agent a : List.of(a2, a3)) {
                SignedJob j = checkin(s, a).get(0);
                assertThat(report(s, a, j, "SUCCEEDED", OLD, NEW).status()).isEqualTo(200);
            }
            await("completion", () -> state(s, admin, id).equals("completed"));
            JsonNode targets = s.call("GET", "/api/v1/deployments/" + id + "/targets", admin, null)
                    .json();
            assertThat(targets.get("items")).hasSize(3);
            targets.get("items")
                    .forEach(t -> assertThat(t.get("state").asText()).isEqualTo("succeeded"));
            JsonNode jobs = s.call("GET", "/api/v1/deployments/" + id + "/jobs", admin, null)
                    .json();
            assertThat(jobs.get("total").asInt())
                    .as("one job per host, none twice")
                    .isEqualTo(3);
            assertThat(jobs.get("items").get(0).get("resultStatus").asText()).isEqualTo("SUCCEEDED");
            assertThat(s.server.audit().records().stream().map(r -> r.action()))
                    .contains(
                            "deployment.created",
                            "deployment.approved",
                            "deployment.ring_started",
                            "deployment.ring_passed",
                            "deployment.ring_promoted",
                            "job.result",
                            "deployment.completed");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anUnhealthyCanaryHaltsTheDeploymentAndIsRolledBackToItsExactVersion(String kind) throws Exception {
        try (TestServer s = TestServer.start(kind, tmp, Map.of("deployments.tick.seconds", "1"))) {
            String admin = s.adminToken();
            String canary = group(s, admin, "canary");
            Agent a1 = enroll(s, admin, "alma-1", canary);
            Agent a2 = enroll(s, admin, "alma-2", null);
            String id = s.call("POST", "/api/v1/deployments", admin, spec("glibc", canary, Map.of()))
                    .json()
                    .get("id")
                    .asText();
            s.call("POST", "/api/v1/deployments/" + id + "/approve", admin, null);
            await("the canary's job", () -> !jobsFor(s, a1).isEmpty());
            SignedJob j1 = checkin(s, a1).get(0);
            assertThat(report(s, a1, j1, "UNHEALTHY", OLD, NEW).status()).isEqualTo(200);

            await("the halt", () -> state(s, admin, id).equals("halted"));
            JsonNode d = s.call("GET", "/api/v1/deployments/" + id, admin, null).json();
            assertThat(d.get("reason").asText())
                    .contains("1 of 1 hosts in ring canary failed")
                    .contains("rolling back");
            await("the rollback job", () -> !jobsFor(s, a1).isEmpty());
            SignedJob rb = checkin(s, a1).get(0);
            assertThat(rb.job().type()).isEqualTo(JobType.ROLLBACK);
            assertThat(rb.job().packages()).containsExactly(new PackageTarget("glibc", OLD, "x86_64"));
            assertThat(checkin(s, a2))
                    .as("the halted deployment never reaches the next ring")
                    .isEmpty();
            assertThat(report(s, a1, rb, "SUCCEEDED", NEW, OLD).status()).isEqualTo(200);

            JsonNode targets = s.call("GET", "/api/v1/deployments/" + id + "/targets", admin, null)
                    .json();
            Map<String, String> states = new LinkedHashMap<>();
            targets.get("items")
                    .forEach(t -> states.put(
                            t.get("hostname").asText(), t.get("state").asText()));
            assertThat(states).containsEntry("alma-1", "rolled_back").containsEntry("alma-2", "cancelled");
            assertThat(s.server.audit().records().stream().map(r -> r.action()))
                    .contains("deployment.halted", "host.rolled_back");
            assertThat(s.call("POST", "/api/v1/deployments/" + id + "/resume", admin, null)
                            .status())
                    .as("a halted deployment is not resumed")
                    .isEqualTo(409);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void noJobStartsOutsideAWindowOrInsideABlackoutAndARestartLosesNothing(String kind) throws Exception {
        try (TestServer s = TestServer.start(kind, tmp, Map.of("deployments.tick.seconds", "1"))) {
            String admin = s.adminToken();
            String canary = group(s, admin, "canary");
            Agent a1 = enroll(s, admin, "alma-1", canary);
            // A daily one-hour window that opens in six hours: closed now.
            LocalDateTime later = LocalDateTime.now(ZoneOffset.UTC).plusHours(6).withNano(0);
            TestServer.Response w = s.call(
                    "POST",
                    "/api/v1/maintenance-windows",
                    admin,
                    Map.of(
                            "name",
                            "nightly",
                            "rrule",
                            "FREQ=DAILY",
                            "zone",
                            "UTC",
                            "firstStart",
                            later.toString(),
                            "durationMinutes",
                            60,
                            "groups",
                            List.of(canary)));
            assertThat(w.status()).as(w.body()).isEqualTo(201);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("windows", "HOST_WINDOWS");
            extra.put("rings", List.of(Map.of("name", "all")));
            String id = s.call("POST", "/api/v1/deployments", admin, spec("closed", canary, extra))
                    .json()
                    .get("id")
                    .asText();
            s.call("POST", "/api/v1/deployments/" + id + "/approve", admin, null);
            Thread.sleep(2500);
            assertThat(checkin(s, a1)).as("window closed: nothing starts").isEmpty();
            JsonNode t = s.call("GET", "/api/v1/deployments/" + id + "/targets", admin, null)
                    .json()
                    .get("items")
                    .get(0);
            assertThat(t.get("state").asText()).isEqualTo("pending");
            assertThat(t.get("detail").asText()).contains("waiting for a maintenance window");
            JsonNode sched = s.call("GET", "/api/v1/hosts/" + a1.hostId + "/schedule", admin, null)
                    .json();
            assertThat(sched.get("openNow").asBoolean()).isFalse();
            assertThat(sched.get("windows")).hasSize(1);

            // An immediate deployment still honours a blackout.
            TestServer.Response b = s.call(
                    "POST",
                    "/api/v1/maintenance-windows",
                    admin,
                    Map.of(
                            "name",
                            "freeze",
                            "kind",
                            "blackout",
                            "start",
                            Instant.now().minusSeconds(60).toString(),
                            "end",
                            Instant.now().plusSeconds(3600).toString(),
                            "allHosts",
                            true));
            assertThat(b.status()).as(b.body()).isEqualTo(201);
            String id2 = s.call(
                            "POST",
                            "/api/v1/deployments",
                            admin,
                            spec("frozen", canary, Map.of("rings", List.of(Map.of("name", "all")))))
                    .json()
                    .get("id")
                    .asText();
            s.call("POST", "/api/v1/deployments/" + id2 + "/approve", admin, null);
            Thread.sleep(2500);
            assertThat(checkin(s, a1)).as("blackout: nothing starts").isEmpty();
            assertThat(s.call(
                                    "DELETE",
                                    "/api/v1/maintenance-windows/"
                                            + b.json().get("id").asText(),
                                    admin,
                                    null)
                            .status())
                    .isEqualTo(204);

            // The blackout lifted: the job is handed out; the server restarts before the result.
            await("the job after the blackout", () -> !jobsFor(s, a1).isEmpty());
            SignedJob before = checkin(s, a1).get(0);
            s.restart();
            List<SignedJob> again = checkin(s, a1);
            assertThat(again).as("the same job, not a new one").hasSize(1);
            assertThat(again.get(0).job().id()).isEqualTo(before.job().id());
            assertThat(report(s, a1, again.get(0), "SUCCEEDED", OLD, NEW).status())
                    .isEqualTo(200);
            await("completion after the restart", () -> state(s, admin, id2).equals("completed"));
            assertThat(s.call("GET", "/api/v1/deployments/" + id2 + "/jobs", admin, null)
                            .json()
                            .get("total")
                            .asInt())
                    .isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite"})
    void badRequestsAreRefusedByNameAndChangeNothing(String kind) throws Exception {
        try (TestServer s = TestServer.start(kind, tmp, Map.of("deployments.tick.seconds", "1"))) {
            String admin = s.adminToken();
            String canary = group(s, admin, "canary");
            Agent a1 = enroll(s, admin, "alma-1", canary);
            Agent a2 = enroll(s, admin, "alma-2", null);
            Map<String, Object[]> bad = new LinkedHashMap<>();
            bad.put("what.kind", new Object[] {"what", Map.of("kind", "EVERYTHING")});
            bad.put("what.packages[0]", new Object[] {
                "what", Map.of("kind", "PACKAGES", "packages", List.of(Map.of("name", "glibc;reboot", "version", "1")))
            });
            bad.put("healthChecks[0]", new Object[] {
                "healthChecks",
                List.of(Map.of("kind", "HTTP_GET", "target", "http://169.254.169.254/latest/meta-data/"))
            });
            bad.put("rings[0].percent", new Object[] {"rings", List.of(Map.of("name", "a", "percent", 150))});
            bad.put("windows", new Object[] {"windows", "WHENEVER"});
            bad.put("where", new Object[] {"where", Map.of()});
            for (Map.Entry<String, Object[]> e : bad.entrySet()) {
                TestServer.Response r = s.call(
                        "POST",
                        "/api/v1/deployments",
                        admin,
                        spec("bad", canary, Map.of((String) e.getValue()[0], e.getValue()[1])));
                assertThat(r.status()).as(e.getKey() + ": " + r.body()).isEqualTo(422);
                assertThat(r.contentType()).startsWith("application/problem+json");
                assertThat(r.json().get("detail").asText()).contains(e.getKey());
            }
            assertThat(s.call("GET", "/api/v1/deployments", admin, null)
                            .json()
                            .get("total")
                            .asInt())
                    .isZero();
            String id = s.call("POST", "/api/v1/deployments", admin, spec("ok", canary, Map.of()))
                    .json()
                    .get("id")
                    .asText();
            assertThat(s.call("POST", "/api/v1/deployments/" + id + "/rollback", admin, null)
                            .status())
                    .as("nothing to roll back before approval")
                    .isEqualTo(409);
            s.call("POST", "/api/v1/deployments/" + id + "/approve", admin, null);
            await("the canary's job", () -> !jobsFor(s, a1).isEmpty());
            SignedJob j1 = checkin(s, a1).get(0);
            assertThat(report(s, a2, j1, "SUCCEEDED", OLD, NEW).status())
                    .as("another host's job")
                    .isEqualTo(404);
            Map<String, Object> hostile = new LinkedHashMap<>();
            hostile.put("jobId", j1.job().id());
            hostile.put("status", "SUCCEEDED'); DROP TABLE job; --");
            TestServer.Response h =
                    s.call("POST", "/api/v1/agent/jobs/" + j1.job().id() + "/result", a1.credential, hostile);
            assertThat(h.status()).isEqualTo(422);
            assertThat(h.json().get("detail").asText()).contains("status");
            assertThat(checkin(s, a1)).as("the job is still open").hasSize(1);
            assertThat(s.call("POST", "/api/v1/agent/jobs/" + j1.job().id() + "/result", null, hostile)
                            .status())
                    .isEqualTo(401);
            JsonNode d = s.call("POST", "/api/v1/deployments/" + id + "/cancel", admin, null)
                    .json();
            assertThat(d.get("state").asText()).isEqualTo("cancelled");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite"})
    void anApprovalPolicyApprovesWhatItCoversAndNothingElse(String kind) throws Exception {
        try (TestServer s = TestServer.start(kind, tmp, Map.of("deployments.tick.seconds", "1"))) {
            String admin = s.adminToken();
            String canary = group(s, admin, "canary");
            Agent a1 = enroll(s, admin, "alma-1", canary);
            enroll(s, admin, "alma-2", null);
            TestServer.Response p = s.call(
                    "POST",
                    "/api/v1/approval-policies",
                    admin,
                    Map.of("name", "canary fixes", "rule", Map.of("groups", List.of(canary), "maxHosts", 5)));
            assertThat(p.status()).as(p.body()).isEqualTo(201);
            assertThat(s.call(
                                    "POST",
                                    "/api/v1/approval-policies",
                                    admin,
                                    Map.of("name", "everything", "rule", Map.of()))
                            .status())
                    .as("a rule without conditions")
                    .isEqualTo(422);

            Map<String, Object> onlyCanary = new LinkedHashMap<>();
            onlyCanary.put("where", Map.of("groups", List.of(canary)));
            onlyCanary.put("rings", List.of(Map.of("name", "all")));
            JsonNode d = s.call("POST", "/api/v1/deployments", admin, spec("canary only", canary, onlyCanary))
                    .json();
            assertThat(d.get("state").asText()).isEqualTo("running");
            assertThat(d.get("approvedBy").asText()).isEqualTo("policy:canary fixes");
            await("the job", () -> !jobsFor(s, a1).isEmpty());

            JsonNode all = s.call("POST", "/api/v1/deployments", admin, spec("everyone", canary, Map.of()))
                    .json();
            assertThat(all.get("state").asText())
                    .as("alma-2 is outside the policy's groups")
                    .isEqualTo("pending_approval");
            assertThat(s.server.audit().records().stream()
                            .filter(r -> r.action().equals("deployment.approved"))
                            .map(r -> r.actor()))
                    .containsExactly("policy:canary fixes");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite"})
    void aScheduleCreatesAndApprovesItsDeploymentAtEachOccurrence(String kind) throws Exception {
        try (TestServer s = TestServer.start(kind, tmp, Map.of("deployments.tick.seconds", "1"))) {
            String admin = s.adminToken();
            String canary = group(s, admin, "canary");
            Agent a1 = enroll(s, admin, "alma-1", canary);
            Map<String, Object> template = new LinkedHashMap<>();
            template.put("what", Map.of("kind", "SECURITY"));
            template.put("where", Map.of("groups", List.of(canary)));
            template.put("windows", "IMMEDIATE");
            template.put("reboot", "NEVER");
            template.put("preflight", "OFF");
            // The first occurrence a few seconds from now, then daily.
            LocalDateTime soon =
                    LocalDateTime.now(ZoneOffset.UTC).plusSeconds(3).withNano(0);
            TestServer.Response bad = s.call(
                    "POST",
                    "/api/v1/deployment-schedules",
                    admin,
                    Map.of(
                            "name",
                            "tuesdays",
                            "template",
                            template,
                            "rrule",
                            "FREQ=WEEKLY;BYDAY=XX",
                            "zone",
                            "UTC",
                            "firstStart",
                            soon.toString(),
                            "autoApprove",
                            true));
            assertThat(bad.status()).as(bad.body()).isEqualTo(422);
            TestServer.Response sch = s.call(
                    "POST",
                    "/api/v1/deployment-schedules",
                    admin,
                    Map.of(
                            "name",
                            "daily security",
                            "template",
                            template,
                            "rrule",
                            "FREQ=DAILY",
                            "zone",
                            "UTC",
                            "firstStart",
                            soon.toString(),
                            "autoApprove",
                            true));
            assertThat(sch.status()).as(sch.body()).isEqualTo(201);
            assertThat(sch.json().get("nextFire").asText())
                    .isEqualTo(soon.toInstant(ZoneOffset.UTC).toString());

            await("the scheduled deployment", () -> total(s, admin, "/api/v1/deployments") == 1);
            JsonNode d = s.call("GET", "/api/v1/deployments", admin, null)
                    .json()
                    .get("items")
                    .get(0);
            assertThat(d.get("name").asText()).startsWith("daily security ");
            assertThat(d.get("createdBy").asText()).isEqualTo("schedule:daily security");
            assertThat(d.get("approvedBy").asText()).isEqualTo("schedule:daily security");
            await("the job", () -> !jobsFor(s, a1).isEmpty());
            SignedJob j = checkin(s, a1).get(0);
            assertThat(j.job().packages())
                    .as("the pending security update, resolved when the schedule fired")
                    .containsExactly(new PackageTarget("glibc", NEW, "x86_64"));
            Thread.sleep(2000);
            assertThat(s.call("GET", "/api/v1/deployments", admin, null)
                            .json()
                            .get("total")
                            .asInt())
                    .as("one occurrence, one deployment")
                    .isEqualTo(1);
            JsonNode after = s.call("GET", "/api/v1/deployment-schedules", admin, null)
                    .json()
                    .get(0);
            assertThat(after.get("lastDeployment").asText())
                    .isEqualTo(d.get("id").asText());
            assertThat(s.server.audit().records().stream().map(r -> r.action()))
                    .contains("deployment_schedule.created", "deployment_schedule.fired");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void preflightAsksBeforeApprovalAndAHostThatCouldNotBeRolledBackIsNotPatched(String kind) throws Exception {
        try (TestServer s = TestServer.start(kind, tmp, Map.of("deployments.tick.seconds", "1"))) {
            String admin = s.adminToken();
            String canary = group(s, admin, "canary");
            Agent a1 = enroll(s, admin, "alma-1", canary);
            Agent a2 = enroll(s, admin, "alma-2", canary);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("preflight", "BLOCK");
            extra.put("rings", List.of(Map.of("name", "all", "bakeMinutes", 0)));
            String id = s.call("POST", "/api/v1/deployments", admin, spec("with pre-flight", canary, extra))
                    .json()
                    .get("id")
                    .asText();
            // Before approval each host is asked whether what a rollback would restore can be installed.
            await(
                    "pre-flight jobs",
                    () -> !jobsFor(s, a1).isEmpty() && !jobsFor(s, a2).isEmpty());
            SignedJob p1 = checkin(s, a1).get(0);
            SignedJob p2 = checkin(s, a2).get(0);
            assertThat(p1.job().type()).isEqualTo(JobType.PREFLIGHT);
            assertThat(p1.job().packages())
                    .as("the version installed now")
                    .containsExactly(new PackageTarget("glibc", OLD, "x86_64"));
            assertThat(p1.job().healthChecks()).isEmpty();
            assertThat(state(s, admin, id)).isEqualTo("pending_approval");
            assertThat(report(s, a1, p1, "SUCCEEDED", OLD, OLD).status()).isEqualTo(200);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("jobId", p2.job().id());
            r.put("status", "FAILED");
            r.put("before", List.of(state("glibc", OLD)));
            r.put("after", List.of(state("glibc", OLD)));
            r.put("detail", "glibc:x86_64 " + OLD + " is in no repository and not cached");
            assertThat(s.call("POST", "/api/v1/agent/jobs/" + p2.job().id() + "/result", a2.credential, r)
                            .status())
                    .isEqualTo(200);
            await("alma-2 blocked", () -> total(s, admin, "/api/v1/deployments/" + id + "/targets?state=blocked") == 1);
            JsonNode blocked = s.call("GET", "/api/v1/deployments/" + id + "/targets?state=blocked", admin, null)
                    .json()
                    .get("items")
                    .get(0);
            assertThat(blocked.get("hostname").asText()).isEqualTo("alma-2");
            assertThat(blocked.get("detail").asText()).contains("not patched").contains("no repository");

            s.call("POST", "/api/v1/deployments/" + id + "/approve", admin, null);
            await("alma-1's install", () -> !jobsFor(s, a1).isEmpty());
            SignedJob install = checkin(s, a1).get(0);
            assertThat(install.job().type()).isEqualTo(JobType.INSTALL);
            assertThat(checkin(s, a2)).as("the blocked host gets nothing").isEmpty();
            assertThat(report(s, a1, install, "SUCCEEDED", OLD, NEW).status()).isEqualTo(200);
            await("completion", () -> state(s, admin, id).equals("completed"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite"})
    void aHostThatNeedsARebootIsRebootedAndDoneOnlyWhenItComesBackFromANewBoot(String kind) throws Exception {
        try (TestServer s = TestServer.start(kind, tmp, Map.of("deployments.tick.seconds", "1"))) {
            String admin = s.adminToken();
            String canary = group(s, admin, "canary");
            Agent a1 = enroll(s, admin, "alma-1", canary);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("reboot", "IF_REQUIRED");
            extra.put("rings", List.of(Map.of("name", "all", "bakeMinutes", 0)));
            String id = s.call("POST", "/api/v1/deployments", admin, spec("kernel", canary, extra))
                    .json()
                    .get("id")
                    .asText();
            s.call("POST", "/api/v1/deployments/" + id + "/approve", admin, null);
            await("the install", () -> !jobsFor(s, a1).isEmpty());
            SignedJob install = checkin(s, a1).get(0);
            assertThat(report(s, a1, install, "SUCCEEDED", OLD, NEW).status()).isEqualTo(200);
            // The agent checks in at once after a job: now it asks for a reboot.
            a1.rebootRequired = true;
            await("the reboot job", () -> {
                List<SignedJob> j = jobsFor(s, a1);
                return !j.isEmpty() && j.get(0).job().type() == JobType.REBOOT;
            });
            SignedJob reboot = checkin(s, a1).get(0);
            assertThat(reboot.job().packages()).isEmpty();
            assertThat(report(s, a1, reboot, "SUCCEEDED", OLD, NEW).status()).isEqualTo(200);
            Thread.sleep(1500);
            assertThat(state(s, admin, id))
                    .as("not done before the host comes back")
                    .isEqualTo("running");
            // Back from a new boot, no longer asking for one.
            a1.bootId = "boot-2";
            a1.rebootRequired = false;
            checkin(s, a1);
            await("completion", () -> state(s, admin, id).equals("completed"));
            JsonNode t = s.call("GET", "/api/v1/deployments/" + id + "/targets", admin, null)
                    .json()
                    .get("items")
                    .get(0);
            assertThat(t.get("state").asText()).isEqualTo("succeeded");
            assertThat(t.get("detail").asText()).contains("installed and rebooted");
            assertThat(s.server.audit().records().stream().map(r -> r.action())).contains("host.rebooted");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aHostThatNeverChecksInIsGivenUpAsOfflineAndTheSuccessRatioDecides(String kind) throws Exception {
        try (TestServer s = TestServer.start(kind, tmp, Map.of("deployments.tick.seconds", "1"))) {
            String admin = s.adminToken();
            String canary = group(s, admin, "canary");
            Agent a1 = enroll(s, admin, "alma-1", canary);
            Agent gone = enroll(s, admin, "alma-2", canary);
            // alma-2 was last seen two hours ago (the database says so; the clock is not faked)
            s.server.database().jdbi().useHandle(h -> h.createUpdate(
                            "UPDATE host SET last_seen_micros = :t WHERE id = :id")
                    .bind("t", (System.currentTimeMillis() - 2 * 3600_000L) * 1000)
                    .bind("id", gone.hostId)
                    .execute());
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("offlineMinutes", 60);
            extra.put("rings", List.of(Map.of("name", "all", "bakeMinutes", 0, "minSuccessRatio", 0.5)));
            String id = s.call("POST", "/api/v1/deployments", admin, spec("one gone", canary, extra))
                    .json()
                    .get("id")
                    .asText();
            s.call("POST", "/api/v1/deployments/" + id + "/approve", admin, null);
            await("alma-1's job", () -> !jobsFor(s, a1).isEmpty());
            assertThat(report(s, a1, checkin(s, a1).get(0), "SUCCEEDED", OLD, NEW)
                            .status())
                    .isEqualTo(200);
            await("completion without alma-2", () -> state(s, admin, id).equals("completed"));
            JsonNode off = s.call("GET", "/api/v1/deployments/" + id + "/targets?state=offline", admin, null)
                    .json();
            assertThat(off.get("total").asInt()).isEqualTo(1);
            assertThat(off.get("items").get(0).get("hostname").asText()).isEqualTo("alma-2");
            assertThat(off.get("items").get(0).get("detail").asText()).contains("not seen for 60 min");
            assertThat(s.call("POST", "/api/v1/deployments", admin, spec("bad", canary, Map.of("offlineMinutes", 1)))
                            .status())
                    .isEqualTo(422);
        }
    }
}
