package dev.fixpoint.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.fixpoint.agent.exec.JobJson;
import dev.fixpoint.agent.exec.JobKeyFile;
import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.inventory.InventoryHash;
import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.SignedJob;
import dev.fixpoint.core.platform.Ecosystem;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The server side of agent protocol v1, minimally, on a real HTTPS socket (the JDK's {@link
 * HttpsServer}): enrollment with one good token (answering with its Ed25519 job key), check-ins that want
 * the inventory when its hash is new and carry the queued jobs, inventory uploads whose hash is recomputed
 * with core's {@link InventoryHash} (422 when it differs), and job results. Like the real server, it sends
 * a queued job with every check-in until it has the job's result; a result for a job it never queued is
 * 404. Tests script failures with {@link #script}: each scripted answer replaces the next response.
 */
public final class FakeServer implements AutoCloseable {

    public static final String TOKEN = "fpe_good-token";
    public static final String CREDENTIAL = "fpa_s3cret";
    public static final String AGENT_ID = "7d1c0f1e-0000-4000-8000-000000000001";
    public static final String HOST_ID = "7d1c0f1e-0000-4000-8000-000000000002";

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** A request as the server received it. */
    /** A request as the server read it; {@code contentEncoding} is how its body came (null: as is). */
    public record Request(String method, String path, String authorization, String body, String contentEncoding) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A scripted answer. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {
        public static Answer of(int status, String body) {
            return new Answer(
                    status, Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8));
        }

        public static Answer withHeader(int status, String header, String value) {
            return new Answer(status, Map.of(header, value), new byte[0]);
        }
    }

    private final HttpsServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Deque<Answer> scripted = new ArrayDeque<>();
    private final List<Map.Entry<String, Answer>> scriptedFor = new ArrayList<>();
    private final Set<String> knownHashes = ConcurrentHashMap.newKeySet();
    private volatile boolean revoked;
    private volatile int nextCheckinSeconds = 300;
    private volatile boolean sendsJobKey = true;
    private final KeyPair jobKey;
    /** Queued jobs by id, as the JSON text each check-in answer carries, until their result comes. */
    private final Map<String, String> pendingJobs = new LinkedHashMap<>();
    /** Job ids the server ever queued, and the results it got. */
    private final Set<String> knownJobs = ConcurrentHashMap.newKeySet();

    private final Map<String, JsonNode> results = new ConcurrentHashMap<>();

    private FakeServer(HttpsServer server) {
        this.server = server;
        try {
            this.jobKey = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts on 127.0.0.1: {@code port} 0 for any free port, or a previous server's port to come back. */
    public static FakeServer start(TestCertificates.Cert cert, int port) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(cert.keyStore(), TestCertificates.PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(ctx));
        FakeServer fake = new FakeServer(s);
        s.createContext("/", fake::handle);
        s.start();
        return fake;
    }

    public URI url() {
        return URI.create("https://127.0.0.1:" + port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    public List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().endsWith(path)).toList();
    }

    /** The next responses, in order, whatever the request. */
    public synchronized FakeServer script(Answer... answers) {
        scripted.addAll(List.of(answers));
        return this;
    }

    /** The next responses to requests whose path contains {@code pathPart}, in order. */
    public synchronized FakeServer scriptFor(String pathPart, Answer... answers) {
        for (Answer a : answers) {
            scriptedFor.add(Map.entry(pathPart, a));
        }
        return this;
    }

    /** From now on every agent request gets 401. */
    public void revoke() {
        revoked = true;
    }

    public void nextCheckinSeconds(int s) {
        nextCheckinSeconds = s;
    }

    /** The key the server signs jobs with; enrollment hands out its public half. */
    public KeyPair jobKey() {
        return jobKey;
    }

    /** Enrollment answers without a job key, as a server from before jobs did. */
    public void withoutJobKey() {
        sendsJobKey = false;
    }

    /** Signs {@code job} with the server's job key. */
    public SignedJob sign(Job job) {
        try {
            return SignedJob.sign(job, jobKey.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs and queues jobs: every check-in answer carries them until their results come. */
    public FakeServer queue(Job... jobs) {
        for (Job j : jobs) {
            queueJson(j.id(), new String(JobJson.toBytes(sign(j)), StandardCharsets.UTF_8));
        }
        return this;
    }

    /** Queues a job as this JSON text, which may be anything (tampered, malformed). */
    public synchronized FakeServer queueJson(String id, String json) {
        pendingJobs.put(id, json);
        knownJobs.add(id);
        return this;
    }

    /** The results received, by job id. */
    public Map<String, JsonNode> results() {
        return Map.copyOf(results);
    }

    /** Forgets the stored inventories, so that the next check-in wants one again. */
    public void forgetInventories() {
        knownHashes.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            // decoded as the real server does (Http.body)
            String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
            byte[] raw = ex.getRequestBody().readAllBytes();
            if ("gzip".equalsIgnoreCase(encoding)) {
                try (java.util.zip.GZIPInputStream in =
                        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
                    raw = in.readAllBytes();
                }
            }
            String body = new String(raw, StandardCharsets.UTF_8);
            Request req = new Request(
                    ex.getRequestMethod(),
                    ex.getRequestURI().getPath(),
                    ex.getRequestHeaders().getFirst("Authorization"),
                    body,
                    encoding);
            requests.add(req);
            Answer a;
            synchronized (this) {
                a = null;
                for (int i = 0; i < scriptedFor.size(); i++) {
                    if (req.path().contains(scriptedFor.get(i).getKey())) {
                        a = scriptedFor.remove(i).getValue();
                        break;
                    }
                }
                if (a == null) {
                    a = scripted.poll();
                }
            }
            if (a == null) {
                a = answer(req);
            }
            a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            ex.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(a.body());
            }
        }
    }

    private Answer answer(Request req) throws IOException {
        JsonNode in;
        try {
            in = JSON.readTree(req.body());
        } catch (IOException e) {
            return problem(400, "malformed JSON");
        }
        switch (req.method() + " " + req.path()) {
            case "POST /api/v1/agent/enroll":
                if (!TOKEN.equals(in.path("token").asText())) {
                    return problem(401, "unknown, expired or revoked enrollment token");
                }
                return Answer.of(
                        201,
                        "{\"agentId\":\"" + AGENT_ID + "\",\"hostId\":\"" + HOST_ID + "\","
                                + "\"credential\":\"" + CREDENTIAL + "\",\"checkinSeconds\":300"
                                + (sendsJobKey ? ",\"jobKey\":\"" + JobKeyFile.format(jobKey.getPublic()) + "\"" : "")
                                + "}");
            case "POST /api/v1/agent/checkin": {
                if (revoked || !("Bearer " + CREDENTIAL).equals(req.authorization())) {
                    return problem(401, "credential revoked");
                }
                boolean wanted = !knownHashes.contains(in.path("inventoryHash").asText());
                String jobs;
                synchronized (this) {
                    jobs = pendingJobs.isEmpty() ? "" : ",\"jobs\":[" + String.join(",", pendingJobs.values()) + "]";
                }
                return Answer.of(
                        200,
                        "{\"inventoryWanted\":" + wanted + ",\"nextCheckinSeconds\":" + nextCheckinSeconds
                                + ",\"serverTime\":\"" + Instant.now() + "\"" + jobs + "}");
            }
            case "PUT /api/v1/agent/inventory": {
                if (revoked || !("Bearer " + CREDENTIAL).equals(req.authorization())) {
                    return problem(401, "credential revoked");
                }
                String hash = recomputedHash(in);
                if (!hash.equals(in.path("inventoryHash").asText())) {
                    return problem(422, "inventoryHash does not match the packages (recomputed " + hash + ")");
                }
                knownHashes.add(hash);
                return Answer.of(
                        200, "{\"packages\":" + in.path("packages").size() + ",\"changed\":0,\"openFindings\":0}");
            }
            default:
                if (req.method().equals("POST") && req.path().matches("/api/v1/agent/jobs/[^/]+/result")) {
                    if (revoked || !("Bearer " + CREDENTIAL).equals(req.authorization())) {
                        return problem(401, "credential revoked");
                    }
                    String id = req.path().split("/")[5];
                    if (!knownJobs.contains(id) || !id.equals(in.path("jobId").asText())) {
                        return problem(404, "no job " + id + " for this host");
                    }
                    results.putIfAbsent(id, in);
                    synchronized (this) {
                        pendingJobs.remove(id);
                    }
                    return Answer.of(200, "{\"accepted\":true}");
                }
                return problem(404, "no such endpoint");
        }
    }

    private static String recomputedHash(JsonNode in) {
        Ecosystem eco = Ecosystem.of(in.path("ecosystem").asText());
        List<InstalledPackage> packages = new ArrayList<>();
        for (JsonNode p : in.path("packages")) {
            packages.add(new InstalledPackage(
                    eco,
                    p.path("name").asText(),
                    p.path("version").asText(),
                    p.path("arch").isNull() ? null : p.path("arch").asText(),
                    p.path("sourceName").asText(null),
                    p.path("sourceVersion").asText(null)));
        }
        return InventoryHash.of(new Inventory(eco, packages, "upload"));
    }

    private static Answer problem(int status, String detail) {
        return new Answer(
                status,
                Map.of("Content-Type", "application/problem+json"),
                ("{\"type\":\"about:blank\",\"title\":\"error\",\"status\":" + status + ",\"detail\":\"" + detail
                                + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
    }
}
