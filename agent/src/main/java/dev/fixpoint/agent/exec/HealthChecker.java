package dev.fixpoint.agent.exec;

import dev.fixpoint.core.job.HealthCheck;
import dev.fixpoint.core.job.HealthResult;
import dev.fixpoint.core.job.JobResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Runs a job's health checks after its packages reached their target versions. The job names what to
 * check; how is decided here, and nothing from the job reaches a shell or another machine:
 *
 * <ul>
 *   <li>{@code SYSTEMD_UNIT}: {@code systemctl is-active -- UNIT} (an argument list); passes when it
 *       exits 0 and prints {@code active};
 *   <li>{@code TCP_PORT}: a TCP connection to 127.0.0.1, then to ::1, on that port;
 *   <li>{@code HTTP_GET}: a GET of the loopback URL, redirects not followed, any certificate accepted
 *       for https (the target is this host, which may use a self-signed one); passes on a 2xx answer.
 *       A {@code localhost} URL is refused unless every address that name resolves to is a loopback one;
 *   <li>{@code COMMAND}: the name is looked up in the agent's own allow-list ({@link Config#commands},
 *       from its configuration file, never from the server); the command runs as an argument list with
 *       a timeout and passes on exit 0. A name not in the list fails.
 * </ul>
 *
 * <p>Services take a moment to come up after an upgrade, so a failing check is tried again every {@link
 * Config#interval} until {@link Config#settle} has passed since the checks began; only then is it
 * declared failed. (A check that cannot pass by waiting, such as a command not in the allow-list, fails
 * at once.)
 */
public final class HealthChecker {

    /**
     * The agent's own health-check settings.
     *
     * @param commands the allow-list: name → program (an absolute path) and its arguments
     * @param settle how long a failing check is retried after the checks began
     * @param interval the pause between two attempts
     * @param timeout how long one attempt may take (a command's run, a connection, an HTTP answer)
     * @param systemctl the systemctl program
     */
    public record Config(
            Map<String, List<String>> commands,
            Duration settle,
            Duration interval,
            Duration timeout,
            String systemctl) {

        public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(30);
        public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

        public Config {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            commands.forEach((name, argv) -> {
                if (argv.isEmpty() || !argv.get(0).startsWith("/")) {
                    throw new IllegalArgumentException(
                            "health command " + name + ": the program must be an absolute path: " + argv);
                }
                copy.put(name, List.copyOf(argv));
            });
            commands = java.util.Collections.unmodifiableMap(copy);
            requireNonNegative("settle", settle);
            requirePositive("interval", interval);
            requirePositive("timeout", timeout);
            Objects.requireNonNull(systemctl, "systemctl");
        }

        /** No commands, 30 s settle time, an attempt every 2 s, 30 s per attempt, {@code systemctl}. */
        public static Config defaults() {
            return new Config(Map.of(), DEFAULT_SETTLE, DEFAULT_INTERVAL, DEFAULT_TIMEOUT, "systemctl");
        }

        public Config withCommands(Map<String, List<String>> c) {
            return new Config(c, settle, interval, timeout, systemctl);
        }

        public Config withSettle(Duration s, Duration i) {
            return new Config(commands, s, i, timeout, systemctl);
        }

        public Config withTimeout(Duration t) {
            return new Config(commands, settle, interval, t, systemctl);
        }

        public Config withSystemctl(String program) {
            return new Config(commands, settle, interval, timeout, program);
        }

        private static void requireNonNegative(String what, Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative: " + d);
            }
        }

        private static void requirePositive(String what, Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
        }
    }

    private static final int COMMAND_OUTPUT_BYTES = 4096;
    private static final int MAX_DETAIL = 300;

    /** One attempt's outcome; {@code retryable} is false when waiting cannot change it. */
    private record Attempt(boolean ok, String detail, boolean retryable) {}

    private final Config config;
    private HttpClient http;

    public HealthChecker(Config config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public Config config() {
        return config;
    }

    /**
     * {@code result} with the job's health checks run and attached ({@link JobResult#withHealth}: {@code
     * UNHEALTHY} if one failed) when the packages reached their targets ({@code SUCCEEDED} or {@code
     * ALREADY_DONE}) and the job has checks; otherwise {@code result} as it is.
     */
    public JobResult afterPackages(VerifiedJob job, JobResult result) {
        if (!result.status().ok() || job.job().healthChecks().isEmpty()) {
            return result;
        }
        return result.withHealth(check(job.job().healthChecks()));
    }

    /** Runs the checks in order, each retried until the settle time has passed since the first began. */
    public List<HealthResult> check(List<HealthCheck> checks) {
        long deadline = System.nanoTime() + config.settle().toNanos();
        List<HealthResult> out = new ArrayList<>(checks.size());
        for (HealthCheck c : checks) {
            long first = System.nanoTime();
            int attempts = 1;
            Attempt a = attempt(c);
            while (!a.ok() && a.retryable() && !Thread.currentThread().isInterrupted()) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    break;
                }
                try {
                    Thread.sleep(Math.max(1, Math.min(config.interval().toMillis(), remaining / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                a = attempt(c);
                attempts++;
            }
            String detail = a.detail();
            if (attempts > 1) {
                detail += " (" + (a.ok() ? "passed" : "still failing") + " after " + attempts + " attempts over "
                        + Subprocess.seconds(Duration.ofMillis((System.nanoTime() - first) / 1_000_000)) + ")";
            }
            out.add(new HealthResult(c, a.ok(), Subprocess.printable(detail, MAX_DETAIL)));
        }
        return out;
    }

    private Attempt attempt(HealthCheck c) {
        switch (c.kind()) {
            case SYSTEMD_UNIT:
                return systemdUnit(c.target());
            case TCP_PORT:
                return tcpPort(c.port());
            case HTTP_GET:
                return httpGet(c.target());
            case COMMAND:
                return command(c.target());
            default:
                throw new AssertionError(c.kind());
        }
    }

    private Attempt systemdUnit(String unit) {
        Subprocess.Outcome o = Subprocess.run(
                List.of(config.systemctl(), "is-active", "--", unit),
                config.timeout(),
                Map.of("LC_ALL", "C", "SYSTEMD_PAGER", "", "SYSTEMD_COLORS", "0"),
                COMMAND_OUTPUT_BYTES);
        if (!o.started()) {
            return new Attempt(false, o.failure() + " (systemctl is needed for SYSTEMD_UNIT checks)", false);
        }
        String state = o.firstLine();
        if (o.succeeded() && state.equals("active")) {
            return new Attempt(true, "active", true);
        }
        if (o.failure() != null) {
            return new Attempt(false, o.failure(), true);
        }
        return new Attempt(
                false,
                (state.isEmpty() ? "no state" : state) + " (systemctl is-active exited " + o.exitCode() + ")",
                true);
    }

    private Attempt tcpPort(int port) {
        List<String> failures = new ArrayList<>();
        for (InetAddress a : loopbacks()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(a, port), (int)
                        Math.min(Integer.MAX_VALUE, config.timeout().toMillis()));
                return new Attempt(true, "connected to " + hostPort(a, port), true);
            } catch (IOException e) {
                failures.add(hostPort(a, port) + ": " + reason(e));
            }
        }
        return new Attempt(false, String.join("; ", failures), true);
    }

    private static List<InetAddress> loopbacks() {
        try {
            return List.of(
                    InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1}),
                    InetAddress.getByAddress("::1", new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // only thrown for an address of the wrong length
        }
    }

    private static String hostPort(InetAddress a, int port) {
        return (a.getAddress().length == 16 ? "[::1]" : "127.0.0.1") + ":" + port;
    }

    private Attempt httpGet(String target) {
        URI uri = URI.create(target);
        if ("localhost".equals(uri.getHost())) {
            try {
                for (InetAddress a : InetAddress.getAllByName("localhost")) {
                    if (!a.isLoopbackAddress()) {
                        return new Attempt(
                                false,
                                "localhost resolves to " + a.getHostAddress()
                                        + ", not a loopback address; health checks reach this host only",
                                false);
                    }
                }
            } catch (UnknownHostException e) {
                return new Attempt(false, "localhost does not resolve: " + e.getMessage(), true);
            }
        }
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(config.timeout())
                .header("User-Agent", "fixpoint-agent health check")
                .GET()
                .build();
        try {
            HttpResponse<InputStream> r = http().send(request, HttpResponse.BodyHandlers.ofInputStream());
            r.body().close(); // the status is the answer; never read an unbounded body
            int status = r.statusCode();
            if (status >= 200 && status < 300) {
                return new Attempt(true, "HTTP " + status, true);
            }
            if (status >= 300 && status < 400) {
                return new Attempt(false, "HTTP " + status + " (redirects are not followed)", true);
            }
            return new Attempt(false, "HTTP " + status, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(false, "interrupted", false);
        } catch (IOException e) {
            return new Attempt(false, "no answer from " + target + ": " + reason(e), true);
        }
    }

    private Attempt command(String name) {
        List<String> argv = config.commands().get(name);
        if (argv == null) {
            return new Attempt(
                    false,
                    "\"" + name + "\" is not in the agent's allow-list (health.command." + name
                            + " in its configuration file)",
                    false);
        }
        Subprocess.Outcome o = Subprocess.run(argv, config.timeout(), Map.of(), COMMAND_OUTPUT_BYTES);
        return new Attempt(o.succeeded(), o.describe(), true);
    }

    private static String reason(IOException e) {
        if (e instanceof ConnectException) {
            return e.getMessage() == null
                    ? "connection refused"
                    : e.getMessage().toLowerCase(java.util.Locale.ROOT);
        }
        if (e instanceof SocketTimeoutException || e instanceof HttpTimeoutException) {
            return "no answer within the timeout";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private synchronized HttpClient http() {
        if (http == null) {
            try {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] {new AnyCertificate()}, null);
                SSLParameters params = ctx.getDefaultSSLParameters();
                params.setEndpointIdentificationAlgorithm(null);
                http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .proxy(HttpClient.Builder.NO_PROXY)
                        .connectTimeout(config.timeout())
                        .sslContext(ctx)
                        .sslParameters(params)
                        .build();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK cannot set up TLS: " + e.getMessage(), e);
            }
        }
        return http;
    }

    /**
     * Accepts any certificate, for health checks only: their URLs are loopback URLs of this very host
     * (checked by {@link HealthCheck}), whose services often use self-signed certificates; the check is
     * whether the service answers, not who it is. Never used for the connection to the server.
     */
    private static final class AnyCertificate extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
