package dev.fixpoint.agent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fixpoint.agent.client.Protocol;
import dev.fixpoint.agent.client.ServerClient;
import dev.fixpoint.agent.client.ServerException;
import dev.fixpoint.agent.collect.CollectException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The check-in loop. Every report goes through the spool: a collected check-in is spooled (superseding an
 * undelivered older one), then the spool is delivered oldest first; when the server wants the inventory,
 * it is spooled and delivered at once. A failure leaves the report in the spool and waits with {@link
 * Backoff}; a {@code 401} stops the loop.
 *
 * <p>Jobs in a check-in answer run after the spool is delivered, one at a time ({@link JobRunner}); their
 * results are spooled and delivered like reports. After a job that ran the package manager the agent
 * collects and checks in again at once, since its inventory changed.
 */
final class AgentLoop implements JobRunner.Loop {

    /** The shortest and longest interval a server may ask for; outside, the nearest bound is used. */
    static final Duration MIN_INTERVAL = Duration.ofSeconds(10);

    static final Duration MAX_INTERVAL = Duration.ofHours(24);

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** At most this many immediate re-check-ins follow jobs in one cycle (a server that keeps sending jobs). */
    static final int MAX_JOB_ROUNDS = 10;

    /** How a delivery attempt ended. */
    enum Outcome {
        /** Everything spooled was delivered (or refused for good and dropped). */
        DELIVERED,
        /** Something is still spooled: try again after a back-off. */
        RETRY,
        /** The credential was refused: stop. */
        UNAUTHORIZED
    }

    private final ServerClient client;
    private final Spool spool;
    private final Reporter reporter;
    private final Timing timing;
    private final PrintWriter log;
    private final Backoff backoff;
    private final JobRunner jobs;
    private final List<JsonNode> pendingJobs = new ArrayList<>();

    private Duration interval;
    private Reporter.Report current;
    private ServerException lastFailure;

    /** A loop that runs no jobs (they are logged and left to the server). */
    AgentLoop(ServerClient client, Spool spool, Reporter reporter, Timing timing, PrintWriter log, Duration interval) {
        this(client, spool, reporter, timing, log, interval, null);
    }

    /** @param jobs runs the jobs of check-in answers; null to run none */
    AgentLoop(
            ServerClient client,
            Spool spool,
            Reporter reporter,
            Timing timing,
            PrintWriter log,
            Duration interval,
            JobRunner jobs) {
        this.client = client;
        this.spool = spool;
        this.reporter = reporter;
        this.timing = timing;
        this.log = log;
        this.backoff = new Backoff(timing.random());
        this.interval = clamp(interval);
        this.jobs = jobs;
    }

    /** The interval the server asked for last. */
    Duration interval() {
        return interval;
    }

    /** Why the last delivery attempt did not deliver everything, if it did not. */
    Optional<ServerException> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /**
     * One cycle without waiting: collect, spool the check-in, deliver the spool, run the jobs the server
     * sent (and check in again after those that changed packages).
     *
     * @throws CollectException when the report cannot be collected (the spool is still delivered first)
     */
    Outcome once() throws CollectException, IOException, InterruptedException {
        CollectException collectFailure = null;
        try {
            collect();
        } catch (CollectException e) {
            collectFailure = e;
        }
        Outcome o = exchange();
        if (collectFailure != null) {
            throw collectFailure;
        }
        return o;
    }

    /**
     * Runs until the server refuses the credential ({@link Outcome#UNAUTHORIZED}) or the thread is
     * interrupted. Collection failures and undeliverable reports are logged and retried.
     */
    Outcome run() throws InterruptedException {
        long lastCollect = 0;
        boolean collected = false;
        Duration wait = Duration.ZERO;
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            long now = timing.nanoTime().getAsLong();
            Outcome o;
            String problem;
            try {
                if (!collected || now - lastCollect >= wait.toNanos()) {
                    lastCollect = now;
                    collected = true;
                    wait = Backoff.jittered(interval, timing.random());
                    try {
                        collect();
                    } catch (CollectException e) {
                        log.println("cannot collect this host's report: " + e.getMessage());
                    }
                }
                o = exchange();
                problem = lastFailure == null ? null : lastFailure.getMessage();
            } catch (IOException e) {
                // A full or unwritable disk may pass: keep going rather than end the service.
                o = Outcome.RETRY;
                lastFailure = null;
                problem = "cannot use the spool: " + e;
            }
            Duration sleep;
            if (o == Outcome.UNAUTHORIZED) {
                return o;
            } else if (o == Outcome.RETRY) {
                sleep = backoff.next(interval, lastFailure().flatMap(ServerException::retryAfter));
                log.println(problem + "; report kept in " + spool.dir() + ", next attempt in " + seconds(sleep));
            } else {
                backoff.reset();
                // The check-in answer may have changed the interval: measure from the last collection.
                wait = Backoff.jittered(interval, timing.random());
                long remaining =
                        lastCollect + wait.toNanos() - timing.nanoTime().getAsLong();
                sleep = Duration.ofNanos(Math.max(0, remaining));
            }
            timing.sleeper().sleep(sleep);
        }
    }

    private void collect() throws CollectException, IOException {
        current = reporter.collect();
        spool.put(Spool.Kind.CHECKIN, current.checkin());
    }

    /**
     * Delivers the spool, then runs the jobs its check-in answers carried, spooling their results; after
     * jobs that ran the package manager, collects and checks in again at once; delivers again.
     */
    Outcome exchange() throws IOException, InterruptedException {
        Outcome o = deliver();
        for (int round = 1; o != Outcome.UNAUTHORIZED && !pendingJobs.isEmpty(); round++) {
            List<JsonNode> batch = new ArrayList<>(pendingJobs);
            pendingJobs.clear();
            if (jobs == null) {
                log.println("the server sent " + batch.size() + " job(s); this agent runs none");
                break;
            }
            JobRunner.Outcome done;
            try {
                done = jobs.run(batch, current == null ? null : current.database(), this);
            } catch (IOException | RuntimeException e) {
                pendingJobs.clear(); // the server sends what was left again
                throw e;
            }
            if (done.packagesChanged() && !done.rebooting() && round <= MAX_JOB_ROUNDS) {
                log.println("the packages changed: collecting and checking in again now");
                try {
                    collect();
                } catch (CollectException e) {
                    log.println("cannot collect this host's report: " + e.getMessage());
                }
            }
            o = deliver();
        }
        return o;
    }

    @Override
    public Reporter.Report refreshInventory() throws CollectException, IOException {
        current = reporter.collect();
        spool.put(Spool.Kind.INVENTORY, current.inventory());
        log.println("inventory " + shortHash(current.inventoryHash()) + " (" + current.packages()
                + " packages) collected for the server; sending it");
        return current;
    }

    @Override
    public void deliverNow() throws IOException, InterruptedException {
        if (deliver() != Outcome.DELIVERED) {
            log.println("not everything could be delivered now ("
                    + lastFailure().map(Throwable::getMessage).orElse("?") + "); it stays in " + spool.dir());
        }
    }

    /** Delivers the spool oldest first, until it is empty or a delivery fails. */
    Outcome deliver() throws IOException, InterruptedException {
        lastFailure = null;
        Optional<Spool.Entry> next;
        while ((next = spool.oldest()).isPresent()) {
            Spool.Entry e = next.get();
            byte[] body = spool.read(e);
            try {
                if (e.kind() == Spool.Kind.CHECKIN) {
                    Protocol.CheckinResponse r = client.checkin(body);
                    spool.remove(e);
                    checkedIn(r, hashOf(body));
                } else if (e.kind() == Spool.Kind.RESULT) {
                    Protocol.JobResultResponse r = client.jobResult(e.jobId(), body);
                    spool.remove(e);
                    log.println("job " + e.jobId() + ": result delivered"
                            + (r.accepted() ? "" : ", but the server did not accept it; dropped"));
                } else {
                    Protocol.InventoryResponse r = client.inventory(body);
                    spool.remove(e);
                    log.println("inventory delivered: " + r.packages() + " packages, "
                            + (r.changed() == null ? "?" : r.changed()) + " changed, "
                            + (r.openFindings() == null ? "?" : r.openFindings()) + " open findings");
                }
            } catch (ServerException ex) {
                switch (ex.kind()) {
                    case UNAUTHORIZED -> {
                        lastFailure = ex;
                        log.println("the server refused this agent's credential (" + ex.getMessage() + "): it was"
                                + " revoked or the host was deleted. The agent stops; enroll again with a new token.");
                        return Outcome.UNAUTHORIZED;
                    }
                    case REJECTED -> {
                        // Sent again it would be refused again: drop it rather than block the spool (a
                        // result: 404, the server has no such job for this host).
                        log.println(ex.getMessage() + "; the " + e.kind().word + " report is dropped");
                        spool.remove(e);
                    }
                    default -> {
                        lastFailure = ex;
                        return Outcome.RETRY;
                    }
                }
            }
        }
        return Outcome.DELIVERED;
    }

    private void checkedIn(Protocol.CheckinResponse r, String hash) throws IOException {
        interval = clamp(Duration.ofSeconds(r.nextCheckinSeconds()));
        pendingJobs.addAll(r.jobList());
        if (!r.inventoryWanted()) {
            log.println("checked in: inventory " + shortHash(hash) + " unchanged; next check-in in about "
                    + seconds(interval));
            return;
        }
        if (current != null && current.inventoryHash().equals(hash)) {
            log.println("checked in: the server wants inventory " + shortHash(hash) + " (" + current.packages()
                    + " packages); sending it");
            spool.put(Spool.Kind.INVENTORY, current.inventory());
        } else {
            log.println("checked in: the server wants inventory " + shortHash(hash) + ", which is no longer"
                    + " current; the next check-in carries the current one");
        }
    }

    private static String hashOf(byte[] checkin) {
        try {
            return JsonMapper.builder()
                    .build()
                    .readTree(checkin)
                    .path("inventoryHash")
                    .asText("");
        } catch (IOException e) {
            return "";
        }
    }

    static Duration clamp(Duration d) {
        return d.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : d.compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : d;
    }

    private static String shortHash(String h) {
        return h.length() > 12 ? h.substring(0, 12) : h;
    }

    private static String seconds(Duration d) {
        return (d.toMillis() / 1000.0) + " s";
    }
}
