package dev.fixpoint.app.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.agent.client.Fingerprint;
import dev.fixpoint.agent.client.PinnedTrustManager;
import dev.fixpoint.app.ExitException;
import dev.fixpoint.server.platform.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * The operator commands' side of the REST API: one request per call with the API token as a bearer
 * credential, JSON bodies, and every failure turned into one printable {@link ExitException}: the
 * server's problem details ({@code title: detail}, exit {@link #EXIT_REFUSED}) or why it could not be
 * reached or trusted (exit {@link #EXIT_UNREACHABLE}). The token never appears in any message.
 */
public final class ApiClient {

    /** The server answered with an error (problem details): the request was refused. */
    public static final int EXIT_REFUSED = 1;

    /** The server could not be reached, its certificate is not trusted, or it does not speak the API. */
    public static final int EXIT_UNREACHABLE = 3;

    /** Answers are read up to this size; a larger one is refused (a page holds at most 500 items). */
    static final int MAX_ANSWER_BYTES = 64 << 20;

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** A 2xx answer: its status and body (empty for 204). */
    public record Answer(int status, String body) {}

    private final URI base;
    private final HttpClient http;
    private final String token;
    private final ObjectMapper json = Json.mapper();

    ApiClient(URI base, Fingerprint pin, String token) {
        this.base = base;
        this.token = token;
        this.http = http(pin);
    }

    public URI base() {
        return base;
    }

    public Answer get(String path) {
        return send("GET", path, null);
    }

    public Answer post(String path, Object body) {
        return send("POST", path, body);
    }

    public Answer put(String path, Object body) {
        return send("PUT", path, body);
    }

    public Answer delete(String path) {
        return send("DELETE", path, null);
    }

    /** The answer's body as JSON; an answer that is not JSON means this is not a Fixpoint server. */
    public JsonNode json(Answer a) {
        try {
            return json.readTree(a.body());
        } catch (JsonProcessingException e) {
            throw new ExitException(
                    EXIT_UNREACHABLE,
                    base + " answered HTTP " + a.status() + " with something that is not JSON; is --server the"
                            + " address of a Fixpoint server?");
        }
    }

    /** {@code path?name=value&…} with the values URL-encoded; null values left out. */
    public static String query(String path, Map<String, Object> params) {
        StringBuilder sb = new StringBuilder(path);
        char sep = '?';
        for (Map.Entry<String, Object> e : params.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            sb.append(sep)
                    .append(e.getKey())
                    .append('=')
                    .append(URLEncoder.encode(String.valueOf(e.getValue()), StandardCharsets.UTF_8));
            sep = '&';
        }
        return sb.toString();
    }

    /** One path segment (an id as the user typed it), encoded so it cannot reach another route. */
    public static String segment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Paging parameters for a list call. */
    public static Map<String, Object> paging(Integer limit, Integer offset, String sort) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("limit", limit);
        m.put("offset", offset);
        m.put("sort", sort);
        return m;
    }

    private Answer send(String method, String path, Object body) {
        URI uri = URI.create(base + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + token)
                .header("User-Agent", "fixpoint-cli/" + version());
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(text(body), StandardCharsets.UTF_8));
        }
        HttpResponse<InputStream> response;
        byte[] bytes;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
            }
        } catch (IOException e) {
            throw connectionFailure(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExitException(EXIT_UNREACHABLE, "interrupted while waiting for " + base);
        }
        int status = response.statusCode();
        if (bytes.length > MAX_ANSWER_BYTES) {
            throw new ExitException(
                    EXIT_UNREACHABLE,
                    method + " " + path + ": the answer is larger than " + MAX_ANSWER_BYTES + " bytes; refused");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (status >= 200 && status < 300) {
            return new Answer(status, text);
        }
        if (status >= 300 && status < 400) {
            throw new ExitException(
                    EXIT_UNREACHABLE,
                    base + " answered HTTP " + status + " (a redirect, not followed): give the server's own address"
                            + " with --server");
        }
        throw new ExitException(EXIT_REFUSED, redact(problem(status, text)));
    }

    private String text(Object body) {
        if (body instanceof String) {
            return (String) body;
        }
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** {@code title: detail} of an RFC 9457 answer, or the status and the start of whatever came. */
    private String problem(int status, String text) {
        try {
            JsonNode p = json.readTree(text);
            if (p != null && p.isObject() && p.hasNonNull("title")) {
                String title = p.get("title").asText();
                String detail = p.path("detail").asText("");
                return Text.safe(detail.isBlank() ? title : title + ": " + detail, 2000);
            }
        } catch (JsonProcessingException e) {
            // not problem details: say what came instead
        }
        String start = text.strip();
        return "HTTP " + status + (start.isEmpty() ? "" : ": " + Text.safe(start, 200));
    }

    private ExitException connectionFailure(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PinnedTrustManager.PinMismatchException) {
                return new ExitException(
                        EXIT_UNREACHABLE,
                        "certificate fingerprint mismatch at " + base + ": " + t.getMessage()
                                + "; if the server's certificate was renewed, check the new fingerprint it printed"
                                + " and give it with --fingerprint or FIXPOINT_FINGERPRINT");
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                String why = String.valueOf(t.getMessage()).contains("PKIX")
                        ? "its certificate is not issued by an authority in the JDK's trust store"
                        : Text.safe(t.getMessage(), 300);
                return new ExitException(
                        EXIT_UNREACHABLE,
                        "cannot trust " + base + ": " + redact(why)
                                + "; for a server with a self-signed certificate give the SHA-256 fingerprint it"
                                + " printed with --fingerprint or FIXPOINT_FINGERPRINT");
            }
        }
        String reason;
        if (e instanceof HttpConnectTimeoutException) {
            reason = "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
        } else if (e instanceof HttpTimeoutException) {
            reason = "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
        } else if (e instanceof ConnectException) {
            reason = "connection refused or unreachable";
        } else if (e instanceof SSLException) {
            reason = "TLS failed: " + Text.safe(e.getMessage(), 300);
        } else {
            reason = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        return new ExitException(EXIT_UNREACHABLE, "cannot reach " + base + ": " + redact(Text.safe(reason, 300)));
    }

    /** Belt and braces: no text printed may carry the token, whatever a server or library put in it. */
    String redact(String s) {
        return token.isEmpty() ? s : s.replace(token, "[token]");
    }

    private static String version() {
        String v = ApiClient.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    private static HttpClient http(Fingerprint pin) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT);
        if (pin != null) {
            try {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] {new PinnedTrustManager(pin)}, null);
                SSLParameters params = ctx.getDefaultSSLParameters();
                // The pin is the server's identity: the host name does not matter (PinnedTrustManager).
                params.setEndpointIdentificationAlgorithm(null);
                b.sslContext(ctx).sslParameters(params);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK cannot set up TLS: " + e.getMessage(), e);
            }
        }
        return b.build();
    }
}
