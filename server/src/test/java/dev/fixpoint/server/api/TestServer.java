package dev.fixpoint.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.server.FixpointServer;
import dev.fixpoint.server.platform.Json;
import dev.fixpoint.server.platform.ServerConfig;
import dev.fixpoint.server.platform.TestDatabases;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real server for API tests: real database (SQLite or PostgreSQL), real HTTPS on a free port, feeds
 * from the test resources, and a client that trusts exactly this server's certificate.
 */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN_PASSWORD = "correct horse battery staple";

    public FixpointServer server;
    public final HttpClient http;
    public final ObjectMapper json = Json.mapper();
    private final AutoCloseable drop;
    private ServerConfig config;

    public record Response(int status, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public String contentType() {
            return raw.headers().firstValue("Content-Type").orElse("");
        }
    }

    public static TestServer start(String dbKind, Path tmp, Map<String, String> extra) throws Exception {
        TestDatabases.Fresh db = TestDatabases.create(dbKind, tmp);
        Path data = tmp.resolve("data-" + System.nanoTime());
        Path feeds = data.resolve("feeds");
        Files.createDirectories(feeds);
        for (String f : new String[] {"ALSA-2023:6746.json", "ALSA-2024:3339.json"}) {
            try (InputStream in = TestServer.class.getResourceAsStream("/advisories/" + f)) {
                Files.copy(in, feeds.resolve(f.replace(':', '_')));
            }
        }
        Map<String, String> o = new LinkedHashMap<>();
        o.put("data.dir", data.toString());
        o.put("listen.host", "127.0.0.1");
        o.put("listen.port", "0");
        o.put("database.url", db.config().jdbcUrl());
        if (db.config().user() != null) {
            o.put("database.user", db.config().user());
        }
        o.put("admin.password", ADMIN_PASSWORD);
        o.put("feeds.snapshot", "false");
        o.put("feeds.sync.interval.minutes", "0");
        o.putAll(extra);
        ServerConfig config = ServerConfig.load(null, Map.of(), o);
        FixpointServer server = FixpointServer.start(config, false, Clock.systemUTC(), System.out);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!server.feedsReady() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        TestServer t = new TestServer(server, data, db.drop());
        t.config = config;
        return t;
    }

    /** Stops the server and starts a new one on the same database and data directory (a restart). */
    public void restart() throws Exception {
        server.close();
        server = FixpointServer.start(config, false, Clock.systemUTC(), System.out);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!server.feedsReady() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private TestServer(FixpointServer server, Path data, AutoCloseable drop) throws Exception {
        this.server = server;
        this.drop = drop;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (server.url().getScheme().equals("https")) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            Path dir = data.resolve("tls");
            char[] pw =
                    Files.readString(dir.resolve("server.p12.password")).strip().toCharArray();
            try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
                ks.load(in, pw);
            }
            trust.setCertificateEntry("server", ks.getCertificate("fixpoint"));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), new SecureRandom());
            b.sslContext(ssl);
        }
        this.http = b.build();
    }

    public URI uri(String path) {
        return URI.create(server.url().toString().replace("localhost", "127.0.0.1") + path);
    }

    public Response call(String method, String path, String bearer, Object body) throws Exception {
        return call(method, path, bearer, body, Map.of());
    }

    public Response call(String method, String path, String bearer, Object body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60));
        if (bearer != null) {
            r.header("Authorization", "Bearer " + bearer);
        }
        headers.forEach(r::header);
        if (body == null) {
            r.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            String s = body instanceof String ? (String) body : json.writeValueAsString(body);
            r.header("Content-Type", "application/json");
            r.method(method, HttpRequest.BodyPublishers.ofString(s));
        }
        HttpResponse<String> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(resp.statusCode(), resp.body(), resp);
    }

    /** Sends {@code body} as it is, with the headers given (Content-Type included). */
    public Response callBytes(String method, String path, String bearer, byte[] body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60));
        if (bearer != null) {
            r.header("Authorization", "Bearer " + bearer);
        }
        headers.forEach(r::header);
        r.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<String> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(resp.statusCode(), resp.body(), resp);
    }

    /** Logs in as admin and creates an API token of that user. */
    public String adminToken() throws Exception {
        return tokenFor("admin", ADMIN_PASSWORD);
    }

    public String tokenFor(String user, String password) throws Exception {
        HttpResponse<String> login = http.send(
                HttpRequest.newBuilder(uri("/api/v1/auth/login"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                json.writeValueAsString(Map.of("username", user, "password", password))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (login.statusCode() != 200) {
            throw new AssertionError("login " + user + ": " + login.statusCode() + " " + login.body());
        }
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String csrf = json.readTree(login.body()).get("csrfToken").asText();
        HttpResponse<String> tok = http.send(
                HttpRequest.newBuilder(uri("/api/v1/tokens"))
                        .header("Content-Type", "application/json")
                        .header("Cookie", cookie)
                        .header("X-CSRF-Token", csrf)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"test\",\"expiresInDays\":1}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (tok.statusCode() != 201) {
            throw new AssertionError("token: " + tok.statusCode() + " " + tok.body());
        }
        return json.readTree(tok.body()).get("secret").asText();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            try {
                drop.close();
            } catch (Exception e) {
                throw new IllegalStateException("dropping the test database", e);
            }
        }
    }
}
