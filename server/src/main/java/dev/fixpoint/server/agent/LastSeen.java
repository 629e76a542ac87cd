package dev.fixpoint.server.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes hosts' {@code last_seen} behind the check-ins that report it: a check-in whose host changed
 * nothing only notes the time here, and every second the noted times go to the database in one
 * batch, in host-id order (so two nodes' flushes cannot deadlock). A time never moves {@code
 * last_seen} backwards. On PostgreSQL this turns the steady-state check-in from a committed write
 * (WAL and a flush per check-in) into a read (ADR 0008). At most one interval of times is lost if
 * the process dies, which only makes a host look seen a second earlier than it was; a clean stop
 * flushes.
 */
public final class LastSeen implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LastSeen.class);
    /** Rows per statement batch (and per transaction). */
    static final int BATCH = 1000;

    private final Jdbi jdbi;
    private final boolean sqlite;
    private final ConcurrentHashMap<String, Long> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final Object flushing = new Object();

    public LastSeen(Jdbi jdbi, boolean sqlite, long intervalMillis) {
        this.jdbi = jdbi;
        this.sqlite = sqlite;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fixpoint-last-seen");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::flushQuietly, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** Notes that {@code hostId} was seen at {@code micros}. */
    public void seen(String hostId, long micros) {
        pending.merge(hostId, micros, Math::max);
    }

    /** How many hosts' times wait to be written. */
    public int backlog() {
        return pending.size();
    }

    /** Writes every noted time now; returns how many hosts were written. */
    public int flush() {
        synchronized (flushing) {
            if (pending.isEmpty()) {
                return 0;
            }
            List<Map.Entry<String, Long>> taken = new ArrayList<>(pending.size());
            for (String id : pending.keySet()) {
                Long t = pending.remove(id);
                if (t != null) {
                    taken.add(Map.entry(id, t));
                }
            }
            taken.sort(Map.Entry.comparingByKey());
            String greatest = sqlite ? "MAX(last_seen_micros, :t)" : "GREATEST(last_seen_micros, :t)";
            try {
                for (int from = 0; from < taken.size(); from += BATCH) {
                    List<Map.Entry<String, Long>> chunk = taken.subList(from, Math.min(taken.size(), from + BATCH));
                    jdbi.useTransaction(h -> {
                        PreparedBatch b =
                                h.prepareBatch("UPDATE host SET last_seen_micros = " + greatest + " WHERE id = :id");
                        for (Map.Entry<String, Long> e : chunk) {
                            b.bind("t", e.getValue()).bind("id", e.getKey()).add();
                        }
                        b.execute();
                    });
                }
            } catch (RuntimeException failed) {
                // keep them for the next attempt (a newer time wins)
                for (Map.Entry<String, Long> e : taken) {
                    seen(e.getKey(), e.getValue());
                }
                throw failed;
            }
            return taken.size();
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("writing hosts' last-seen times failed (kept for the next attempt): {}", e.toString());
        }
    }

    /** Stops the timer and writes what is left. */
    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushQuietly();
    }
}
