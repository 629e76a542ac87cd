package dev.fixpoint.server.platform;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic background work with leases in the database: a job runs only on the node that holds its
 * lease, and only when its interval has passed since its last run on any node — so a restart neither
 * skips nor repeats a run, and two nodes never run the same job at once.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private final Jdbi jdbi;
    private final Clock clock;
    private final String owner = UUID.randomUUID().toString();
    private final ScheduledExecutorService executor;
    private final List<String> names = new ArrayList<>();
    private final AtomicInteger running = new AtomicInteger();

    public Scheduler(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "fixpoint-scheduler-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.executor = Executors.newScheduledThreadPool(2, tf);
    }

    /** Jobs running now (a queue-depth gauge). */
    public int running() {
        return running.get();
    }

    /**
     * Runs {@code job} every {@code interval} (checked every {@code poll}), under lease {@code name}
     * held for {@code maxRun} at most.
     */
    public void every(String name, Duration interval, Duration poll, Duration maxRun, Runnable job) {
        names.add(name);
        executor.scheduleWithFixedDelay(
                () -> {
                    try {
                        if (acquire(name, interval, maxRun)) {
                            running.incrementAndGet();
                            try {
                                job.run();
                            } finally {
                                running.decrementAndGet();
                                release(name);
                            }
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("background job {} failed: {}", name, e.toString());
                    }
                },
                poll.toMillis() / 10,
                poll.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Takes the lease when it is free (or ours) and the job is due. */
    boolean acquire(String name, Duration interval, Duration maxRun) {
        long now = micros();
        long due = now - interval.toNanos() / 1000;
        return jdbi.inTransaction(h -> {
            h.createUpdate("INSERT INTO scheduler_lease (name, owner, expires_micros) SELECT :n, '', 0"
                            + " WHERE NOT EXISTS (SELECT 1 FROM scheduler_lease WHERE name = :n)")
                    .bind("n", name)
                    .execute();
            int n = h.createUpdate("UPDATE scheduler_lease SET owner = :o, expires_micros = :e WHERE name = :n"
                            + " AND (expires_micros < :now OR owner = :o)"
                            + " AND (last_run_micros IS NULL OR last_run_micros <= :due)")
                    .bind("o", owner)
                    .bind("e", now + maxRun.toNanos() / 1000)
                    .bind("n", name)
                    .bind("now", now)
                    .bind("due", due)
                    .execute();
            return n == 1;
        });
    }

    private void release(String name) {
        jdbi.useTransaction(h -> h.createUpdate(
                        "UPDATE scheduler_lease SET expires_micros = 0, last_run_micros = :t WHERE name = :n AND owner = :o")
                .bind("t", micros())
                .bind("n", name)
                .bind("o", owner)
                .execute());
    }

    private long micros() {
        return Micros.of(clock.instant());
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
