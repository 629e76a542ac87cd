package dev.fixpoint.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fixpoint.core.job.HealthCheck;
import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageTarget;
import dev.fixpoint.core.job.SignedJob;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code --mode deploy}: the deployment scheduler under a checking-in fleet (issue #4, "scheduler
 * throughput for a deployment to 10,000 simulated agents").
 *
 * <p>After the common set-up (every agent enrolled, first inventory uploaded), as an admin through the
 * REST API: create a deployment of kind {@code PACKAGES} that installs a newer exact version of one
 * package every simulated host has, on all hosts, one ring whose concurrency is the number of agents,
 * {@code IMMEDIATE}, reboot {@code NEVER}. The fleet then checks in, closed loop ({@code --concurrency}
 * requests in flight, agents taken round robin, so each agent checks in once per sweep of the fleet);
 * {@code --warmup} seconds later the deployment is approved and the clock starts. An agent whose
 * check-in answer carries a job verifies its Ed25519 signature against the job key of its enrollment
 * answer (and that the job is its host's and installs the deployment's package), then posts a
 * {@code SUCCEEDED} result with before and after states, as the agent does after a real install.
 *
 * <p>Measured from approval: when the jobs exist (the deployment's target counts, polled every
 * {@code --poll-ms}; and the server's {@code fixpoint_jobs_dispatched_total}, which counts inside the
 * engine's transaction, before its commit), when the last agent got its job, when the last result was
 * accepted, when the deployment is {@code completed}; check-in latency during the rollout against
 * before it. At the end the server's own record (each job's first delivery and result times) is read
 * through the jobs list as a cross-check.
 */
final class DeployPhase {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The generator's JSON call: method, path, bearer, body, expected status. */
    interface Api {
        JsonNode call(String method, String path, String bearer, String body, int expect)
                throws IOException, InterruptedException;
    }

    record Options(
            String db,
            int concurrency,
            int warmupSeconds,
            int timeoutSeconds,
            int pollMillis,
            String preferredPackage,
            String tick) {}

    private final HttpClient http;
    private final URI base;
    private final String admin;
    private final LoadGenerator.Agent[] agents;
    private final SimulatedFleet fleet;
    private final Api api;
    private final Options o;
    private final PrintStream out;

    private SimulatedFleet.Upgrade upgrade;
    /** System.nanoTime of the approval request; Long.MAX_VALUE before it. */
    private volatile long approvedAt = Long.MAX_VALUE;
    /** System.nanoTime when the deployment was seen completed; Long.MAX_VALUE before. */
    private volatile long finishedAt = Long.MAX_VALUE;

    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLongArray received; // nanoTime of the first check-in answer carrying the agent's job
    private final AtomicLongArray reported; // nanoTime of the accepted result
    private final Latencies before = new Latencies();
    private final Latencies during = new Latencies();
    private final Latencies withJob = new Latencies();
    private final Latencies results = new Latencies();
    private final LongAdder checkins = new LongAdder();
    private final LongAdder jobsSeen = new LongAdder();
    private final LongAdder handedAgain = new LongAdder();
    private final LongAdder verifyNanos = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    DeployPhase(
            HttpClient http,
            URI base,
            String admin,
            LoadGenerator.Agent[] agents,
            SimulatedFleet fleet,
            Api api,
            Options o,
            PrintStream out) {
        this.http = http;
        this.base = base;
        this.admin = admin;
        this.agents = agents;
        this.fleet = fleet;
        this.api = api;
        this.o = o;
        this.out = out;
        this.received = new AtomicLongArray(agents.length);
        this.reported = new AtomicLongArray(agents.length);
    }

    void run() throws Exception {
        for (LoadGenerator.Agent a : agents) {
            if (a.jobKey == null) {
                throw new IllegalStateException(
                        "the enrollment answer carried no job key (a server without" + " deployments?): " + a.hostname);
            }
        }
        upgrade = fleet.upgrade(o.preferredPackage());

        // ---- create (resolves every target's exact version now; not part of the clock)
        long tc = System.nanoTime();
        JsonNode created = api.call("POST", "/api/v1/deployments", admin, JSON.writeValueAsString(spec()), 201);
        double createSeconds = LoadGenerator.secs(tc);
        String id = created.get("id").asText();
        long toPatch = created.path("rings").path(0).path("hosts").asLong();
        out.printf(
                Locale.ROOT,
                "deploy: deployment %s created in %.2f s: %s %s (%s) on every host, one ring of %d hosts,"
                        + " concurrency %d, IMMEDIATE, reboot NEVER; targets %s; state %s; engine tick %s%n",
                id,
                createSeconds,
                upgrade.name(),
                upgrade.version(),
                upgrade.arch(),
                toPatch,
                agents.length,
                created.path("targets"),
                created.path("state").asText(),
                o.tick());
        if (toPatch != agents.length) {
            api.call("POST", "/api/v1/deployments/" + id + "/cancel", admin, null, 200);
            throw new IllegalStateException("the deployment targets " + toPatch + " hosts, not the " + agents.length
                    + " simulated agents (other hosts on this server, or hosts already at the version);"
                    + " cancelled. Use a fresh server.");
        }
        boolean needsApproval = created.path("state").asText().equals("pending_approval");

        // ---- the fleet checks in; approval after the warm-up
        ExecutorService pool = Executors.newFixedThreadPool(o.concurrency(), LoadGenerator.daemon("load-worker"));
        List<Future<?>> workers = new ArrayList<>();
        AtomicLong cursor = new AtomicLong();
        for (int w = 0; w < o.concurrency(); w++) {
            workers.add(pool.submit(() -> {
                work(cursor);
                return null;
            }));
        }
        Thread.sleep(o.warmupSeconds() * 1000L);
        Map<String, Double> m0 = counters();
        LoadGenerator.CpuSample cpu0 = LoadGenerator.CpuSample.take();
        long t0 = System.nanoTime();
        approvedAt = t0;
        double approveSeconds = Double.NaN;
        if (needsApproval) {
            api.call("POST", "/api/v1/deployments/" + id + "/approve", admin, null, 200);
            approveSeconds = LoadGenerator.secs(t0);
        } else {
            out.printf(
                    Locale.ROOT,
                    "deploy: the deployment was approved at creation (%s) by a policy; the clock starts now%n",
                    created.path("approvedBy").asText());
        }

        // ---- watch it: target counts, the dispatch counter, the state
        double firstCreated = Double.NaN;
        double allCreated = Double.NaN;
        double dispatchFirst = Double.NaN;
        double dispatchAll = Double.NaN;
        double completed = Double.NaN;
        String state = "";
        JsonNode last = created;
        long polls = 0;
        long viewMicros = 0;
        long metricsMicros = 0;
        long deadline = t0 + Duration.ofSeconds(o.timeoutSeconds()).toNanos();
        while (System.nanoTime() < deadline) {
            // each sample is timed at its answer: "reached by" is then never earlier than it was
            long ps = System.nanoTime();
            last = api.call("GET", "/api/v1/deployments/" + id, admin, null, 200);
            long pv = System.nanoTime();
            double dispatched = counters().getOrDefault("dispatched", 0.0) - m0.getOrDefault("dispatched", 0.0);
            long pm = System.nanoTime();
            viewMicros += (pv - ps) / 1000;
            metricsMicros += (pm - pv) / 1000;
            polls++;
            double at = (pv - t0) / 1e9;
            long made = jobsCreated(last.path("targets"));
            state = last.path("state").asText();
            if (made > 0 && Double.isNaN(firstCreated)) {
                firstCreated = at;
            }
            if (made >= toPatch && Double.isNaN(allCreated)) {
                allCreated = at;
            }
            if (dispatched > 0 && Double.isNaN(dispatchFirst)) {
                dispatchFirst = (pm - t0) / 1e9;
            }
            if (dispatched >= toPatch && Double.isNaN(dispatchAll)) {
                dispatchAll = (pm - t0) / 1e9;
            }
            if (!state.equals("running") && !state.equals("pending_approval")) {
                if (state.equals("completed")) {
                    completed = at;
                }
                break;
            }
            long sleep = o.pollMillis() * 1_000_000L - (System.nanoTime() - ps);
            if (sleep > 0) {
                Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
            }
        }
        finishedAt = System.nanoTime();
        LoadGenerator.CpuSample cpu1 = LoadGenerator.CpuSample.take();
        Map<String, Double> m1 = counters();
        stop.set(true);
        for (Future<?> f : workers) {
            f.get();
        }
        pool.shutdown();

        // ---- client-side times
        long lastReceived = 0;
        long lastReported = 0;
        int gotJob = 0;
        int gaveResult = 0;
        for (int i = 0; i < agents.length; i++) {
            long r = received.get(i);
            if (r != 0) {
                gotJob++;
                lastReceived = Math.max(lastReceived, r);
            }
            long p = reported.get(i);
            if (p != 0) {
                gaveResult++;
                lastReported = Math.max(lastReported, p);
            }
        }
        double handedOut = gotJob == 0 ? Double.NaN : (lastReceived - t0) / 1e9;
        double lastResult = gaveResult == 0 ? Double.NaN : (lastReported - t0) / 1e9;
        double rolloutSeconds = (finishedAt - t0) / 1e9;

        out.printf(
                Locale.ROOT,
                "deploy: state %s after %.2f s (%s); approval request %.0f ms; reason \"%s\"%n",
                state,
                rolloutSeconds,
                Double.isNaN(completed) ? "NOT completed" : "completed",
                approveSeconds * 1000,
                last.path("reason").asText(""));
        out.printf(
                Locale.ROOT,
                "deploy: jobs created: first seen at +%.2f s, all %d at +%.2f s = %.0f jobs/s from approval (target"
                        + " counts; %d polls every %d ms or slower: deployment %.1f ms, /metrics %.1f ms each)%n",
                firstCreated,
                toPatch,
                allCreated,
                toPatch / allCreated,
                polls,
                o.pollMillis(),
                polls == 0 ? Double.NaN : viewMicros / 1000.0 / polls,
                polls == 0 ? Double.NaN : metricsMicros / 1000.0 / polls);
        out.printf(
                Locale.ROOT,
                "deploy: engine dispatch counter (inside its transaction): first >0 at +%.2f s, all %d at +%.2f s%s%n",
                dispatchFirst,
                toPatch,
                dispatchAll,
                dispatchAll > dispatchFirst
                        ? String.format(
                                Locale.ROOT,
                                " (≥ %.0f jobs/s while dispatching)",
                                toPatch / (dispatchAll - dispatchFirst))
                        : " (within one poll interval)");
        out.printf(
                Locale.ROOT,
                "deploy: jobs handed out: %d of %d agents got theirs, the last at +%.2f s (%.0f jobs/s from approval);"
                        + " results accepted: %d, the last at +%.2f s; completed at +%.2f s%n",
                gotJob,
                agents.length,
                handedOut,
                gotJob / handedOut,
                gaveResult,
                lastResult,
                completed);
        double[] d = during.summary();
        out.printf(
                Locale.ROOT,
                "deploy: check-ins (closed loop, %d in flight): %,d in all; before approval %s; during the rollout"
                        + " (%,d, %.0f/s) %s; those carrying a job (%,d) %s; results posted %s%n",
                o.concurrency(),
                checkins.sum(),
                before.format(),
                during.count(),
                during.count() / rolloutSeconds,
                during.format(),
                withJob.count(),
                withJob.format(),
                results.format());
        out.printf(
                Locale.ROOT,
                "deploy: jobs seen %,d (%,d handed out again after their result); generator's signature checks"
                        + " %.2f ms each, %.1f s in all; errors %d %s%n",
                jobsSeen.sum(),
                handedAgain.sum(),
                jobsSeen.sum() == 0 ? Double.NaN : verifyNanos.sum() / 1e6 / jobsSeen.sum(),
                verifyNanos.sum() / 1e9,
                errors.values().stream().mapToLong(LongAdder::sum).sum(),
                errors);
        out.printf(Locale.ROOT, "  cpu: %s%n", cpu1.minus(cpu0));
        out.printf(Locale.ROOT, "  server counters over the rollout: %s%n", delta(m0, m1));

        ServerView sv = serverView(id, last);
        out.printf(
                Locale.ROOT,
                "deploy: the server's record (jobs list, %d pages of 500 in %.2f s, %.0f ms per page; a limit=1 page"
                        + " %.0f ms): %d jobs, approved %s; last first-delivery +%.2f s, last result +%.2f s,"
                        + " deployment finished +%.2f s; %d jobs delivered more than once%n",
                sv.pages,
                sv.listSeconds,
                sv.pages == 0 ? Double.NaN : sv.listSeconds * 1000 / sv.pages,
                sv.onePageMillis,
                sv.jobs,
                sv.approved,
                sv.lastDelivered,
                sv.lastFinished,
                sv.finished,
                sv.redelivered);
        out.printf(
                Locale.ROOT,
                "RESULT db=%s phase=deploy agents=%d packages=%d concurrency=%d tick=\"%s\" create=%.2fs"
                        + " jobsCreated=%.2fs jobsPerSecond=%.0f lastHandedOut=%.2fs lastResult=%.2fs completed=%.2fs"
                        + " checkinP50=%.1fms checkinP99=%.1fms errors=%d%n",
                o.db(),
                agents.length,
                fleet.packages(),
                o.concurrency(),
                o.tick(),
                createSeconds,
                allCreated,
                toPatch / allCreated,
                handedOut,
                lastResult,
                completed,
                d[0],
                d[2],
                errors.values().stream().mapToLong(LongAdder::sum).sum());
    }

    // ---- the deployment

    private ObjectNode spec() {
        ObjectNode s = JSON.createObjectNode();
        s.put(
                "name",
                "load generator: " + upgrade.name() + " " + upgrade.version() + " on " + agents.length + " hosts");
        ObjectNode what = s.putObject("what");
        what.put("kind", "PACKAGES");
        what.putArray("packages")
                .addObject()
                .put("name", upgrade.name())
                .put("version", upgrade.version())
                .put("arch", upgrade.arch());
        s.putObject("where").put("allHosts", true);
        s.putArray("rings")
                .addObject()
                .put("name", "all")
                .put("concurrency", agents.length)
                .put("bakeMinutes", 0);
        s.put("windows", "IMMEDIATE");
        s.put("reboot", "NEVER");
        // The scheduler's own throughput: without pre-flight, the only jobs are the installs.
        s.put("preflight", "OFF");
        return s;
    }

    /** Targets with a job made for them: all but those pending, skipped or cancelled. */
    private static long jobsCreated(JsonNode targets) {
        long n = 0;
        for (Map.Entry<String, JsonNode> e : targets.properties()) {
            if (!List.of("pending", "skipped", "cancelled").contains(e.getKey())) {
                n += e.getValue().asLong();
            }
        }
        return n;
    }

    // ---- the fleet

    private void work(AtomicLong cursor) throws InterruptedException {
        while (!stop.get()) {
            LoadGenerator.Agent a = claim(cursor);
            if (a == null) {
                throw new IllegalStateException("more workers than agents");
            }
            try {
                HttpRequest req = HttpRequest.newBuilder(base.resolve("/api/v1/agent/checkin"))
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + a.credential)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(a.checkin[a.current]))
                        .build();
                long s = System.nanoTime();
                HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
                long e = System.nanoTime();
                checkins.increment();
                if (resp.statusCode() != 200) {
                    error("check-in HTTP " + resp.statusCode());
                    continue;
                }
                String body = resp.body();
                boolean inRollout = s >= approvedAt && e <= finishedAt;
                boolean jobs = !body.contains("\"jobs\":[]");
                if (s < approvedAt) {
                    before.add((e - s) / 1000);
                } else if (inRollout) {
                    during.add((e - s) / 1000);
                    if (jobs) {
                        withJob.add((e - s) / 1000);
                    }
                }
                if (body.contains("\"inventoryWanted\":true")) {
                    error("check-in wanted the inventory");
                }
                if (jobs) {
                    jobs(a, body, e);
                }
            } catch (IOException e) {
                error(e.getClass().getSimpleName());
            } finally {
                a.busy.set(false);
            }
        }
    }

    /** Takes the next agent not already busy (an agent has one request in flight at most). */
    private LoadGenerator.Agent claim(AtomicLong cursor) {
        for (int tries = 0; tries < agents.length * 2; tries++) {
            LoadGenerator.Agent a = agents[(int) Math.floorMod(cursor.getAndIncrement(), (long) agents.length)];
            if (a.busy.compareAndSet(false, true)) {
                return a;
            }
        }
        return null;
    }

    /** What the agent does with a check-in answer's jobs: verify, "install", report. */
    private void jobs(LoadGenerator.Agent a, String body, long answeredAt) throws IOException, InterruptedException {
        for (JsonNode j : JSON.readTree(body).path("jobs")) {
            jobsSeen.increment();
            long vs = System.nanoTime();
            SignedJob sj;
            try {
                sj = signedJob(j);
            } catch (RuntimeException e) {
                error("malformed job: " + e.getMessage());
                continue;
            }
            boolean valid = sj.verify(a.jobKey);
            verifyNanos.add(System.nanoTime() - vs);
            if (!valid) {
                error("job signature does not verify against the enrollment's job key");
                continue;
            }
            Job job = sj.job();
            if (!job.hostId().equals(a.hostId)) {
                error("a job for another host");
                continue;
            }
            if (job.type() != JobType.INSTALL
                    || job.packages().size() != 1
                    || !job.packages()
                            .get(0)
                            .equals(new PackageTarget(upgrade.name(), upgrade.version(), upgrade.arch()))) {
                error("a job that is not the deployment's install");
                continue;
            }
            if (reported.get(a.index) != 0) {
                handedAgain.increment();
                continue;
            }
            received.compareAndSet(a.index, 0, answeredAt);
            long rs = System.nanoTime();
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(base.resolve("/api/v1/agent/jobs/" + job.id() + "/result"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Authorization", "Bearer " + a.credential)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(result(a, job)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            long re = System.nanoTime();
            if (r.statusCode() != 200) {
                error("result HTTP " + r.statusCode() + " " + r.body());
                continue;
            }
            results.add((re - rs) / 1000);
            reported.compareAndSet(a.index, 0, re);
        }
    }

    private static SignedJob signedJob(JsonNode j) {
        List<PackageTarget> pkgs = new ArrayList<>();
        for (JsonNode p : j.path("packages")) {
            pkgs.add(new PackageTarget(
                    p.path("name").asText(),
                    p.path("version").asText(),
                    p.path("arch").asText()));
        }
        List<HealthCheck> checks = new ArrayList<>();
        for (JsonNode h : j.path("healthChecks")) {
            checks.add(new HealthCheck(
                    HealthCheck.Kind.valueOf(h.path("kind").asText()),
                    h.path("target").asText()));
        }
        return new SignedJob(
                new Job(
                        j.path("id").asText(),
                        j.path("hostId").asText(),
                        JobType.valueOf(j.path("type").asText()),
                        pkgs,
                        Instant.parse(j.path("notBefore").asText()),
                        Instant.parse(j.path("expires").asText()),
                        j.path("nonce").asText(),
                        checks),
                j.path("signature").asText());
    }

    /** A SUCCEEDED result as the agent posts it: the package's state before (the host's version) and after. */
    private String result(LoadGenerator.Agent a, Job job) throws IOException {
        ObjectNode r = JSON.createObjectNode();
        r.put("jobId", job.id());
        r.put("status", "SUCCEEDED");
        state(r.putArray("before"), fleet.installedVersion(a.index, upgrade.index(), a.current));
        state(r.putArray("after"), upgrade.version());
        r.put("exitCode", 0);
        r.put("output", "simulated install of " + upgrade.name() + " " + upgrade.version());
        r.put("durationMillis", 0);
        r.put("detail", "done (load generator)");
        r.putArray("health");
        r.put("finishedAt", Instant.now().toString());
        return JSON.writeValueAsString(r);
    }

    private void state(ArrayNode a, String version) {
        a.addObject()
                .put("name", upgrade.name())
                .put("arch", upgrade.arch())
                .put("version", version)
                .put("status", "installed");
    }

    private void error(String kind) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    // ---- the server's side

    /** The counters that matter here from the server's Prometheus text. */
    private Map<String, Double> counters() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(base.resolve("/metrics"))
                        .header("Authorization", "Bearer " + admin)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Double> m = new TreeMap<>();
        for (String line : r.body().split("\n")) {
            String key = line.startsWith("fixpoint_jobs_dispatched_total{type=\"INSTALL\"}")
                    ? "dispatched"
                    : line.startsWith("fixpoint_job_results_total{status=\"SUCCEEDED\"}")
                            ? "results SUCCEEDED"
                            : line.startsWith("fixpoint_deployments_finished_total{outcome=\"completed\"}")
                                    ? "deployments completed"
                                    : null;
            if (key != null) {
                try {
                    m.put(key, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
                } catch (NumberFormatException e) {
                    // not a sample
                }
            }
        }
        return m;
    }

    private static String delta(Map<String, Double> a, Map<String, Double> b) {
        Map<String, Long> out = new TreeMap<>();
        b.forEach((k, v) -> out.put(k, Math.round(v - a.getOrDefault(k, 0.0))));
        return out.toString();
    }

    private static final class ServerView {
        int pages;
        double listSeconds;
        double onePageMillis;
        int jobs;
        Instant approved;
        double lastDelivered = Double.NaN;
        double lastFinished = Double.NaN;
        double finished = Double.NaN;
        int redelivered;
    }

    /** Every job of the deployment as the server recorded it, times relative to its approval. */
    private ServerView serverView(String id, JsonNode deployment) throws IOException, InterruptedException {
        ServerView v = new ServerView();
        v.approved = instant(deployment.path("approved"));
        Instant fin = instant(deployment.path("finished"));
        long t1 = System.nanoTime();
        api.call("GET", "/api/v1/deployments/" + id + "/jobs?limit=1", admin, null, 200);
        v.onePageMillis = LoadGenerator.secs(t1) * 1000;
        long t0 = System.nanoTime();
        Instant lastDelivered = null;
        Instant lastFinished = null;
        for (int offset = 0; ; offset += 500) {
            JsonNode page =
                    api.call("GET", "/api/v1/deployments/" + id + "/jobs?limit=500&offset=" + offset, admin, null, 200);
            v.pages++;
            for (JsonNode j : page.path("items")) {
                v.jobs++;
                Instant d = instant(j.path("delivered"));
                Instant f = instant(j.path("finished"));
                if (d != null && (lastDelivered == null || d.isAfter(lastDelivered))) {
                    lastDelivered = d;
                }
                if (f != null && (lastFinished == null || f.isAfter(lastFinished))) {
                    lastFinished = f;
                }
                if (j.path("deliveries").asInt() > 1) {
                    v.redelivered++;
                }
            }
            if (offset + 500 >= page.path("total").asLong()) {
                break;
            }
        }
        v.listSeconds = LoadGenerator.secs(t0);
        if (v.approved != null) {
            v.lastDelivered = since(v.approved, lastDelivered);
            v.lastFinished = since(v.approved, lastFinished);
            v.finished = since(v.approved, fin);
        }
        return v;
    }

    private static Instant instant(JsonNode n) {
        return n.isTextual() ? Instant.parse(n.asText()) : null;
    }

    private static double since(Instant from, Instant to) {
        return to == null ? Double.NaN : Duration.between(from, to).toNanos() / 1e9;
    }
}
