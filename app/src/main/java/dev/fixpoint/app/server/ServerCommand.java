package dev.fixpoint.app.server;

import dev.fixpoint.app.UserInputException;
import dev.fixpoint.server.FixpointServer;
import dev.fixpoint.server.platform.ServerConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fixpoint server}: runs the server until interrupted. */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the Fixpoint server: REST API under /api/v1, agent endpoints, feed sync, audit log.",
            "",
            "With no configuration it keeps everything in ./fixpoint-data (SQLite), listens on https://0.0.0.0:8443"
                    + " with a self-signed certificate it creates on first start (its SHA-256 fingerprint is"
                    + " printed: agents pin it), creates the admin account and prints its one-time password (or"
                    + " takes FIXPOINT_ADMIN_PASSWORD), and imports the bundled offline feed snapshot.",
            "",
            "Configuration: --config FILE (Java properties; see docs/server.md), then FIXPOINT_* environment"
                    + " variables (e.g. FIXPOINT_DATABASE_URL=jdbc:postgresql://host/db), then these options."
        })
public final class ServerCommand implements Callable<Integer> {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file (default: DATA_DIR/fixpoint.properties if present)")
    Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default ./fixpoint-data)")
    String dataDir;

    @Option(names = "--listen", paramLabel = "HOST", description = "Address to listen on (default 0.0.0.0)")
    String listen;

    @Option(names = "--port", paramLabel = "PORT", description = "Port (default 8443; 0 picks a free one)")
    Integer port;

    @Option(names = "--database-url", paramLabel = "JDBC", description = "jdbc:postgresql://… to use PostgreSQL")
    String databaseUrl;

    @Option(names = "--no-tls", description = "Serve plain HTTP (only behind a TLS-terminating proxy)")
    boolean noTls;

    @Option(names = "--demo", description = "Also load a handful of simulated hosts built from real inventories")
    boolean demo;

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (dataDir != null) {
            overrides.put("data.dir", dataDir);
        }
        if (listen != null) {
            overrides.put("listen.host", listen);
        }
        if (port != null) {
            overrides.put("listen.port", Integer.toString(port));
        }
        if (databaseUrl != null) {
            overrides.put("database.url", databaseUrl);
        }
        if (noTls) {
            overrides.put("tls.enabled", "false");
        }
        Path file = configFile;
        if (file != null && !Files.isReadable(file)) {
            throw new UserInputException("--config " + file + ": no such readable file");
        }
        if (file == null) {
            String dd = dataDir != null ? dataDir : System.getenv().getOrDefault("FIXPOINT_DATA_DIR", "fixpoint-data");
            Path dflt = Path.of(dd, "fixpoint.properties");
            file = Files.isReadable(dflt) ? dflt : null;
        }
        ServerConfig config;
        try {
            config = ServerConfig.load(file, System.getenv(), overrides);
        } catch (ServerConfig.ConfigException e) {
            throw new UserInputException(e.getMessage());
        }
        PrintStream out = System.out;
        FixpointServer server;
        try {
            server = FixpointServer.start(config, demo, Clock.systemUTC(), out);
        } catch (FixpointServer.StartException e) {
            throw new UserInputException(e.getMessage());
        }
        FixpointServer.Started s = server.started();
        out.println("Fixpoint server " + FixpointServer.VERSION + " listening on " + s.url());
        if (s.fingerprint() != null) {
            out.println("TLS certificate SHA-256 fingerprint" + (s.certificateCreated() ? " (new)" : "") + ":");
            out.println("  " + s.fingerprint());
            out.println("Enroll agents with: fixpoint agent enroll --server " + s.url() + " --token <token>"
                    + " --fingerprint " + s.fingerprint().replace(":", ""));
        } else {
            out.println("WARNING: TLS is off; serve this only behind a TLS-terminating proxy.");
        }
        s.adminPassword()
                .ifPresent(pw -> out.println("Initial admin account: " + config.adminUsername() + " / " + pw
                        + "   (shown once; change it, or set FIXPOINT_ADMIN_PASSWORD before the first start)"));
        out.println("API: " + s.url() + "/api/v1 (OpenAPI at /api/v1/openapi.json). Stop with Ctrl-C.");
        out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }
}
