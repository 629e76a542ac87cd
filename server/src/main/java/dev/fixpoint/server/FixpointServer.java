package dev.fixpoint.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.feeds.sync.FeedSync;
import dev.fixpoint.server.agent.AgentResource;
import dev.fixpoint.server.agent.AgentService;
import dev.fixpoint.server.agent.LastSeen;
import dev.fixpoint.server.audit.AuditKeys;
import dev.fixpoint.server.audit.AuditLog;
import dev.fixpoint.server.audit.AuditResource;
import dev.fixpoint.server.auth.AuthFilter;
import dev.fixpoint.server.auth.AuthResource;
import dev.fixpoint.server.auth.AuthService;
import dev.fixpoint.server.demo.DemoFleet;
import dev.fixpoint.server.deploy.ApprovalPolicies;
import dev.fixpoint.server.deploy.DeploymentEngine;
import dev.fixpoint.server.deploy.DeploymentResource;
import dev.fixpoint.server.deploy.DeploymentSchedules;
import dev.fixpoint.server.deploy.DeploymentService;
import dev.fixpoint.server.deploy.JobKeys;
import dev.fixpoint.server.deploy.JobService;
import dev.fixpoint.server.deploy.WindowService;
import dev.fixpoint.server.feed.FeedResource;
import dev.fixpoint.server.feed.FeedService;
import dev.fixpoint.server.feed.Snapshot;
import dev.fixpoint.server.finding.FindingResource;
import dev.fixpoint.server.finding.FindingService;
import dev.fixpoint.server.host.HostResource;
import dev.fixpoint.server.host.HostService;
import dev.fixpoint.server.inventory.InventoryStore;
import dev.fixpoint.server.platform.Access;
import dev.fixpoint.server.platform.Api;
import dev.fixpoint.server.platform.ApiException;
import dev.fixpoint.server.platform.Database;
import dev.fixpoint.server.platform.Json;
import dev.fixpoint.server.platform.Metrics;
import dev.fixpoint.server.platform.Problems;
import dev.fixpoint.server.platform.Scheduler;
import dev.fixpoint.server.platform.ServerConfig;
import dev.fixpoint.server.platform.Tls;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Fixpoint server: wires persistence, services and the HTTP API, starts background work, and
 * serves HTTPS with its own certificate unless TLS is turned off.
 */
public final class FixpointServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FixpointServer.class);
    public static final String VERSION = "0.1.0";

    /** What the start-up tells the operator once: the URL, the certificate pin, the admin password. */
    public record Started(URI url, String fingerprint, Optional<String> adminPassword, boolean certificateCreated) {}

    /** The server could not start for a reason the operator can fix (e.g. the port is taken). */
    public static final class StartException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public StartException(String message) {
            super(message);
        }
    }

    private final ServerConfig config;
    private final Database db;
    private final Javalin app;
    private final Scheduler scheduler;
    private final LastSeen lastSeen;
    private final DeploymentEngine engine;
    private final ExecutorService background;
    private final FeedService feeds;
    private final AuditLog audit;
    private final KeyPair auditKey;
    private final Api api;
    private final AtomicBoolean feedsReady = new AtomicBoolean();
    private final Started started;

    private FixpointServer(ServerConfig config, boolean demo, Clock clock, PrintStream out)
            throws IOException, GeneralSecurityException {
        this.config = config;
        Files.createDirectories(config.dataDir());
        if (config.dataDir().getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(config.dataDir(), PosixFilePermissions.fromString("rwx------"));
        }
        for (String line : config.describe()) {
            LOG.info("config: {}", line);
        }
        ObjectMapper json = Json.mapper();
        Metrics metrics = new Metrics();
        this.db = Database.open(config.database());
        this.auditKey = AuditKeys.loadOrCreate(config.dataDir().resolve("keys"));
        this.audit = new AuditLog(db.jdbi(), db.isSqlite(), clock);
        InventoryStore inventory = new InventoryStore();
        AuthService auth = new AuthService(db.jdbi(), audit, clock, config, metrics);
        this.feeds = new FeedService(
                config.feedsDir(),
                config.feedSources(),
                FeedSync.standard(),
                db.jdbi(),
                inventory,
                audit,
                metrics,
                clock);
        HostService hosts = new HostService(db.jdbi(), audit, clock, json);
        FindingService findings = new FindingService(db.jdbi(), feeds, hosts, json);
        JobService jobs =
                new JobService(db.jdbi(), JobKeys.loadOrCreate(config.dataDir().resolve("keys")), json);
        this.lastSeen = new LastSeen(db.jdbi(), db.isSqlite(), 1000);
        AgentService agents = new AgentService(
                db.jdbi(), audit, auth, inventory, feeds, metrics, clock, config.checkin(), jobs, lastSeen);
        WindowService windows = new WindowService(db.jdbi(), audit, hosts, clock);
        ApprovalPolicies approvalPolicies = new ApprovalPolicies(db.jdbi(), json, audit, hosts, clock);
        DeploymentService deployments =
                new DeploymentService(db.jdbi(), audit, hosts, findings, feeds, jobs, approvalPolicies, json, clock);
        this.engine = new DeploymentEngine(db.jdbi(), audit, jobs, windows, json, clock, metrics);
        this.background = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "fixpoint-background");
            t.setDaemon(true);
            return t;
        });
        this.scheduler = new Scheduler(db.jdbi(), clock);
        FeedResource feedResource = new FeedResource(feeds, background);

        Optional<String> adminPassword = auth.bootstrapAdmin(config.adminUsername(), config.adminPassword());

        api = new Api();
        new AuthResource(auth, json, config.tls()).register(api);
        new AgentResource(agents, json).register(api);
        new HostResource(hosts, json).register(api);
        new FindingResource(findings).register(api);
        DeploymentSchedules schedules = new DeploymentSchedules(db.jdbi(), deployments, audit, json, clock);
        new DeploymentResource(deployments, engine, windows, approvalPolicies, schedules, json).register(api);
        // An approval, resume or rollback is acted on at once, not at the next tick.
        deployments.onChange(() -> background.execute(engine::tick));
        feedResource.register(api);
        new AuditResource(audit, auditKey.getPublic(), json, clock).register(api);
        api.get(
                "/healthz",
                Access.PUBLIC,
                "Liveness: the process serves requests",
                ctx -> ctx.json(Map.of("status", "ok")));
        api.get("/readyz", Access.PUBLIC, "Readiness: database reachable and feeds loaded", ctx -> {
            boolean dbOk;
            try {
                dbOk = db.jdbi().withHandle(h -> h.createQuery("SELECT 1")
                                .mapTo(Integer.class)
                                .one())
                        == 1;
            } catch (RuntimeException e) {
                dbOk = false;
            }
            boolean ready = dbOk && feedsReady.get();
            ctx.status(ready ? 200 : 503)
                    .json(Map.of("status", ready ? "ready" : "not ready", "database", dbOk, "feeds", feedsReady.get()));
        });
        api.get("/metrics", Access.READ, "Prometheus metrics", ctx -> {
                    ctx.contentType(Metrics.contentType());
                    ctx.result(metrics.scrape());
                })
                .produces("text/plain");
        java.util.concurrent.atomic.AtomicReference<byte[]> openApi =
                new java.util.concurrent.atomic.AtomicReference<>();
        api.get("/api/v1/openapi.json", Access.READ, "This API's OpenAPI 3.1 document", ctx -> {
            if (openApi.get() == null) {
                openApi.set(json.writeValueAsBytes(api.openApi(json, VERSION)));
            }
            ctx.contentType("application/json");
            ctx.result(openApi.get());
        });
        metrics.gauge(
                "fixpoint_last_seen_backlog",
                "Hosts whose last check-in time waits to be written (written every second)",
                lastSeen::backlog);
        metrics.gauge("fixpoint_background_jobs_running", "Background jobs running now", () -> scheduler.running());
        metrics.gauge(
                "fixpoint_feed_sync_running",
                "1 while an on-demand feed sync runs",
                () -> feedResource.syncRunning() ? 1 : 0);

        Tls.Identity identity =
                config.tls() ? Tls.loadOrCreate(config.dataDir().resolve("tls"), hostnames(config.listenHost())) : null;
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.jsonMapper(new JavalinJackson(json, false));
            c.http.maxRequestSize = dev.fixpoint.server.platform.Http.MAX_BODY;
            c.jetty.addConnector((server, httpConfig) -> {
                httpConfig.setSendServerVersion(false);
                ServerConnector connector;
                if (identity != null) {
                    SslContextFactory.Server ssl = new SslContextFactory.Server();
                    ssl.setKeyStorePath(identity.keystore().toString());
                    ssl.setKeyStoreType("PKCS12");
                    ssl.setKeyStorePassword(new String(identity.password()));
                    ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
                    httpConfig.addCustomizer(new SecureRequestCustomizer(false));
                    connector = new ServerConnector(server, ssl, new HttpConnectionFactory(httpConfig));
                } else {
                    connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
                }
                connector.setHost(config.listenHost());
                connector.setPort(config.listenPort());
                return connector;
            });
            c.routes.before(ctx -> ctx.attribute("fixpoint.t0", System.nanoTime()));
            c.routes.beforeMatched(new AuthFilter(auth));
            c.routes.after(ctx -> {
                AuthFilter.addChallenge(ctx);
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("Cache-Control", "no-store");
                ctx.header("Referrer-Policy", "no-referrer");
                ctx.header("X-Frame-Options", "DENY");
                if (identity != null) {
                    ctx.header("Strict-Transport-Security", "max-age=31536000");
                }
                Long t0 = ctx.attribute("fixpoint.t0");
                if (t0 != null) {
                    String route = ctx.endpoints().lastHttpEndpoint() == null
                            ? "unmatched"
                            : ctx.endpoints().lastHttpEndpoint().path;
                    metrics.requestSeconds
                            .labelValues(route, ctx.statusCode() / 100 + "xx")
                            .observe((System.nanoTime() - t0) / 1e9);
                }
            });
            c.routes.exception(ApiException.class, (e, ctx) -> Problems.write(ctx, json, e));
            c.routes.exception(
                    HttpResponseException.class,
                    (e, ctx) -> Problems.write(
                            ctx, json, e.getStatus(), "http-" + e.getStatus(), "Request refused", e.getMessage()));
            c.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
                Problems.write(ctx, json, 500, "internal", "Server error", "the server failed; see its log");
            });
            c.routes.error(404, "*", ctx -> {
                if (!Problems.CONTENT_TYPE.equals(ctx.res().getContentType())) {
                    Problems.write(
                            ctx, json, 404, "not-found", "Not found", "no route " + ctx.method() + " " + ctx.path());
                }
            });
            c.routes.error(
                    405,
                    "*",
                    ctx -> Problems.write(
                            ctx,
                            json,
                            405,
                            "method-not-allowed",
                            "Method not allowed",
                            ctx.method() + " " + ctx.path()));
            api.install(c.routes);
        });
        try {
            app.start();
        } catch (io.javalin.util.JavalinBindException e) {
            scheduler.close();
            background.shutdownNow();
            db.close();
            throw new StartException("cannot listen on " + config.listenHost() + ":" + config.listenPort()
                    + ": the port is in use (another server?) or not permitted; stop the other process or choose"
                    + " another with --port");
        }
        int port = ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
        String host =
                config.listenHost().equals("0.0.0.0") || config.listenHost().equals("::")
                        ? "localhost"
                        : config.listenHost();
        this.started = new Started(
                URI.create((identity != null ? "https://" : "http://") + host + ":" + port),
                identity == null ? null : identity.fingerprint(),
                adminPassword,
                identity != null && identity.created());

        // Feeds load after the port is open, so health answers at once; /readyz says when they are in.
        background.submit(() -> {
            try {
                if (config.feedSnapshot()) {
                    Snapshot.installIfEmpty(config.feedsDir())
                            .ifPresent(t -> LOG.info("installed the bundled feed snapshot of {}", t));
                }
                feeds.reload();
                feedsReady.set(true);
                var l = feeds.current();
                LOG.info(
                        "feeds loaded: {} advisories, {} KEV entries, {} EPSS scores",
                        l.index().advisoryCount(),
                        l.feeds().kev().size(),
                        l.feeds().epss().scores().size());
                if (demo) {
                    int n = DemoFleet.load(db.jdbi(), inventory, l.index(), clock.instant())
                            .size();
                    LOG.info("demo: {} simulated hosts loaded (labelled simulated=true)", n);
                    out.println("Demo: " + n + " simulated hosts loaded (hostnames end in .simulated).");
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("feeds could not be loaded: {}", e.toString());
                feedsReady.set(true);
            }
        });
        if (!config.feedSyncInterval().isZero()) {
            scheduler.every("feeds.sync", config.feedSyncInterval(), Duration.ofMinutes(1), Duration.ofHours(2), () -> {
                if (feedsReady.get()) {
                    feeds.sync("system:scheduler");
                }
            });
        }
        scheduler.every(
                "deployments.advance",
                config.deploymentTick(),
                config.deploymentTick(),
                Duration.ofMinutes(10),
                engine::tick);
        scheduler.every(
                "deployments.schedules",
                config.deploymentTick(),
                config.deploymentTick(),
                Duration.ofMinutes(30),
                () -> {
                    if (feedsReady.get()) {
                        schedules.fire();
                    }
                });
        scheduler.every(
                "audit.checkpoint",
                config.auditCheckpointInterval(),
                Duration.ofMinutes(1),
                Duration.ofMinutes(5),
                () -> audit.checkpoint(auditKey.getPrivate()));
    }

    /** Starts a server; {@code out} receives the one-time start-up notes. */
    public static FixpointServer start(ServerConfig config, boolean demo, Clock clock, PrintStream out)
            throws IOException, GeneralSecurityException {
        return new FixpointServer(config, demo, clock, out);
    }

    private static List<String> hostnames(String listen) {
        List<String> names = new ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            String local = InetAddress.getLocalHost().getHostName();
            if (!names.contains(local) && local.matches("[A-Za-z0-9.-]+")) {
                names.add(0, local);
            }
        } catch (IOException e) {
            // no host name: localhost will do
        }
        if (!listen.equals("0.0.0.0") && !listen.equals("::") && !names.contains(listen)) {
            names.add(0, listen);
        }
        return names;
    }

    public Started started() {
        return started;
    }

    public URI url() {
        return started.url();
    }

    /** Whether the feeds have been loaded (after start-up, in the background). */
    public boolean feedsReady() {
        return feedsReady.get();
    }

    public FeedService feeds() {
        return feeds;
    }

    public AuditLog audit() {
        return audit;
    }

    public Database database() {
        return db;
    }

    public List<Api.Route> routes() {
        return api.routes();
    }

    public Javalin javalin() {
        return app;
    }

    public ServerConfig config() {
        return config;
    }

    @Override
    public void close() {
        app.stop();
        lastSeen.close();
        scheduler.close();
        background.shutdownNow();
        try {
            audit.checkpoint(auditKey.getPrivate());
        } catch (RuntimeException e) {
            LOG.warn("final audit checkpoint failed: {}", e.toString());
        }
        db.close();
    }
}
