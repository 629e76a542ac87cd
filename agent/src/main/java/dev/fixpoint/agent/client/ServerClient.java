package dev.fixpoint.agent.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * The agent's side of protocol v1 over the JDK HTTP client: one request per call, bodies as JSON, a
 * response larger than {@link #MAX_RESPONSE_BYTES} or not following the protocol refused with a clear
 * {@link ServerException} instead of being trusted. TLS is pinned ({@link #pinned}) or, at enrollment
 * without a pin, the JDK's own trust with the certificate remembered ({@link #firstUse}).
 */
public final class ServerClient {

    /** Responses are small JSON objects; anything larger is refused unread. */
    public static final int MAX_RESPONSE_BYTES = 1 << 20;

    /** The longest {@code Retry-After} honoured, so that a misbehaving server cannot silence an agent. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);

    static final ObjectMapper JSON = JsonMapper.builder()
            // A job inside a check-in answer is checked field by field: a key given twice must not
            // silently mean its last value.
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final HttpClient http;
    private final FirstUseTrustManager firstUse;
    private final String credential;
    private final Clock clock;

    private ServerClient(URI base, HttpClient http, FirstUseTrustManager firstUse, String credential, Clock clock) {
        this.base = base;
        this.http = http;
        this.firstUse = firstUse;
        this.credential = credential;
        this.clock = clock;
    }

    /** A client that trusts exactly the certificate with this fingerprint. */
    public static ServerClient pinned(URI base, Fingerprint pin) {
        return new ServerClient(base, http(new PinnedTrustManager(pin)), null, null, Clock.systemUTC());
    }

    /**
     * A client that trusts what the JDK trusts (CA chain and host name) and remembers the certificate it
     * saw ({@link #seenFingerprint()}).
     *
     * @param trustStore CA certificates, or null for the JDK's default trust store
     */
    public static ServerClient firstUse(URI base, KeyStore trustStore) throws GeneralSecurityException {
        FirstUseTrustManager tm = new FirstUseTrustManager(trustStore);
        return new ServerClient(base, http(tm), tm, null, Clock.systemUTC());
    }

    /** This client, sending {@code Authorization: Bearer credential}. */
    public ServerClient withCredential(String credential) {
        return new ServerClient(base, http, firstUse, credential, clock);
    }

    /** This client, reading HTTP-date {@code Retry-After} values against {@code clock}. */
    public ServerClient withClock(Clock clock) {
        return new ServerClient(base, http, firstUse, credential, clock);
    }

    /** The certificate accepted on first use, after a handshake; empty for a pinned client. */
    public Optional<Fingerprint> seenFingerprint() {
        return firstUse == null ? Optional.empty() : firstUse.seen();
    }

    public URI base() {
        return base;
    }

    /**
     * Checks a server URL as an operator gives it: absolute {@code https} with a host, no user info,
     * query or fragment; a trailing slash is dropped (the API paths are appended).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static URI serverUrl(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a URL: " + e.getMessage(), e);
        }
        if (uri.getScheme() == null || !uri.getScheme().equalsIgnoreCase("https")) {
            throw new IllegalArgumentException(
                    "\"" + text + "\" is not an https URL: the agent talks to its server over TLS only");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("\"" + text + "\" has no host name");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "\"" + text + "\" must be the server's address only (no user, query or fragment)");
        }
        String s = uri.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s);
    }

    public static String agentVersion() {
        String v = ServerClient.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    /** JSON for a request body. */
    public static byte[] json(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public Protocol.EnrollResponse enroll(Protocol.EnrollRequest request) throws ServerException, InterruptedException {
        Protocol.EnrollResponse r =
                exchange("POST", Protocol.ENROLL, json(request), Protocol.EnrollResponse.class, "enrollment");
        check(Protocol.ENROLL, () -> r.validate());
        return r;
    }

    /** Sends a check-in body (as built from {@link Protocol.Checkin}, possibly read back from the spool). */
    public Protocol.CheckinResponse checkin(byte[] body) throws ServerException, InterruptedException {
        Protocol.CheckinResponse r =
                exchange("POST", Protocol.CHECKIN, body, Protocol.CheckinResponse.class, "check-in");
        check(Protocol.CHECKIN, () -> r.validate());
        return r;
    }

    /**
     * Sends an inventory body (as built from {@link Protocol.InventoryUpload}), gzip-compressed: a
     * 1,000-package inventory is about 110 KB of JSON and a sixth of that compressed.
     */
    public Protocol.InventoryResponse inventory(byte[] body) throws ServerException, InterruptedException {
        Protocol.InventoryResponse r = exchange(
                "PUT", Protocol.INVENTORY, gzip(body), true, Protocol.InventoryResponse.class, "inventory upload");
        check(Protocol.INVENTORY, () -> r.validate());
        return r;
    }

    /**
     * Sends a job's result (as built from {@link Protocol.JobResultBody}, possibly read back from the
     * spool). The server answers {@code accepted} also for a result it already has.
     */
    public Protocol.JobResultResponse jobResult(String jobId, byte[] body)
            throws ServerException, InterruptedException {
        String path = Protocol.jobResult(jobId);
        Protocol.JobResultResponse r =
                exchange("POST", path, body, Protocol.JobResultResponse.class, "result of job " + jobId);
        check(path, () -> r.validate());
        return r;
    }

    private interface Check {
        void run() throws IllegalArgumentException;
    }

    private void check(String path, Check validation) throws ServerException {
        try {
            validation.run();
        } catch (IllegalArgumentException e) {
            throw new ServerException(
                    ServerException.Kind.BAD_RESPONSE,
                    200,
                    null,
                    base + path + ": the response does not follow the protocol: " + e.getMessage(),
                    e);
        }
    }

    private static byte[] gzip(byte[] body) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(body.length / 4 + 64);
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out, 16 * 1024)) {
            z.write(body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // in memory: cannot happen
        }
        return out.toByteArray();
    }

    private <T> T exchange(String method, String path, byte[] body, Class<T> type, String what)
            throws ServerException, InterruptedException {
        return exchange(method, path, body, false, type, what);
    }

    private <T> T exchange(String method, String path, byte[] body, boolean gzipped, Class<T> type, String what)
            throws ServerException, InterruptedException {
        URI uri = URI.create(base + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("User-Agent", "fixpoint-agent/" + agentVersion())
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (credential != null) {
            b.header("Authorization", "Bearer " + credential);
        }
        if (gzipped) {
            b.header("Content-Encoding", "gzip");
        }
        HttpResponse<InputStream> response;
        byte[] bytes;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            }
        } catch (IOException e) {
            throw connectionFailure(uri, what, e);
        }
        int status = response.statusCode();
        if (bytes.length > MAX_RESPONSE_BYTES) {
            throw new ServerException(
                    ServerException.Kind.BAD_RESPONSE,
                    status,
                    null,
                    uri + ": " + what + " response is larger than " + MAX_RESPONSE_BYTES + " bytes; refused unread",
                    null);
        }
        if (status >= 200 && status < 300) {
            try {
                T value = JSON.readValue(bytes, type);
                if (value == null) {
                    throw new IOException("the body is JSON null");
                }
                return value;
            } catch (IOException e) {
                throw new ServerException(
                        ServerException.Kind.BAD_RESPONSE,
                        status,
                        null,
                        uri + ": " + what + " response (HTTP " + status + ") is not the expected JSON: "
                                + firstLine(e.getMessage()),
                        e);
            }
        }
        throw statusFailure(uri, what, status, bytes, response);
    }

    private ServerException statusFailure(
            URI uri, String what, int status, byte[] bytes, HttpResponse<InputStream> response) {
        String problem = problem(bytes);
        String prefix = uri + ": " + what + " failed with HTTP " + status + problem;
        if (status == 401) {
            return new ServerException(ServerException.Kind.UNAUTHORIZED, status, null, prefix, null);
        }
        if (status == 429 || status >= 500) {
            Duration retryAfter = response.headers()
                    .firstValue("Retry-After")
                    .flatMap(this::retryAfter)
                    .orElse(null);
            return new ServerException(
                    status == 429 ? ServerException.Kind.THROTTLED : ServerException.Kind.SERVER_ERROR,
                    status,
                    retryAfter,
                    prefix,
                    null);
        }
        if (status >= 400 && status < 500) {
            return new ServerException(ServerException.Kind.REJECTED, status, null, prefix, null);
        }
        return new ServerException(
                ServerException.Kind.BAD_RESPONSE,
                status,
                null,
                prefix + " (the protocol has no redirects or informational answers)",
                null);
    }

    private static ServerException connectionFailure(URI uri, String what, IOException e) {
        Throwable t = e;
        while (t != null) {
            if (t instanceof CertificateException) {
                return new ServerException(
                        ServerException.Kind.UNTRUSTED,
                        0,
                        null,
                        uri + ": " + what + " refused: " + t.getMessage()
                                + (t instanceof PinnedTrustManager.PinMismatchException
                                        ? ""
                                        : " (a self-signed server needs its SHA-256 given with --fingerprint)"),
                        e);
            }
            t = t.getCause();
        }
        String reason;
        if (e instanceof HttpTimeoutException) {
            reason = "no answer within the timeout";
        } else if (e instanceof ConnectException) {
            reason = "connection refused or unreachable";
        } else if (e instanceof SSLHandshakeException) {
            reason = "TLS handshake failed: " + e.getMessage();
        } else {
            reason = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        return new ServerException(
                ServerException.Kind.UNREACHABLE, 0, null, "cannot reach " + uri + " (" + what + "): " + reason, e);
    }

    /** {@code Retry-After}: delay-seconds or an HTTP-date (RFC 9110 §10.2.3), at most a day. */
    Optional<Duration> retryAfter(String value) {
        String v = value.strip();
        Duration d;
        if (v.matches("\\d{1,10}")) {
            d = Duration.ofSeconds(Long.parseLong(v));
        } else {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                d = Duration.between(clock.instant(), at.toInstant());
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        return Optional.of(d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d);
    }

    /** ": title: detail" from an RFC 9457 body, made safe to print; empty when there is none. */
    private static String problem(byte[] bytes) {
        try {
            Protocol.Problem p = JSON.readValue(bytes, Protocol.Problem.class);
            if (p == null) {
                return "";
            }
            String text = p.title() == null ? "" : p.title();
            if (p.detail() != null && !p.detail().isBlank()) {
                text = text.isEmpty() ? p.detail() : text + ": " + p.detail();
            }
            return text.isBlank() ? "" : ": " + printable(text);
        } catch (IOException | RuntimeException e) {
            String raw = new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8);
            return raw.isBlank() ? "" : ": " + printable(raw);
        }
    }

    /** Server text shown to an operator: control characters replaced, at most 300 characters. */
    static String printable(String s) {
        String cut = s.length() > 300 ? s.substring(0, 300) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return printable(nl < 0 ? s : s.substring(0, nl));
    }

    private static HttpClient http(TrustManager trustManager) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trustManager}, null);
            SSLParameters params = ctx.getDefaultSSLParameters();
            // The HTTP client asks for HTTPS endpoint identification regardless; the trust managers above
            // decide whether the host name matters (pinned: no; first use: the JDK's rules).
            params.setEndpointIdentificationAlgorithm(null);
            return HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(CONNECT_TIMEOUT)
                    .sslContext(ctx)
                    .sslParameters(params)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
