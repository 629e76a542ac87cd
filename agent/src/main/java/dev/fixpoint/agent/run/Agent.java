package dev.fixpoint.agent.run;

import dev.fixpoint.agent.client.Fingerprint;
import dev.fixpoint.agent.client.Protocol;
import dev.fixpoint.agent.client.ServerClient;
import dev.fixpoint.agent.client.ServerException;
import dev.fixpoint.agent.collect.CollectException;
import dev.fixpoint.agent.collect.HostFacts;
import dev.fixpoint.agent.collect.PendingUpdatesCollector;
import dev.fixpoint.agent.collect.RootCollector;
import dev.fixpoint.agent.exec.ApkExecutor;
import dev.fixpoint.agent.exec.AptExecutor;
import dev.fixpoint.agent.exec.DnfExecutor;
import dev.fixpoint.agent.exec.HealthChecker;
import dev.fixpoint.agent.exec.JobKeyFile;
import dev.fixpoint.agent.exec.JobVerifier;
import dev.fixpoint.agent.exec.PackageExecutor;
import dev.fixpoint.agent.exec.SeenJobs;
import dev.fixpoint.agent.exec.VerifiedJob;
import dev.fixpoint.core.job.JobResult;
import dev.fixpoint.core.job.PackageFamily;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

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
    private static final Duration REBOOT_TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

    /**
     * {@code enroll} options; {@code fingerprint} may be null (trust on first use), {@code hostname} null
     * (report the system's host name).
     */
    public record EnrollOptions(
            String server, String token, String fingerprint, Path stateDir, Path root, String hostname) {
        public EnrollOptions(String server, String token, String fingerprint, Path stateDir, Path root) {
            this(server, token, fingerprint, stateDir, root, null);
        }
    }

    /** {@code run} options; {@code config} null for the default configuration file (absent: defaults). */
    public record RunOptions(Path stateDir, Path root, boolean once, Path config) {
        public RunOptions(Path stateDir, Path root, boolean once) {
            this(stateDir, root, once, null);
        }
    }

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
        if (o.hostname() != null && !HOSTNAME.matcher(o.hostname()).matches()) {
            return bad(
                    err,
                    "--hostname \"" + printable(o.hostname())
                            + "\": expected a host name (letters, digits, '.', '-', '_'; at most 253 characters)");
        }
        HostFacts.Identity id;
        try {
            id = HostFacts.identity(o.root());
        } catch (CollectException e) {
            return bad(err, e.getMessage());
        }
        String hostname = o.hostname() != null ? o.hostname() : id.hostname();
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
                    .enroll(new Protocol.EnrollRequest(token, hostname, id.machineId(), ServerClient.agentVersion()));
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
        PublicKey jobKey = null;
        if (r.jobKey() != null) {
            try {
                jobKey = JobKeyFile.parse(r.jobKey());
            } catch (IllegalArgumentException e) {
                err.println(name + ": the server's enrollment answer has a jobKey that " + e.getMessage()
                        + "; nothing was stored (the server does not follow the protocol)");
                return EXIT_FAILURE;
            }
        }
        int interval = r.checkinSeconds() == null ? (int) DEFAULT_INTERVAL.toSeconds() : r.checkinSeconds();
        AgentState state = new AgentState(
                server.toString(), pinned.display(), r.agentId(), r.hostId(), r.credential(), interval, o.hostname());
        try {
            // No moment with the new credential and a previous server's job key: the old pin goes first.
            SecureFiles.directory(o.stateDir());
            JobKeyFile.remove(o.stateDir());
            state.save(o.stateDir());
        } catch (IOException e) {
            err.println(name + ": enrolled as agent " + r.agentId() + ", but cannot store the credential in "
                    + o.stateDir().resolve(AgentState.FILE) + ": " + e.getMessage()
                    + " (enroll again once the state directory is writable)");
            return EXIT_FAILURE;
        }
        out.println("enrolled " + hostname + " as agent " + r.agentId() + " (host " + r.hostId() + "); state in "
                + o.stateDir().resolve(AgentState.FILE) + " (mode 0600)");
        if (jobKey == null) {
            out.println("the server sent no job key: this agent will accept no jobs (enroll again once the server"
                    + " signs jobs)");
            return EXIT_OK;
        }
        try {
            JobKeyFile.pin(o.stateDir(), jobKey);
        } catch (IOException e) {
            err.println(name + ": enrolled, but cannot pin the server's job key in "
                    + o.stateDir().resolve(JobKeyFile.FILE) + ": " + e.getMessage()
                    + " (the agent accepts no jobs until it enrolls again)");
            return EXIT_FAILURE;
        }
        out.println("pinned the server's job key in " + o.stateDir().resolve(JobKeyFile.FILE)
                + ": only jobs it signed are carried out");
        return EXIT_OK;
    }

    public int run(RunOptions o, PrintWriter out, PrintWriter err) {
        if (!Files.isDirectory(o.root())) {
            return bad(err, "--root " + o.root() + ": not a directory");
        }
        Path configFile = o.config() != null ? o.config() : Path.of(AgentConfig.DEFAULT_PATH);
        AgentConfig config;
        try {
            config = AgentConfig.load(configFile, o.config() != null);
        } catch (AgentConfig.ConfigException e) {
            return bad(err, "configuration " + e.getMessage());
        }
        AgentState state;
        Spool spool;
        Optional<PublicKey> jobKey;
        SeenJobs seen;
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
            jobKey = JobKeyFile.load(o.stateDir());
            seen = SeenJobs.open(o.stateDir(), SeenJobs.DEFAULT_CAPACITY);
        } catch (IOException e) {
            return bad(err, e.getMessage());
        }
        ServerClient client = ServerClient.pinned(state.serverUri(), state.pin())
                .withCredential(state.credential())
                .withClock(timing.wall());
        boolean live = o.root().toAbsolutePath().normalize().equals(Path.of("/"));
        Reporter reporter =
                new Reporter(o.root(), collector, live ? pendingUpdates : null, timing.wall(), out, state.hostname());
        Duration interval = state.checkinSeconds() > 0 ? Duration.ofSeconds(state.checkinSeconds()) : DEFAULT_INTERVAL;
        JobRunner.Settings settings = new JobRunner.Settings(
                jobKey.orElse(null),
                state.hostId(),
                seen,
                executors(live, o.root(), config),
                new HealthChecker(config.healthChecks()),
                config.rebootCommand(),
                REBOOT_TIMEOUT,
                JobVerifier.DEFAULT_SKEW,
                live || !config.rebootCommand().equals(AgentConfig.DEFAULT_REBOOT)
                        ? null
                        : "this agent reports on " + o.root() + ", not on the system it runs on, and its"
                                + " configuration names no reboot command of its own (reboot.command); the default"
                                + " would reboot the machine the agent runs on");
        JobRunner jobs = new JobRunner(settings, spool, out, timing.wall(), reporter::bootId);
        AgentLoop loop = new AgentLoop(client, spool, reporter, timing, out, interval, jobs);
        try {
            if (o.once()) {
                return once(loop, spool, err);
            }
            out.println("fixpoint-agent " + ServerClient.agentVersion() + ": agent " + state.agentId()
                    + " reporting to " + state.server() + " (pinned " + state.fingerprint() + ")"
                    + (jobKey.isPresent() ? "" : "; no job key pinned: no job will be accepted"));
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

    /**
     * The executor of each package family: apt on dpkg hosts, dnf on rpm hosts, apk on Alpine. Package
     * jobs change the live system, so with another {@code --root} (a chroot, an image) none runs: the
     * agent would report on one system and change another.
     */
    private static Map<PackageFamily, PackageExecutor> executors(boolean live, Path root, AgentConfig config) {
        Map<PackageFamily, PackageExecutor> m = new EnumMap<>(PackageFamily.class);
        if (!live) {
            String why = "this agent reports on " + root + ", not on the system it runs on; package jobs run"
                    + " only with --root /";
            PackageExecutor none = new PackageExecutor() {
                @Override
                public JobResult execute(VerifiedJob job) {
                    return JobRunner.notStarted(job.job(), why, System.nanoTime());
                }

                @Override
                public JobResult preflight(VerifiedJob job) {
                    return JobRunner.notStarted(job.job(), why, System.nanoTime());
                }
            };
            for (PackageFamily f : PackageFamily.values()) {
                m.put(f, none);
            }
            return m;
        }
        m.put(PackageFamily.DPKG, new AptExecutor(config.apt()));
        m.put(PackageFamily.RPM, new DnfExecutor(DnfExecutor.Config.defaults()));
        m.put(PackageFamily.APK, new ApkExecutor(ApkExecutor.Config.defaults()));
        return m;
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

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private int bad(PrintWriter err, String message) {
        err.println(name + ": " + message);
        return EXIT_BAD_INPUT;
    }
}
