package dev.fixpoint.app.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** HTTPS to a test server started in this JVM: trust exactly its certificate, log in, make a token. */
public final class ServerHttps {
    private ServerHttps() {}

    /** A client that trusts exactly the certificate the server keeps in {@code tls} (its data dir's). */
    public static HttpClient client(Path tls) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        char[] pw = Files.readString(tls.resolve("server.p12.password")).strip().toCharArray();
        try (InputStream in = Files.newInputStream(tls.resolve("server.p12"))) {
            ks.load(in, pw);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", ks.getCertificate("fixpoint"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).build();
    }

    /** Logs in as {@code admin} and makes an API token, as an operator would in the browser. */
    public static String adminToken(HttpClient http, ObjectMapper json, String url, String password) throws Exception {
        HttpResponse<String> login = http.send(
                HttpRequest.newBuilder(URI.create(url + "/api/v1/auth/login"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                json.writeValueAsString(Map.of("username", "admin", "password", password))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String csrf = json.readTree(login.body()).get("csrfToken").asText();
        HttpResponse<String> tok = http.send(
                HttpRequest.newBuilder(URI.create(url + "/api/v1/tokens"))
                        .header("Content-Type", "application/json")
                        .header("Cookie", cookie)
                        .header("X-CSRF-Token", csrf)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"test\",\"expiresInDays\":1}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tok.statusCode()).as(tok.body()).isEqualTo(201);
        return json.readTree(tok.body()).get("secret").asText();
    }
}
