package dev.fixpoint.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.inventory.InventoryHash;
import dev.fixpoint.core.platform.Ecosystem;
import dev.fixpoint.server.platform.Access;
import dev.fixpoint.server.platform.Api;
import dev.fixpoint.server.platform.Problems;
import io.javalin.router.ParsedEndpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real server over HTTPS on SQLite and PostgreSQL: auth on every route, the agent flow, lists, errors. */
class ServerApiTest {

    @TempDir
    Path tmp;

    static final Ecosystem ALMA = Ecosystem.of("AlmaLinux:9");

    static List<Map<String, Object>> packages() {
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(pkg("glibc", "2.34-60.el9", "x86_64"));
        out.add(pkg("libnghttp2", "1.43.0-5.el9", "x86_64"));
        out.add(pkg("bash", "5.1.8-6.el9_1", "x86_64"));
        for (int i = 0; i < 40; i++) {
            out.add(pkg("filler-" + i, "1.0-1.el9", "noarch"));
        }
        return out;
    }

    static Map<String, Object> pkg(String name, String version, String arch) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("version", version);
        m.put("arch", arch);
        m.put("sourceName", name);
        m.put("sourceVersion", version);
        return m;
    }

    static String hashOf(List<Map<String, Object>> pkgs) {
        List<InstalledPackage> list = new ArrayList<>();
        for (Map<String, Object> p : pkgs) {
            list.add(new InstalledPackage(
                    ALMA,
                    (String) p.get("name"),
                    (String) p.get("version"),
                    (String) p.get("arch"),
                    (String) p.get("sourceName"),
                    (String) p.get("sourceVersion")));
        }
        return InventoryHash.of(new Inventory(ALMA, list, "test"));
    }

    static Map<String, Object> checkin(String hash) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("hostname", "alma-1");
        c.put(
                "os",
                Map.of(
                        "id",
                        "almalinux",
                        "versionId",
                        "9.3",
                        "prettyName",
                        "AlmaLinux 9.3",
                        "ecosystem",
                        "AlmaLinux:9"));
        c.put(
                "kernel",
                Map.of("running", "5.14.0-362.8.1.el9_3.x86_64", "installed", List.of("5.14.0-362.8.1.el9_3.x86_64")));
        c.put("rebootRequired", false);
        c.put("inventoryHash", hash);
        c.put(
                "pendingUpdates",
                List.of(Map.of(
                        "name", "glibc",
                        "arch", "x86_64",
                        "installed", "2.34-60.el9",
                        "available", "2.34-100.el9_4.2",
                        "origin", "baseos",
                        "security", true)));
        return c;
    }

    /** Enrolls an agent; returns its credential. */
    static String enroll(TestServer s, String admin, String hostname) throws Exception {
        TestServer.Response t = s.call("POST", "/api/v1/enrollment-tokens", admin, Map.of("description", "test"));
        assertThat(t.status()).as(t.body()).isEqualTo(201);
        String token = t.json().get("secret").asText();
        TestServer.Response e = s.call(
                "POST",
                "/api/v1/agent/enroll",
                null,
                Map.of("token", token, "hostname", hostname, "machineId", "0123abcd", "agentVersion", "test"));
        assertThat(e.status()).as(e.body()).isEqualTo(201);
        return e.json().get("credential").asText();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anAgentReportsAndTheHostShowsItsPackagesFindingsAndPendingUpdates(String kind) throws Exception {
        try (TestServer s = TestServer.start(kind, tmp, Map.of())) {
            String admin = s.adminToken();
            String agent = enroll(s, admin, "alma-1");
            List<Map<String, Object>> pkgs = packages();
            String hash = hashOf(pkgs);

            TestServer.Response c1 = s.call("POST", "/api/v1/agent/checkin", agent, checkin(hash));
            assertThat(c1.status()).as(c1.body()).isEqualTo(200);
            assertThat(c1.json().get("inventoryWanted").asBoolean()).isTrue();

            // A corrupted upload (hash does not match) is refused and stores nothing.
            TestServer.Response bad = s.call(
                    "PUT",
                    "/api/v1/agent/inventory",
                    agent,
                    Map.of(
                            "inventoryHash",
                            "0".repeat(64),
                            "ecosystem",
                            "AlmaLinux:9",
                            "source",
                            "rpm",
                            "packages",
                            pkgs));
            assertThat(bad.status()).isEqualTo(422);
            assertThat(bad.contentType()).startsWith(Problems.CONTENT_TYPE);

            TestServer.Response inv = s.call(
                    "PUT",
                    "/api/v1/agent/inventory",
                    agent,
                    Map.of("inventoryHash", hash, "ecosystem", "AlmaLinux:9", "source", "rpm", "packages", pkgs));
            assertThat(inv.status()).as(inv.body()).isEqualTo(200);
            assertThat(inv.json().get("packages").asInt()).isEqualTo(pkgs.size());

            TestServer.Response c2 = s.call("POST", "/api/v1/agent/checkin", agent, checkin(hash));
            assertThat(c2.json().get("inventoryWanted").asBoolean()).isFalse();

            JsonNode hosts = s.call("GET", "/api/v1/hosts", admin, null).json();
            assertThat(hosts.get("total").asInt()).isEqualTo(1);
            JsonNode h = hosts.get("items").get(0);
            assertThat(h.get("hostname").asText()).isEqualTo("alma-1");
            assertThat(h.get("packageCount").asInt()).isEqualTo(pkgs.size());
            assertThat(h.get("ecosystem").asText()).isEqualTo("AlmaLinux:9");
            assertThat(h.get("pendingUpdates").asInt()).isEqualTo(1);
            assertThat(h.get("pendingSecurityUpdates").asInt()).isEqualTo(1);
            // glibc (ALSA-2024:3339), libnghttp2 (ALSA-2023:6746) and the pending glibc security update.
            assertThat(h.get("openFindings").asInt()).isEqualTo(3);
            String hostId = h.get("id").asText();

            JsonNode findings = s.call("GET", "/api/v1/hosts/" + hostId + "/findings?sort=package", admin, null)
                    .json();
            assertThat(findings.get("total").asInt()).isEqualTo(3);
            JsonNode glibc = null;
            for (JsonNode f : findings.get("items")) {
                if (f.get("advisoryId").asText().equals("ALSA-2024:3339")) {
                    glibc = f;
                }
            }
            assertThat(glibc).isNotNull();
            assertThat(glibc.get("installed").asText()).isEqualTo("2.34-60.el9");
            assertThat(glibc.get("fixed").asText()).isEqualTo("2.34-100.el9_4.2");
            assertThat(glibc.get("evidence").toString()).contains("rpm");
            assertThat(glibc.get("priority").get("severity").asText()).isNotEmpty();

            JsonNode pending = s.call("GET", "/api/v1/hosts/" + hostId + "/pending-updates", admin, null)
                    .json();
            assertThat(pending.get("items").get(0).get("available").asText()).isEqualTo("2.34-100.el9_4.2");
            JsonNode pkgPage = s.call(
                            "GET", "/api/v1/hosts/" + hostId + "/packages?q=filler&limit=5&offset=5", admin, null)
                    .json();
            assertThat(pkgPage.get("total").asInt()).isEqualTo(40);
            assertThat(pkgPage.get("items")).hasSize(5);

            JsonNode adv = s.call("GET", "/api/v1/advisories/ALSA-2024:3339", admin, null)
                    .json();
            assertThat(adv.get(0).get("affectedHosts").get(0).get("hostname").asText())
                    .isEqualTo("alma-1");
            JsonNode filtered = s.call("GET", "/api/v1/findings?package=libnghttp2", admin, null)
                    .json();
            assertThat(filtered.get("total").asInt()).isEqualTo(1);

            // The fix is installed: the findings resolve, with a resolved time.
            List<Map<String, Object>> fixed = packages();
            fixed.set(0, pkg("glibc", "2.34-100.el9_4.2", "x86_64"));
            String hash2 = hashOf(fixed);
            assertThat(s.call("POST", "/api/v1/agent/checkin", agent, checkin(hash2))
                            .json()
                            .get("inventoryWanted")
                            .asBoolean())
                    .isTrue();
            s.call(
                    "PUT",
                    "/api/v1/agent/inventory",
                    agent,
                    Map.of("inventoryHash", hash2, "ecosystem", "AlmaLinux:9", "source", "rpm", "packages", fixed));
            JsonNode resolved = s.call("GET", "/api/v1/findings?status=resolved", admin, null)
                    .json();
            assertThat(resolved.get("items").get(0).get("advisoryId").asText()).isEqualTo("ALSA-2024:3339");
            assertThat(resolved.get("items").get(0).get("resolved").isNull()).isFalse();

            // An operator asks for a fresh inventory: the next check-in says so.
            s.call("POST", "/api/v1/hosts/" + hostId + "/refresh", admin, null);
            assertThat(s.call("POST", "/api/v1/agent/checkin", agent, checkin(hash2))
                            .json()
                            .get("inventoryWanted")
                            .asBoolean())
                    .isTrue();

            JsonNode verify = s.call("GET", "/api/v1/audit/verify", admin, null).json();
            assertThat(verify.get("intact").asBoolean()).isTrue();
            JsonNode audit =
                    s.call("GET", "/api/v1/audit?action=agent.", admin, null).json();
            assertThat(audit.get("items").get(0).get("action").asText()).isEqualTo("agent.enrolled");
        }
    }

    static byte[] gzip(byte[] body) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
            z.write(body);
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void gzipUploadsAreAcceptedAndBadOnesRefusedByNameAndCheckInsAreSeen(String kind) throws Exception {
        try (TestServer s = TestServer.start(kind, tmp, Map.of())) {
            String admin = s.adminToken();
            String agent = enroll(s, admin, "alma-gz");
            List<Map<String, Object>> pkgs = packages();
            String hash = hashOf(pkgs);
            Map<String, String> gz = Map.of("Content-Type", "application/json", "Content-Encoding", "gzip");
            byte[] body = s.json.writeValueAsBytes(
                    Map.of("inventoryHash", hash, "ecosystem", "AlmaLinux:9", "source", "rpm", "packages", pkgs));
            TestServer.Response ok = s.callBytes("PUT", "/api/v1/agent/inventory", agent, gzip(body), gz);
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(ok.json().get("packages").asInt()).isEqualTo(pkgs.size());

            // Damaged, unknown and explosive encodings are refused by name, and the stored inventory stays.
            List<Map<String, Object>> other = packages();
            other.set(0, pkg("glibc", "2.34-100.el9_4.2", "x86_64"));
            byte[] otherBody = s.json.writeValueAsBytes(Map.of(
                    "inventoryHash", hashOf(other), "ecosystem", "AlmaLinux:9", "source", "rpm", "packages", other));
            byte[] damaged = gzip(otherBody);
            damaged[damaged.length / 2] ^= 0x55;
            TestServer.Response bad = s.callBytes("PUT", "/api/v1/agent/inventory", agent, damaged, gz);
            assertThat(bad.status()).as(bad.body()).isIn(400, 422);
            assertThat(bad.contentType()).startsWith(Problems.CONTENT_TYPE);
            TestServer.Response notGzip = s.callBytes("PUT", "/api/v1/agent/inventory", agent, otherBody, gz);
            assertThat(notGzip.status()).isEqualTo(400);
            assertThat(notGzip.json().get("detail").asText()).contains("not valid gzip");
            TestServer.Response br = s.callBytes(
                    "PUT",
                    "/api/v1/agent/inventory",
                    agent,
                    otherBody,
                    Map.of("Content-Type", "application/json", "Content-Encoding", "br"));
            assertThat(br.status()).isEqualTo(415);
            assertThat(br.json().get("detail").asText()).contains("\"br\"");
            // 65 MiB of spaces before the JSON: about 65 KB compressed, over the limit once decompressed
            byte[] bomb;
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
                byte[] spaces = new byte[1 << 20];
                java.util.Arrays.fill(spaces, (byte) ' ');
                for (int i = 0; i < 65; i++) {
                    z.write(spaces);
                }
                z.write(otherBody);
            }
            bomb = out.toByteArray();
            assertThat(bomb.length).isLessThan(1 << 20);
            TestServer.Response boom = s.callBytes("PUT", "/api/v1/agent/inventory", agent, bomb, gz);
            assertThat(boom.status()).isEqualTo(413);
            assertThat(boom.json().get("detail").asText()).contains("once decompressed");
            JsonNode host = s.call("GET", "/api/v1/hosts", admin, null)
                    .json()
                    .get("items")
                    .get(0);
            assertThat(host.get("packageCount").asInt()).isEqualTo(pkgs.size());
            String hostId = host.get("id").asText();
            JsonNode glibc = s.call("GET", "/api/v1/hosts/" + hostId + "/packages?q=glibc", admin, null)
                    .json();
            assertThat(glibc.toString()).contains("2.34-60.el9").doesNotContain("2.34-100.el9_4.2");

            // An unchanged check-in is recorded behind (within about a second), never backwards.
            long before = lastSeen(s, hostId);
            Thread.sleep(20);
            TestServer.Response c = s.call("POST", "/api/v1/agent/checkin", agent, checkin(hash));
            assertThat(c.json().get("inventoryWanted").asBoolean()).isFalse();
            java.time.Instant served =
                    java.time.Instant.parse(c.json().get("serverTime").asText());
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (lastSeen(s, hostId) < dev.fixpoint.server.platform.Micros.of(served)
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(lastSeen(s, hostId))
                    .isEqualTo(dev.fixpoint.server.platform.Micros.of(served))
                    .isGreaterThan(before);
        }
    }

    private static long lastSeen(TestServer s, String hostId) {
        return s.server.database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT last_seen_micros FROM host WHERE id = :id")
                .bind("id", hostId)
                .mapTo(Long.class)
                .one());
    }

    @Test
    void everyRouteRequiresTheRightCredentialExceptHealthReadinessLoginAndEnrollment() throws Exception {
        try (TestServer s = TestServer.start("sqlite", tmp, Map.of())) {
            String admin = s.adminToken();
            for (String role : List.of("operator", "auditor")) {
                TestServer.Response u = s.call(
                        "POST",
                        "/api/v1/users",
                        admin,
                        Map.of("username", role + "1", "password", "a long enough password", "role", role));
                assertThat(u.status()).as(u.body()).isEqualTo(201);
            }
            String operator = s.tokenFor("operator1", "a long enough password");
            String auditor = s.tokenFor("auditor1", "a long enough password");
            String agent = enroll(s, admin, "host-a");
            String forged = "fpt_" + "A".repeat(43);

            // The routes Javalin actually serves are exactly the declared ones, each with one access rule.
            Set<String> served = new HashSet<>();
            for (ParsedEndpoint e : s.server.javalin().unsafe.internalRouter.allHttpHandlers()) {
                if (Set.of("BEFORE", "BEFORE_MATCHED", "AFTER_MATCHED", "AFTER").contains(e.endpoint.method.name())) {
                    continue; // filters, not routes
                }
                served.add(e.endpoint.method.name() + " " + e.endpoint.path);
            }
            Set<String> declared = new HashSet<>();
            for (Api.Route r : s.server.routes()) {
                declared.add(r.method() + " " + r.path());
                assertThat(r.access()).isNotNull();
            }
            Set<String> extra = new HashSet<>(served);
            extra.removeAll(declared);
            Set<String> missing = new HashSet<>(declared);
            missing.removeAll(served);
            assertThat(extra).as("served but not declared").isEmpty();
            assertThat(missing).as("declared but not served").isEmpty();
            assertThat(declared).hasSizeGreaterThan(30);

            for (Api.Route r : s.server.routes()) {
                String path = r.path().replaceAll("\\{[a-zA-Z]+}", "no-such-id");
                String what = r.method() + " " + r.path();
                TestServer.Response anon = s.call(r.method(), path, null, null);
                switch (r.access()) {
                    case PUBLIC:
                        assertThat(r.path()).isIn("/healthz", "/readyz", "/api/v1/auth/login");
                        assertThat(anon.status()).as(what).isNotIn(401, 403);
                        break;
                    case ENROLL:
                        assertThat(r.path()).isEqualTo("/api/v1/agent/enroll");
                        assertThat(anon.status()).as(what).isBetween(400, 499);
                        break;
                    case AGENT:
                        assertThat(anon.status()).as(what).isEqualTo(401);
                        assertThat(s.call(r.method(), path, admin, null).status())
                                .as(what + " as admin")
                                .isEqualTo(401);
                        assertThat(s.call(r.method(), path, agent, null).status())
                                .as(what + " as agent")
                                .isNotIn(401, 403);
                        break;
                    default:
                        assertThat(anon.status()).as(what).isEqualTo(401);
                        assertThat(anon.contentType()).as(what).startsWith(Problems.CONTENT_TYPE);
                        assertThat(anon.raw().headers().firstValue("WWW-Authenticate"))
                                .as(what)
                                .isPresent();
                        assertThat(s.call(r.method(), path, forged, null).status())
                                .as(what + " forged")
                                .isEqualTo(401);
                        assertThat(s.call(r.method(), path, agent, null).status())
                                .as(what + " as agent")
                                .isEqualTo(401);
                        int asAuditor = s.call(r.method(), path, auditor, null).status();
                        int asOperator =
                                s.call(r.method(), path, operator, null).status();
                        if (r.access() == Access.READ) {
                            assertThat(asAuditor).as(what + " as auditor").isNotIn(401, 403);
                        } else {
                            assertThat(asAuditor).as(what + " as auditor").isEqualTo(403);
                        }
                        if (r.access() == Access.ADMIN) {
                            assertThat(asOperator).as(what + " as operator").isEqualTo(403);
                        } else {
                            assertThat(asOperator).as(what + " as operator").isNotIn(401, 403);
                        }
                }
            }
        }
    }

    @Test
    void loginIsThrottledSessionsNeedCsrfAndErrorsNeverEchoSecrets() throws Exception {
        try (TestServer s = TestServer.start("sqlite", tmp, Map.of("login.max.failures", "3"))) {
            for (int i = 0; i < 3; i++) {
                TestServer.Response r = s.call(
                        "POST",
                        "/api/v1/auth/login",
                        null,
                        Map.of("username", "admin", "password", "guess-" + i + "-secret"));
                assertThat(r.status()).isEqualTo(401);
                assertThat(r.body()).doesNotContain("guess-" + i + "-secret");
            }
            TestServer.Response throttled = s.call(
                    "POST",
                    "/api/v1/auth/login",
                    null,
                    Map.of("username", "admin", "password", TestServer.ADMIN_PASSWORD));
            assertThat(throttled.status()).isEqualTo(429);
            assertThat(throttled.raw().headers().firstValue("Retry-After")).isPresent();
            assertThat(s.server.audit().records().stream()
                            .filter(r -> r.action().equals("auth.login.failed")))
                    .hasSize(3);
        }
        try (TestServer s = TestServer.start("sqlite", tmp.resolve("b"), Map.of())) {
            TestServer.Response login = s.call(
                    "POST",
                    "/api/v1/auth/login",
                    null,
                    Map.of("username", "admin", "password", TestServer.ADMIN_PASSWORD));
            String setCookie = login.raw().headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(setCookie).contains("HttpOnly").contains("Secure").containsIgnoringCase("SameSite=Strict");
            String cookie = setCookie.split(";")[0];
            String csrf = login.json().get("csrfToken").asText();
            Map<String, Object> body = Map.of("name", "x");
            assertThat(s.call("POST", "/api/v1/tokens", null, body, Map.of("Cookie", cookie))
                            .status())
                    .isEqualTo(403);
            assertThat(s.call("POST", "/api/v1/tokens", null, body, Map.of("Cookie", cookie, "X-CSRF-Token", "wrong"))
                            .status())
                    .isEqualTo(403);
            TestServer.Response ok =
                    s.call("POST", "/api/v1/tokens", null, body, Map.of("Cookie", cookie, "X-CSRF-Token", csrf));
            assertThat(ok.status()).isEqualTo(201);
            String secret = ok.json().get("secret").asText();
            // Only the digest is stored; the secret appears nowhere in the database or the audit log.
            String stored = s.server.database().jdbi().withHandle(h -> h.createQuery("SELECT token_hash FROM api_token")
                    .mapTo(String.class)
                    .one());
            assertThat(stored).doesNotContain(secret).hasSize(64);
            assertThat(s.server.audit().records().toString())
                    .doesNotContain(secret)
                    .doesNotContain(TestServer.ADMIN_PASSWORD);
            // Revoked tokens stop working at once.
            String tokenId = ok.json().get("token").get("id").asText();
            assertThat(s.call("GET", "/api/v1/auth/me", secret, null).status()).isEqualTo(200);
            assertThat(s.call("DELETE", "/api/v1/tokens/" + tokenId, secret, null)
                            .status())
                    .isEqualTo(204);
            assertThat(s.call("GET", "/api/v1/auth/me", secret, null).status()).isEqualTo(401);
            // Logout ends the session.
            s.call("POST", "/api/v1/auth/logout", null, null, Map.of("Cookie", cookie, "X-CSRF-Token", csrf));
            assertThat(s.call("GET", "/api/v1/auth/me", null, null, Map.of("Cookie", cookie))
                            .status())
                    .isEqualTo(401);
        }
    }

    @Test
    void guessingEnrollmentTokensIsThrottledPerAddress() throws Exception {
        try (TestServer s = TestServer.start("sqlite", tmp, Map.of("login.max.failures", "1"))) {
            Map<String, Object> guess =
                    Map.of("token", "fpe_" + "D".repeat(43), "hostname", "guesser", "machineId", "");
            for (int i = 0; i < 4; i++) {
                assertThat(s.call("POST", "/api/v1/agent/enroll", null, guess).status())
                        .isEqualTo(401);
            }
            TestServer.Response throttled = s.call("POST", "/api/v1/agent/enroll", null, guess);
            assertThat(throttled.status()).isEqualTo(429);
            assertThat(throttled.raw().headers().firstValue("Retry-After")).isPresent();
            assertThat(s.server.audit().records().stream()
                            .filter(r -> r.action().equals("agent.enroll.refused")))
                    .hasSize(4);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void badAndHostileInputGetsProblemDetailsAndChangesNothing(String kind) throws Exception {
        try (TestServer s = TestServer.start(kind, tmp, Map.of())) {
            String admin = s.adminToken();
            String agent = enroll(s, admin, "host-b");
            long auditBefore = s.server.audit().records().size();
            Map<String, Integer> cases = new LinkedHashMap<>();
            cases.put("GET /api/v1/hosts?limit=0", 400);
            cases.put("GET /api/v1/hosts?limit=abc", 400);
            cases.put("GET /api/v1/hosts?sort=password", 400);
            cases.put("GET /api/v1/hosts?sort=hostname;DROP%20TABLE%20host", 400);
            cases.put("GET /api/v1/hosts?colour=red", 400);
            cases.put("GET /api/v1/findings?severity=catastrophic", 400);
            cases.put("GET /api/v1/findings?epssMin=2", 400);
            cases.put("GET /api/v1/hosts/..%2F..%2Fetc%2Fpasswd", 404);
            cases.put("GET /api/v1/cves/not-a-cve", 400);
            cases.put("GET /api/v1/no-such-route", 404);
            for (Map.Entry<String, Integer> c : cases.entrySet()) {
                String[] mp = c.getKey().split(" ", 2);
                TestServer.Response r = s.call(mp[0], mp[1], admin, null);
                assertThat(r.status()).as(c.getKey() + ": " + r.body()).isEqualTo(c.getValue());
                assertThat(r.contentType()).as(c.getKey()).startsWith(Problems.CONTENT_TYPE);
                assertThat(r.json().get("detail").asText()).as(c.getKey()).isNotEmpty();
            }
            // Injection in a filter value is just a value.
            TestServer.Response inj = s.call("GET", "/api/v1/hosts?q=%27%20OR%201%3D1%20--", admin, null);
            assertThat(inj.status()).isEqualTo(200);
            assertThat(inj.json().get("total").asInt()).isZero();

            String[] bodies = {
                "{not json",
                "[]",
                "null",
                "{\"hostname\": \"x\", \"unknownField\": 1}",
                "{" + "\"a\":{".repeat(200) + "}"
            };
            for (String b : bodies) {
                TestServer.Response r = s.call("POST", "/api/v1/groups", admin, b);
                assertThat(r.status()).as(b).isBetween(400, 422);
                assertThat(r.contentType()).startsWith(Problems.CONTENT_TYPE);
            }
            TestServer.Response wrongType =
                    s.call("POST", "/api/v1/groups", admin, null, Map.of("Content-Type", "text/plain"));
            assertThat(wrongType.status()).isEqualTo(415);
            TestServer.Response badInv = s.call(
                    "PUT",
                    "/api/v1/agent/inventory",
                    agent,
                    Map.of("ecosystem", "Nonsense OS", "packages", List.of(Map.of("name", "x", "version", "1"))));
            assertThat(badInv.status()).isEqualTo(422);
            TestServer.Response badHost = s.call(
                    "POST",
                    "/api/v1/agent/enroll",
                    null,
                    Map.of("token", "fpe_" + "B".repeat(43), "hostname", "../../etc", "machineId", ""));
            assertThat(badHost.status()).isIn(401, 422);
            TestServer.Response forgedEnroll = s.call(
                    "POST",
                    "/api/v1/agent/enroll",
                    null,
                    Map.of("token", "fpe_" + "C".repeat(43), "hostname", "intruder", "machineId", ""));
            assertThat(forgedEnroll.status()).isEqualTo(401);
            assertThat(s.server.audit().records().stream().map(r -> r.action())).contains("agent.enroll.refused");
            // None of that changed state (the refused enrollment is itself audited, nothing else).
            assertThat(s.server.audit().records().stream()
                            .skip(auditBefore)
                            .map(r -> r.action())
                            .filter(a -> !a.equals("agent.enroll.refused")))
                    .isEmpty();
            JsonNode hosts = s.call("GET", "/api/v1/hosts", admin, null).json();
            assertThat(hosts.get("items").get(0).get("packageCount").asInt()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void hostAttributesGroupsAndTheOpenApiDocument(String kind) throws Exception {
        try (TestServer s = TestServer.start(kind, tmp, Map.of())) {
            String admin = s.adminToken();
            for (String h : List.of("web-1", "web-2", "db-1")) {
                enroll(s, admin, h);
            }
            JsonNode hosts = s.call("GET", "/api/v1/hosts?sort=-hostname&limit=2", admin, null)
                    .json();
            assertThat(hosts.get("total").asInt()).isEqualTo(3);
            assertThat(hosts.get("items").get(0).get("hostname").asText()).isEqualTo("web-2");
            assertThat(hosts.get("items")).hasSize(2);
            String web1 = s.call("GET", "/api/v1/hosts?q=web-1", admin, null)
                    .json()
                    .get("items")
                    .get(0)
                    .get("id")
                    .asText();
            TestServer.Response patched = s.call(
                    "PATCH",
                    "/api/v1/hosts/" + web1,
                    admin,
                    Map.of("criticality", "high", "exposure", "internet", "labels", Map.of("env", "prod")));
            assertThat(patched.status()).as(patched.body()).isEqualTo(200);
            assertThat(patched.json().get("criticality").asText()).isEqualTo("high");
            assertThat(patched.json().get("labels").get("env").asText()).isEqualTo("prod");
            assertThat(s.call("PATCH", "/api/v1/hosts/" + web1, admin, Map.of("criticality", "extreme"))
                            .status())
                    .isEqualTo(422);

            TestServer.Response g = s.call(
                    "POST",
                    "/api/v1/groups",
                    admin,
                    Map.of("name", "web servers", "rule", Map.of("hostname", "web-*")));
            assertThat(g.status()).as(g.body()).isEqualTo(201);
            String gid = g.json().get("id").asText();
            JsonNode members = s.call("GET", "/api/v1/groups/" + gid + "/hosts", admin, null)
                    .json();
            assertThat(members.get("total").asInt()).isEqualTo(2);
            JsonNode prod =
                    s.call("GET", "/api/v1/hosts?label=env=prod", admin, null).json();
            assertThat(prod.get("total").asInt()).isEqualTo(1);
            assertThat(s.server.audit().records().stream().map(r -> r.action()))
                    .contains("host.updated", "group.created", "enrollment_token.created", "agent.enrolled");

            JsonNode doc = s.call("GET", "/api/v1/openapi.json", admin, null).json();
            assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
            for (Api.Route r : s.server.routes()) {
                assertThat(doc.get("paths").get(r.path())).as(r.path()).isNotNull();
                assertThat(doc.get("paths").get(r.path()).get(r.method().toLowerCase(java.util.Locale.ROOT)))
                        .as(r.method() + " " + r.path())
                        .isNotNull();
            }
            String metrics = s.call("GET", "/metrics", admin, null).body();
            assertThat(metrics).contains("fixpoint_agent_checkins_total").contains("fixpoint_http_request_seconds");
        }
    }
}
