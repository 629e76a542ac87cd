package dev.fixpoint.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The fleet loop's load generator: many simulated agents against the real server over HTTPS loopback.
 *
 * <p>Set-up: one admin API token (login, then {@code POST /api/v1/tokens}), one enrollment token, then
 * every agent enrolls (its own credential, host name and machine id), checks in (the server wants its
 * inventory) and uploads its first inventory of {@code --packages} packages ({@link SimulatedFleet}:
 * real AlmaLinux 9 packages, versions varied per host). The server's feed store holds the real
 * AlmaLinux 9 OSV advisories, so every inventory is really evaluated and findings are stored.
 *
 * <p>Measured phases ({@code --mode}): {@code checkin} — check-ins with an unchanged inventory (the
 * steady state of a fleet); {@code inventory} — full-inventory uploads, each host alternating between
 * two inventories that differ in {@code --churn} packages (so every upload is a changed inventory and
 * is diffed and judged); {@code both} — one after the other; {@code hold} — no load, only the held
 * fleet's database size and heap, and a full re-evaluation after every advisory changed (in-process).
 * {@code deploy} — a deployment to every agent, approved while the fleet checks in, timed from the
 * approval to the last job handed out and to completion ({@link DeployPhase}; {@code --tick S} is the
 * in-process server's engine tick, default 1 s).
 * {@code --rate R} sends open-loop at R requests/s (latency counted from the intended send time, so a
 * stall is not hidden); {@code --rate 0} is closed-loop with {@code --concurrency} requests in flight.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.fixpoint.bench.load.LoadGenerator --db
 * postgresql --agents 2000 --mode both --duration 30 [--rate 0 --concurrency 32] [--packages 1000]
 * [--churn 20] [--warmup 5] [--server URL --fingerprint HEX --admin-password P] [--data DIR]};
 * deploy: {@code --mode deploy [--tick 1] [--deploy-timeout 1800] [--poll-ms 100] [--deploy-package NAME]}
 */
public final class LoadGenerator {
    private static final PrintStream OUT = System.out;
    private static final ObjectMapper JSON = new ObjectMapper();

    private String db = "sqlite";
    private int agentCount = 2000;
    private String mode = "both";
    private int duration = 30;
    private int warmup = 5;
    private double rate;
    private int concurrency = 32;
    private int setupConcurrency = 8;
    private int maxInFlight = 256;
    private int packages = 1000;
    private int churn = 20;
    private int tickSeconds = 1;
    private int deployTimeout = 1800;
    private int pollMillis = 100;
    private String deployPackage;
    private String plan;
    private boolean keep;
    private URI server;
    private String fingerprint;
    private String adminPassword = System.getenv().getOrDefault("FIXPOINT_ADMIN_PASSWORD", "");
    private Path data = Path.of(System.getenv().getOrDefault("FIXPOINT_SHARED_DATA", "../shared/data"));

    private HttpClient http;
    /** The measured phases' client (see {@link RawHttp}); set-up and administration use {@link #http}. */
    private RawHttp.Pool raw;

    private URI base;
    private InProcessServer local;
    private SimulatedFleet fleet;
    private Agent[] agents;

    /**
     * One simulated agent: its credential, its host id and the job key pinned at enrollment, and which
     * of its two inventories the server holds.
     */
    static final class Agent {
        final int index;
        final String hostname;
        String credential;
        String hostId;
        PublicKey jobKey;
        final String[] hash = new String[2];
        final String[] checkin = new String[2];
        /** The two inventory uploads, built before an inventory phase so the client's work is not timed. */
        final byte[][] upload = new byte[2][];

        volatile int current;
        final AtomicBoolean busy = new AtomicBoolean();

        Agent(int index) {
            this.index = index;
            this.hostname = String.format(Locale.ROOT, "load-%05d.simulated", index);
        }

        String machineId() {
            return String.format(Locale.ROOT, "%032x", 0x5eed_0000_0000L + index);
        }
    }

    private LoadGenerator() {}

    public static void main(String[] args) throws Exception {
        LoadGenerator g = new LoadGenerator();
        g.parse(args);
        try {
            g.run();
        } finally {
            if (g.local != null) {
                g.local.close();
            }
        }
        System.exit(0);
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--db" -> db = args[++i];
                case "--agents" -> agentCount = Integer.parseInt(args[++i]);
                case "--mode" -> mode = args[++i];
                case "--duration" -> duration = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--setup-concurrency" -> setupConcurrency = Integer.parseInt(args[++i]);
                case "--packages" -> packages = Integer.parseInt(args[++i]);
                case "--churn" -> churn = Integer.parseInt(args[++i]);
                case "--plan" -> plan = args[++i];
                case "--max-in-flight" -> maxInFlight = Integer.parseInt(args[++i]);
                case "--keep" -> keep = true;
                case "--server" -> server = URI.create(args[++i]);
                case "--fingerprint" -> fingerprint = args[++i];
                case "--admin-password" -> adminPassword = args[++i];
                case "--data" -> data = Path.of(args[++i]);
                case "--tick" -> tickSeconds = Integer.parseInt(args[++i]);
                case "--deploy-timeout" -> deployTimeout = Integer.parseInt(args[++i]);
                case "--poll-ms" -> pollMillis = Integer.parseInt(args[++i]);
                case "--deploy-package" -> deployPackage = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        if (!List.of("checkin", "inventory", "both", "hold", "deploy").contains(mode)) {
            throw new IllegalArgumentException("--mode: checkin, inventory, both, hold or deploy");
        }
        if (mode.equals("deploy") && plan != null) {
            throw new IllegalArgumentException("--mode deploy takes no --plan");
        }
        if (server != null && fingerprint == null && server.getScheme().equals("https")) {
            throw new IllegalArgumentException("--server needs --fingerprint (the certificate pin)");
        }
    }

    private void run() throws Exception {
        OUT.printf(
                Locale.ROOT,
                "machine: %d CPUs, %s %s, max heap %d MiB%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        if (server == null) {
            // deploy: a short engine tick, so a run measures the scheduler rather than the wait for its next pass
            local = InProcessServer.start(
                    db,
                    data,
                    keep,
                    mode.equals("deploy")
                            ? Map.of("deployments.tick.seconds", Integer.toString(tickSeconds))
                            : Map.of(),
                    OUT);
            base = URI.create(local.server.url().toString().replace("localhost", "127.0.0.1"));
            fingerprint = local.server.started().fingerprint();
            adminPassword = InProcessServer.ADMIN_PASSWORD;
        } else {
            base = server;
            db = "external";
        }
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4, daemon("load-http")));
        if (base.getScheme().equals("https")) {
            b.sslContext(PinnedTls.context(fingerprint));
        }
        http = b.build();
        raw = new RawHttp.Pool(base, base.getScheme().equals("https") ? PinnedTls.context(fingerprint) : null);

        long t0 = System.nanoTime();
        fleet = SimulatedFleet.load(data, packages, churn);
        OUT.printf(
                Locale.ROOT,
                "fleet: %d packages per host, churn %d; pools read in %.1f s%n",
                fleet.packages(),
                churn,
                secs(t0));

        String admin = adminToken();
        JsonNode et = call(
                "POST",
                "/api/v1/enrollment-tokens",
                admin,
                "{\"description\":\"load generator\",\"expiresInHours\":48}",
                201);
        String enrollToken = et.get("secret").asText();
        setup(enrollToken);

        Map<String, Double> m0 = metrics(admin);
        if (plan != null) {
            // several phases on one set-up: "checkin:0,inventory:0,checkin:1000,inventory:100" (rate 0 = closed loop)
            for (String step : plan.split(",")) {
                String[] kv = step.split(":");
                if (kv[0].equals("settle")) {
                    settle(Integer.parseInt(kv[1]));
                    continue;
                }
                if (kv[0].equals("analyze")) {
                    long ta = System.nanoTime();
                    if (local != null) {
                        local.analyze();
                        OUT.printf(Locale.ROOT, "analyze: planner statistics brought up to date in %.1f s%n", secs(ta));
                    } else {
                        OUT.println("analyze: skipped (an external server's database is its own)");
                    }
                    continue;
                }
                rate = Double.parseDouble(kv[1]);
                phase(kv[0], admin);
            }
        } else if (mode.equals("checkin") || mode.equals("both")) {
            phase("checkin", admin);
        }
        if (plan == null && (mode.equals("inventory") || mode.equals("both"))) {
            phase("inventory", admin);
        }
        if (mode.equals("hold")) {
            hold();
        }
        if (mode.equals("deploy")) {
            new DeployPhase(
                            http,
                            base,
                            admin,
                            agents,
                            fleet,
                            this::call,
                            new DeployPhase.Options(
                                    db,
                                    concurrency,
                                    warmup,
                                    deployTimeout,
                                    pollMillis,
                                    deployPackage,
                                    local == null ? "the external server's" : tickSeconds + " s"),
                            OUT)
                    .run();
        }
        Map<String, Double> m1 = metrics(admin);
        OUT.printf(Locale.ROOT, "server metrics over the run: %s%n", serverSide(m0, m1));
        if (local != null) {
            OUT.printf(
                    Locale.ROOT,
                    "heap after (server and generator, one JVM, after GC): %d MiB used, %d MiB committed%n",
                    usedHeapAfterGc() >> 20,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() >> 20);
            OUT.printf(Locale.ROOT, "database: %.1f MiB%n", local.databaseBytes() / 1048576.0);
        }
    }

    // ---- set-up

    private void setup(String enrollToken) throws Exception {
        agents = new Agent[agentCount];
        for (int i = 0; i < agentCount; i++) {
            Agent a = new Agent(i);
            agents[i] = a;
        }
        ExecutorService pool = Executors.newFixedThreadPool(setupConcurrency, daemon("load-setup"));
        // hashes and check-in bodies of both inventories (client-side work, done before the clock runs)
        long th = System.nanoTime();
        parallel(pool, a -> {
            for (int w = 0; w < 2; w++) {
                a.hash[w] = SimulatedFleet.hash(fleet.inventory(a.index, w));
                a.checkin[w] = SimulatedFleet.checkinBody(a.hostname, a.hash[w], fleet.packages());
            }
        });
        OUT.printf(
                Locale.ROOT,
                "setup: inventories and hashes of %d agents built in %.1f s (client side)%n",
                agentCount,
                secs(th));

        long t0 = System.nanoTime();
        parallel(pool, a -> {
            String body = "{\"token\":\"" + enrollToken + "\",\"hostname\":\"" + a.hostname + "\",\"machineId\":\""
                    + a.machineId() + "\",\"agentVersion\":\"0.1.0-load\"}";
            JsonNode e = call("POST", "/api/v1/agent/enroll", null, body, 201);
            a.credential = e.get("credential").asText();
            a.hostId = e.get("hostId").asText();
            a.jobKey = jobKey(e.path("jobKey").asText(""));
        });
        double enroll = secs(t0);
        OUT.printf(
                Locale.ROOT,
                "setup: %d agents enrolled in %.1f s (%.0f/s, %d in flight)%n",
                agentCount,
                enroll,
                agentCount / enroll,
                setupConcurrency);

        long t1 = System.nanoTime();
        parallel(pool, a -> {
            JsonNode c = call("POST", "/api/v1/agent/checkin", a.credential, a.checkin[0], 200);
            if (!c.get("inventoryWanted").asBoolean()) {
                throw new IllegalStateException(a.hostname + ": a new host's first check-in should want the inventory");
            }
        });
        double first = secs(t1);
        OUT.printf(
                Locale.ROOT,
                "setup: %d first check-ins (pending updates recorded) in %.1f s (%.0f/s)%n",
                agentCount,
                first,
                agentCount / first);

        long t2 = System.nanoTime();
        Latencies initial = new Latencies();
        LongAdder findings = new LongAdder();
        parallel(pool, a -> {
            long s = System.nanoTime();
            JsonNode r = call(
                    "PUT",
                    "/api/v1/agent/inventory",
                    a.credential,
                    SimulatedFleet.inventoryBody(fleet.inventory(a.index, 0), a.hash[0]),
                    200);
            initial.add((System.nanoTime() - s) / 1000);
            findings.add(r.get("openFindings").asLong());
            a.current = 0;
        });
        double inv = secs(t2);
        OUT.printf(
                Locale.ROOT,
                "setup: %d first inventories (%d packages each, all new) in %.1f s (%.1f/s, %d in flight; %s);"
                        + " %,d open findings, %.0f per host%n",
                agentCount,
                fleet.packages(),
                inv,
                agentCount / inv,
                setupConcurrency,
                initial.format(),
                findings.sum(),
                findings.sum() / (double) agentCount);
        OUT.printf(
                Locale.ROOT,
                "RESULT db=%s phase=setup-first-inventory agents=%d packages=%d concurrency=%d"
                        + " rate=%.1f/s wall=%.1fs %s%n",
                db,
                agentCount,
                fleet.packages(),
                setupConcurrency,
                agentCount / inv,
                inv,
                initial.format());
        pool.shutdown();
    }

    private interface AgentTask {
        void run(Agent a) throws Exception;
    }

    private void parallel(ExecutorService pool, AgentTask task) throws Exception {
        List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
        AtomicInteger next = new AtomicInteger();
        for (int w = 0; w < setupConcurrency; w++) {
            fs.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < agents.length; i = next.getAndIncrement()) {
                    task.run(agents[i]);
                }
                return null;
            }));
        }
        for (var f : fs) {
            f.get();
        }
    }

    // ---- measured phases

    /** The outcome of requests: latencies of those started in the measured window, errors by kind. */
    private static final class Outcome {
        final Latencies latencies = new Latencies();
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        final LongAdder ok = new LongAdder();

        void error(String kind) {
            errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        }

        long errorCount() {
            return errors.values().stream().mapToLong(LongAdder::sum).sum();
        }
    }

    private RawHttp.Reply exchange(String phase, Agent a, int which) throws IOException {
        if (phase.equals("checkin")) {
            return raw.exchange(
                    "POST",
                    "/api/v1/agent/checkin",
                    a.credential,
                    a.checkin[a.current].getBytes(StandardCharsets.UTF_8),
                    false);
        }
        return raw.exchange("PUT", "/api/v1/agent/inventory", a.credential, a.upload[which], true);
    }

    /**
     * Builds every agent's two inventory uploads, gzip-compressed as the agent sends them (client-side
     * work, before the clock runs).
     */
    private void buildUploads() throws Exception {
        if (agents[0].upload[0] != null) {
            return;
        }
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(setupConcurrency, daemon("load-setup"));
        parallel(pool, a -> {
            for (int w = 0; w < 2; w++) {
                a.upload[w] = gzip(SimulatedFleet.inventoryBody(fleet.inventory(a.index, w), a.hash[w])
                        .getBytes(StandardCharsets.UTF_8));
            }
        });
        pool.shutdown();
        OUT.printf(Locale.ROOT, "inventory uploads of %d agents built in %.1f s (client side)%n", agentCount, secs(t0));
    }

    static byte[] gzip(byte[] body) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(body.length / 4 + 64);
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
            z.write(body);
        }
        return out.toByteArray();
    }

    /** Takes the next agent not already busy (an agent has one request in flight at most). */
    private Agent claim(AtomicLong cursor) {
        for (int tries = 0; tries < agents.length * 2; tries++) {
            Agent a = agents[(int) Math.floorMod(cursor.getAndIncrement(), (long) agents.length)];
            if (a.busy.compareAndSet(false, true)) {
                return a;
            }
        }
        return null;
    }

    private void done(String phase, Agent a, int which, RawHttp.Reply resp, Outcome o, boolean measured) {
        if (resp.status() == 200) {
            if (phase.equals("inventory")) {
                a.current = which;
            } else if (resp.body().contains("\"inventoryWanted\":true")) {
                if (measured) {
                    o.error("checkin wanted inventory");
                }
            }
            if (measured) {
                o.ok.increment();
            }
        } else if (measured) {
            o.error("HTTP " + resp.status());
        }
    }

    private void phase(String phase, String admin) throws Exception {
        if (phase.equals("inventory")) {
            buildUploads();
        }
        Map<String, Double> before = metrics(admin);
        CpuSample cpu0 = CpuSample.take();
        Outcome o = rate > 0 ? openLoop(phase) : closedLoop(phase);
        CpuSample cpu1 = CpuSample.take();
        Map<String, Double> after = metrics(admin);
        int n = o.latencies.count();
        double achieved = o.ok.sum() / (double) duration;
        String load = rate > 0
                ? String.format(Locale.ROOT, "open-loop %.0f/s", rate)
                : String.format(Locale.ROOT, "closed-loop, %d in flight", concurrency);
        OUT.printf(
                Locale.ROOT,
                "%s (%s, %d s measured after %d s warm-up): %,d requests, %.1f/s, %s; errors %d %s%n",
                phase,
                load,
                duration,
                warmup,
                n,
                achieved,
                o.latencies.format(),
                o.errorCount(),
                o.errors);
        OUT.printf(Locale.ROOT, "  cpu: %s%n", cpu1.minus(cpu0));
        OUT.printf(Locale.ROOT, "  server side: %s%n", serverSide(before, after));
        double[] s = o.latencies.summary();
        OUT.printf(
                Locale.ROOT,
                "RESULT db=%s phase=%s agents=%d packages=%d churn=%d load=\"%s\" achieved=%.1f/s"
                        + " p50=%.1fms p90=%.1fms p99=%.1fms max=%.1fms errors=%d%n",
                db,
                phase,
                agentCount,
                fleet.packages(),
                phase.equals("inventory") ? churn : 0,
                load,
                achieved,
                s[0],
                s[1],
                s[2],
                s[3],
                o.errorCount());
    }

    private Outcome closedLoop(String phase) throws Exception {
        Outcome o = new Outcome();
        AtomicLong cursor = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(duration);
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, daemon("load-worker"));
        List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            fs.add(pool.submit(() -> {
                while (true) {
                    long t = System.nanoTime();
                    if (t >= end) {
                        return null;
                    }
                    Agent a = claim(cursor);
                    if (a == null) {
                        throw new IllegalStateException("more workers than agents");
                    }
                    int which = 1 - a.current;
                    boolean measured = t >= measureFrom;
                    try {
                        long s = System.nanoTime();
                        RawHttp.Reply resp = exchange(phase, a, which);
                        long e = System.nanoTime();
                        measured = s >= measureFrom && e <= end;
                        if (measured) {
                            o.latencies.add((e - s) / 1000);
                        }
                        done(phase, a, which, resp, o, measured);
                    } catch (IOException e) {
                        if (measured) {
                            o.error(e.getClass().getSimpleName());
                        }
                    } finally {
                        a.busy.set(false);
                    }
                }
            }));
        }
        for (var f : fs) {
            f.get();
        }
        pool.shutdown();
        return o;
    }

    private Outcome openLoop(String phase) throws Exception {
        Outcome o = new Outcome();
        AtomicLong cursor = new AtomicLong();
        AtomicInteger inFlight = new AtomicInteger();
        long period = (long) (1e9 / rate);
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(duration);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        // one blocking sender per request in flight, at most --max-in-flight
        ExecutorService senders = Executors.newFixedThreadPool(maxInFlight, daemon("load-sender"));
        for (long i = 0; ; i++) {
            long intended = start + i * period;
            if (intended >= end) {
                break;
            }
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            boolean measured = intended >= measureFrom;
            Agent a = claim(cursor);
            if (a == null || inFlight.get() >= maxInFlight) {
                if (a != null) {
                    a.busy.set(false);
                }
                if (measured) {
                    o.error("not sent: server behind (no free agent or --max-in-flight reached)");
                }
                continue;
            }
            int which = 1 - a.current;
            inFlight.incrementAndGet();
            CompletableFuture<?> f = CompletableFuture.runAsync(
                    () -> {
                        try {
                            RawHttp.Reply resp = exchange(phase, a, which);
                            if (measured) {
                                // from the intended start: a late send counts against the server
                                o.latencies.add((System.nanoTime() - intended) / 1000);
                            }
                            done(phase, a, which, resp, o, measured);
                        } catch (IOException e) {
                            if (measured) {
                                o.error(e.getClass().getSimpleName());
                            }
                        } finally {
                            a.busy.set(false);
                            inFlight.decrementAndGet();
                        }
                    },
                    senders);
            if ((i & 1023) == 0) {
                pending.removeIf(CompletableFuture::isDone);
            }
            pending.add(f);
        }
        for (CompletableFuture<?> f : pending) {
            try {
                f.get(120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // counted by the sender
            }
        }
        senders.shutdown();
        return o;
    }

    /**
     * Waits until the machine is nearly idle (under 0.3 cores busy over 5 s; at most {@code maxSeconds}),
     * e.g. for PostgreSQL's autovacuum after the set-up's bulk of inserts.
     */
    private void settle(int maxSeconds) throws InterruptedException {
        long t0 = System.nanoTime();
        int cpus = Runtime.getRuntime().availableProcessors();
        double busy = Double.NaN;
        while (secs(t0) < maxSeconds) {
            long[] a = CpuSample.machineJiffies();
            Thread.sleep(5000);
            long[] b = CpuSample.machineJiffies();
            busy = (b[0] - a[0]) / (double) Math.max(1, b[1] - a[1]) * cpus;
            if (busy < 0.3) {
                break;
            }
        }
        OUT.printf(
                Locale.ROOT,
                "settle: %.0f s until the machine was idle (%.2f cores busy over the last 5 s)%n",
                secs(t0),
                busy);
    }

    // ---- the held fleet (the 10,000-host figure)

    private void hold() throws Exception {
        if (local == null) {
            OUT.println("hold: needs the in-process server (it reloads the server's feeds)");
            return;
        }
        long heap = usedHeapAfterGc();
        OUT.printf(
                Locale.ROOT,
                "hold: %d hosts held; database %.1f MiB; heap used after GC %d MiB%n",
                agentCount,
                local.databaseBytes() / 1048576.0,
                heap >> 20);
        long t0 = System.nanoTime();
        int files = local.touchAdvisories("2026-12-01T00:00:00Z");
        double touch = secs(t0);
        long t1 = System.nanoTime();
        int keys = local.server.feeds().reload();
        double reload = secs(t1);
        long open = local.server.database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM finding WHERE resolved_micros IS NULL")
                .mapTo(Long.class)
                .one());
        long rows = local.server.database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM host_package")
                .mapTo(Long.class)
                .one());
        OUT.printf(
                Locale.ROOT,
                "hold: %d advisory files changed in %.1f s; reload + full re-evaluation of %d package"
                        + " keys on %d hosts (%,d installed packages, %,d open findings): %.1f s%n",
                files,
                touch,
                keys,
                agentCount,
                rows,
                open,
                reload);
        OUT.printf(
                Locale.ROOT,
                "RESULT db=%s phase=hold hosts=%d packages=%d db=%.1fMiB heap=%dMiB reeval=%.1fs"
                        + " keys=%d openFindings=%d%n",
                db,
                agentCount,
                fleet.packages(),
                local.databaseBytes() / 1048576.0,
                heap >> 20,
                reload,
                keys,
                open);
    }

    private static final Map<String, PublicKey> JOB_KEYS = new ConcurrentHashMap<>();

    /**
     * The job key of an enrollment answer ({@code ed25519 <base64 X.509>}), as the agent pins it; decoded
     * once per distinct key (every agent of a server gets the same one), null when the answer has none.
     */
    static PublicKey jobKey(String line) {
        if (!line.startsWith("ed25519 ")) {
            return null;
        }
        return JOB_KEYS.computeIfAbsent(line, l -> {
            try {
                return KeyFactory.getInstance("Ed25519")
                        .generatePublic(
                                new X509EncodedKeySpec(Base64.getDecoder().decode(l.substring("ed25519 ".length()))));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalStateException("enrollment answer: job key \"" + l + "\" is not an Ed25519 key", e);
            }
        });
    }

    // ---- HTTP helpers

    JsonNode call(String method, String path, String bearer, String body, int expect)
            throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(120));
        if (bearer != null) {
            r.header("Authorization", "Bearer " + bearer);
        }
        if (body != null) {
            r.header("Content-Type", "application/json");
            r.method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            r.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != expect) {
            throw new IllegalStateException(method + " " + path + ": " + resp.statusCode() + " " + resp.body());
        }
        return resp.body().isEmpty() ? JSON.nullNode() : JSON.readTree(resp.body());
    }

    private String adminToken() throws IOException, InterruptedException {
        HttpResponse<String> login = http.send(
                HttpRequest.newBuilder(base.resolve("/api/v1/auth/login"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                JSON.writeValueAsString(Map.of("username", "admin", "password", adminPassword))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (login.statusCode() != 200) {
            throw new IllegalStateException("admin login: " + login.statusCode() + " " + login.body());
        }
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String csrf = JSON.readTree(login.body()).get("csrfToken").asText();
        HttpResponse<String> tok = http.send(
                HttpRequest.newBuilder(base.resolve("/api/v1/tokens"))
                        .header("Content-Type", "application/json")
                        .header("Cookie", cookie)
                        .header("X-CSRF-Token", csrf)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"load generator\",\"expiresInDays\":1}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (tok.statusCode() != 201) {
            throw new IllegalStateException("API token: " + tok.statusCode() + " " + tok.body());
        }
        return JSON.readTree(tok.body()).get("secret").asText();
    }

    /** The server's Prometheus series that matter here, by name and labels. */
    private Map<String, Double> metrics(String admin) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(base.resolve("/metrics"))
                        .header("Authorization", "Bearer " + admin)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Double> m = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if ((line.startsWith("fixpoint_http_request_seconds_sum")
                            || line.startsWith("fixpoint_http_request_seconds_count")
                            || line.startsWith("fixpoint_evaluation_seconds_sum")
                            || line.startsWith("fixpoint_evaluation_seconds_count"))
                    && line.contains(" ")) {
                int sp = line.lastIndexOf(' ');
                try {
                    m.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
                } catch (NumberFormatException e) {
                    // not a sample
                }
            }
        }
        return m;
    }

    /** Mean server-side time per request by route (the server's own request histogram), over an interval. */
    private static String serverSide(Map<String, Double> before, Map<String, Double> after) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, Double> e : after.entrySet()) {
            String k = e.getKey();
            if (!k.contains("_count")) {
                continue;
            }
            double count = e.getValue() - before.getOrDefault(k, 0.0);
            String sumKey = k.replace("_count", "_sum");
            double sum = after.getOrDefault(sumKey, 0.0) - before.getOrDefault(sumKey, 0.0);
            if (count >= 1 && (k.contains("agent") || k.contains("evaluation"))) {
                String label = k.substring(k.indexOf('{'));
                out.put(label, String.format(Locale.ROOT, "%,.0f × %.2f ms", count, sum / count * 1000));
            }
        }
        return out.toString();
    }

    // ---- CPU accounting: where the two cores went

    static final class CpuSample {
        final long wall = System.nanoTime();
        final long process;
        final Map<String, Long> byGroup = new TreeMap<>();
        final long[] machine;

        private CpuSample() {
            var os = ManagementFactory.getOperatingSystemMXBean();
            process = os instanceof com.sun.management.OperatingSystemMXBean
                    ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime()
                    : -1;
            ThreadMXBean t = ManagementFactory.getThreadMXBean();
            for (ThreadInfo ti : t.getThreadInfo(t.getAllThreadIds())) {
                if (ti == null) {
                    continue;
                }
                long c = t.getThreadCpuTime(ti.getThreadId());
                if (c > 0) {
                    byGroup.merge(group(ti.getThreadName()), c, Long::sum);
                }
            }
            machine = machineJiffies();
        }

        static CpuSample take() {
            return new CpuSample();
        }

        static String group(String name) {
            if (name.startsWith("load-") || name.startsWith("HttpClient")) {
                return "generator (client)";
            }
            if (name.startsWith("qtp") || name.startsWith("JettyServerThreadPool")) {
                return "server (Jetty request threads)";
            }
            if (name.startsWith("fixpoint")) {
                return "server (Hikari/background)";
            }
            return "other JVM threads";
        }

        /** busy and total jiffies of the whole machine, from /proc/stat (all processes, PostgreSQL included). */
        static long[] machineJiffies() {
            try {
                String first = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII)
                        .get(0);
                String[] f = first.trim().split("\\s+");
                long total = 0;
                long idle = 0;
                for (int i = 1; i < f.length; i++) {
                    long v = Long.parseLong(f[i]);
                    total += v;
                    if (i == 4 || i == 5) {
                        idle += v;
                    }
                }
                return new long[] {total - idle, total};
            } catch (IOException | RuntimeException e) {
                return new long[] {0, 0};
            }
        }

        String minus(CpuSample before) {
            double wallS = (wall - before.wall) / 1e9;
            StringBuilder b = new StringBuilder();
            long busy = machine[0] - before.machine[0];
            long total = machine[1] - before.machine[1];
            int cpus = Runtime.getRuntime().availableProcessors();
            if (total > 0) {
                b.append(String.format(
                        Locale.ROOT, "machine %.2f of %d cores busy", busy / (double) total * cpus, cpus));
            }
            if (process >= 0) {
                b.append(String.format(Locale.ROOT, "; this JVM %.2f cores", (process - before.process) / 1e9 / wallS));
            }
            long threads = 0;
            for (Map.Entry<String, Long> e : byGroup.entrySet()) {
                long d = e.getValue() - before.byGroup.getOrDefault(e.getKey(), 0L);
                threads += d;
                b.append(String.format(Locale.ROOT, "; %s %.2f", e.getKey(), d / 1e9 / wallS));
            }
            if (process >= 0) {
                b.append(String.format(
                        Locale.ROOT,
                        "; GC and JIT (the rest) %.2f",
                        (process - before.process - threads) / 1e9 / wallS));
            }
            return b.toString();
        }
    }

    // ---- misc

    static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
