package dev.fixpoint.agent.run;

import dev.fixpoint.agent.client.Fingerprint;
import dev.fixpoint.agent.client.Protocol;
import dev.fixpoint.agent.client.ServerClient;
import dev.fixpoint.agent.client.ServerException;
import dev.fixpoint.agent.collect.CollectException;
import dev.fixpoint.agent.collect.HostFacts;
import dev.fixpoint.agent.collect.PendingUpdatesCollector;
import dev.fixpoint.agent.collect.RootCollector;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Optional;

/**
 * The agent's two commands, {@code enroll} and {@code run}, shared by {@code fixpoint agent} and the
 * standalone {@code fixpoint-agent.jar}. Each returns an exit code: {@link #EXIT_OK}, {@link
 * #EXIT_BAD_INPUT} (a malformed option, a missing state file: the message names it) or {@link
 * #EXIT_FAILURE} (the server is unreachable, untrusted, or refused).
 */
public final class Agent {

    public static final int EXIT_OK = 0;
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_FAILURE = 3;

    private static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

    /** {@code enroll} options; {@code fingerprint} may be null (trust on first use). */
    public record EnrollOptions(String server, String token, String fingerprint, Path stateDir, Path root) {}

    /** {@code run} options. */
    public record RunOptions(Path stateDir, Path root, boolean once) {}

    private final Timing timing;
    private final KeyStore firstUseTrust;
    private final Reporter.PendingUpdates pendingUpdates;
    private final RootCollector collector;
    private final String name;

    private Agent(
            Timing timing,
            KeyStore firstUseTrust,
            Reporter.PendingUpdates pendingUpdates,
            RootCollector collector,
            String name) {
        this.timing = timing;
        this.firstUseTrust = firstUseTrust;
        this.pendingUpdates = pendingUpdates;
        this.collector = collector;
        this.name = name;
    }

    /** The real thing: system clocks, the JDK trust store, the live package manager. */
    public static Agent standard() {
        PendingUpdatesCollector live = new PendingUpdatesCollector(Duration.ofMinutes(5));
        return new Agent(Timing.system(), null, live::collect, RootCollector.create(), "fixpoint-agent");
    }

    /** With these clocks, sleeper and randomness (tests). */
    public Agent withTiming(Timing t) {
        return new Agent(t, firstUseTrust, pendingUpdates, collector, name);
    }

    /** Trust on first use checks against this trust store instead of the JDK's (tests). */
    public Agent withFirstUseTrust(KeyStore trustStore) {
        return new Agent(timing, trustStore, pendingUpdates, collector, name);
    }

    /** Pending updates from this query instead of the live package manager (tests). */
    public Agent withPendingUpdates(Reporter.PendingUpdates p) {
        return new Agent(timing, firstUseTrust, p, collector, name);
    }

    /** The command name that prefixes error messages ({@code fixpoint agent} in the fixpoint command). */
    public Agent withName(String commandName) {
        return new Agent(timing, firstUseTrust, pendingUpdates, collector, commandName);
    }

    public int enroll(EnrollOptions o, PrintWriter out, PrintWriter err) {
        URI server;
        try {
            server = ServerClient.serverUrl(o.server() == null ? "" : o.server());
        } catch (IllegalArgumentException e) {
            return bad(err, "--server " + e.getMessage());
        }
        Fingerprint pin = null;
        if (o.fingerprint() != null) {
            try {
                pin = Fingerprint.parse(o.fingerprint());
            } catch (IllegalArgumentException e) {
                return bad(err, "--fingerprint " + e.getMessage());
            }
        }
        String token = o.token() == null ? "" : o.token().strip();
        if (!token.matches("[\\x21-\\x7e]{1,1024}")) {
            return bad(err, "--token: expected the enrollment token (fpe_…) as printable text without spaces");
        }
        if (!Files.isDirectory(o.root())) {
            return bad(err, "--root " + o.root() + ": not a directory");
        }
        HostFacts.Identity id;
        try {
            id = HostFacts.identity(o.root());
        } catch (CollectException e) {
            return bad(err, e.getMessage());
        }
        ServerClient client;
        try {
            client = pin != null ? ServerClient.pinned(server, pin) : ServerClient.firstUse(server, firstUseTrust);
        } catch (GeneralSecurityException e) {
            err.println(name + ": cannot set up TLS: " + e.getMessage());
            return EXIT_FAILURE;
        }
        Protocol.EnrollResponse r;
        try {
            r = client.withClock(timing.wall())
                    .enroll(new Protocol.EnrollRequest(
                            token, id.hostname(), id.machineId(), ServerClient.agentVersion()));
        } catch (ServerException e) {
            err.println(name + ": "
                    + (e.kind() == ServerException.Kind.UNAUTHORIZED
                            ? "the server refused the enrollment token (unknown, expired or revoked): " + e.getMessage()
                            : e.getMessage()));
            return EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println(name + ": interrupted");
            return EXIT_FAILURE;
        }
        Fingerprint pinned = pin;
        if (pinned == null) {
            Optional<Fingerprint> seen = client.seenFingerprint();
            if (seen.isEmpty()) {
                err.println(name + ": enrolled, but no server certificate was seen to pin; enroll again with"
                        + " --fingerprint");
                return EXIT_FAILURE;
            }
            pinned = seen.get();
            out.println("pinned the server's certificate on first use: SHA-256 " + pinned.display());
            out.println("(compare it with the fingerprint fixpoint server printed; pass --fingerprint to pin it"
                    + " explicitly)");
        }
        int interval = r.checkinSeconds() == null ? (int) DEFAULT_INTERVAL.toSeconds() : r.checkinSeconds();
        AgentState state =
                new AgentState(server.toString(), pinned.display(), r.agentId(), r.hostId(), r.credential(), interval);
        try {
            state.save(o.stateDir());
        } catch (IOException e) {
            err.println(name + ": enrolled as agent " + r.agentId() + ", but cannot store the credential in "
                    + o.stateDir().resolve(AgentState.FILE) + ": " + e.getMessage()
                    + " (enroll again once the state directory is writable)");
            return EXIT_FAILURE;
        }
        out.println("enrolled " + id.hostname() + " as agent " + r.agentId() + " (host " + r.hostId() + "); state in "
                + o.stateDir().resolve(AgentState.FILE) + " (mode 0600)");
        return EXIT_OK;
    }

    public int run(RunOptions o, PrintWriter out, PrintWriter err) {
        if (!Files.isDirectory(o.root())) {
            return bad(err, "--root " + o.root() + ": not a directory");
        }
        AgentState state;
        Spool spool;
        try {
            Optional<AgentState> loaded = AgentState.load(o.stateDir());
            if (loaded.isEmpty()) {
                return bad(
                        err,
                        "no " + o.stateDir().resolve(AgentState.FILE)
                                + ": this host is not enrolled; run enroll --server URL --token TOKEN first"
                                + " (or pass the --state-dir enroll used)");
            }
            state = loaded.get();
            if (AgentState.exposed(o.stateDir())) {
                err.println(name + ": warning: " + o.stateDir().resolve(AgentState.FILE)
                        + " is readable by others than its owner; it holds the agent's credential (chmod 600 it)");
            }
            spool = new Spool(o.stateDir().resolve("spool"));
        } catch (IOException e) {
            return bad(err, e.getMessage());
        }
        ServerClient client = ServerClient.pinned(state.serverUri(), state.pin())
                .withCredential(state.credential())
                .withClock(timing.wall());
        Reporter reporter = new Reporter(
                o.root(),
                collector,
                o.root().toAbsolutePath().normalize().equals(Path.of("/")) ? pendingUpdates : null,
                timing.wall(),
                out);
        Duration interval = state.checkinSeconds() > 0 ? Duration.ofSeconds(state.checkinSeconds()) : DEFAULT_INTERVAL;
        AgentLoop loop = new AgentLoop(client, spool, reporter, timing, out, interval);
        try {
            if (o.once()) {
                return once(loop, spool, err);
            }
            out.println("fixpoint-agent " + ServerClient.agentVersion() + ": agent " + state.agentId()
                    + " reporting to " + state.server() + " (pinned " + state.fingerprint() + ")");
            loop.run(); // only a refused credential ends the loop
            err.println(name + ": stopped: the server refused this agent's credential (revoked, or the host was"
                    + " deleted); enroll again with a new token");
            return EXIT_FAILURE;
        } catch (IOException e) {
            err.println(name + ": cannot use the spool in " + spool.dir() + ": " + e.getMessage());
            return EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println(name + ": interrupted; undelivered reports stay in " + spool.dir());
            return EXIT_FAILURE;
        }
    }

    private int once(AgentLoop loop, Spool spool, PrintWriter err) throws IOException, InterruptedException {
        AgentLoop.Outcome outcome;
        try {
            outcome = loop.once();
        } catch (CollectException e) {
            err.println(name + ": cannot collect this host's report: " + e.getMessage());
            return EXIT_FAILURE;
        }
        switch (outcome) {
            case DELIVERED:
                return EXIT_OK;
            case UNAUTHORIZED:
                err.println(name + ": stopped: the server refused this agent's credential; enroll again");
                return EXIT_FAILURE;
            default:
                err.println(name + ": "
                        + loop.lastFailure().map(Throwable::getMessage).orElse("not delivered")
                        + "; the report stays in " + spool.dir() + " and the next run delivers it");
                return EXIT_FAILURE;
        }
    }

    private int bad(PrintWriter err, String message) {
        err.println(name + ": " + message);
        return EXIT_BAD_INPUT;
    }
}
