package dev.fixpoint.agent.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The ids of the jobs this agent accepted, so that none is accepted twice: {@code jobs-seen} in the
 * state directory, mode 0600, rewritten atomically on every change (a crash leaves the old list or the
 * new one, and a restarted agent reads it back).
 *
 * <p>Format: a first line {@code fixpoint-seen-jobs/1}, then one line per job, {@code id TAB
 * forget-after}, the latter in seconds since the epoch: the job's {@code expires} plus the verifier's
 * clock skew, after which the verifier refuses the job as expired anyway, so remembering it longer is
 * useless. Entries past that time are dropped whenever the store changes.
 *
 * <p>Bounded: at most {@code capacity} entries. When that many unexpired jobs are remembered, a new job
 * is refused rather than an entry forgotten (forgetting would reopen a replay). A store that cannot be
 * read is an error, not an empty store, for the same reason.
 */
public final class SeenJobs {
    public static final String FILE = "jobs-seen";
    public static final int DEFAULT_CAPACITY = 10_000;

    private static final String HEADER = "fixpoint-seen-jobs/1";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** What {@link #record} did. */
    public enum Outcome {
        RECORDED,
        ALREADY_SEEN,
        FULL
    }

    private final Path file;
    private final int capacity;
    private final Map<String, Long> forgetAfter; // insertion order

    private SeenJobs(Path file, int capacity, Map<String, Long> entries) {
        this.file = file;
        this.capacity = capacity;
        this.forgetAfter = entries;
    }

    /**
     * Opens the store in {@code stateDir} (empty when the file does not exist yet).
     *
     * @throws IOException when the file exists but cannot be read or is not a seen-jobs file
     */
    public static SeenJobs open(Path stateDir, int capacity) throws IOException {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        Path file = stateDir.resolve(FILE);
        Map<String, Long> entries = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return new SeenJobs(file, capacity, entries);
        } catch (IOException e) {
            throw new IOException("cannot read the seen-jobs store " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(file + " is not a seen-jobs store (no \"" + HEADER + "\" line)");
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            int tab = line.indexOf('\t');
            if (tab < 0 || !ID.matcher(line.substring(0, tab)).matches()) {
                throw new IOException(file + " line " + (i + 1) + " is not \"id TAB seconds\"");
            }
            try {
                entries.put(line.substring(0, tab), Long.parseLong(line.substring(tab + 1)));
            } catch (NumberFormatException e) {
                throw new IOException(file + " line " + (i + 1) + " is not \"id TAB seconds\"", e);
            }
        }
        return new SeenJobs(file, capacity, entries);
    }

    /**
     * Records {@code id} as accepted, to be remembered until {@code forgetAfter}, unless it was seen
     * before or the store is full. The change is on disk before this returns RECORDED.
     *
     * @throws IOException when the store cannot be written; the id is then not recorded
     */
    public synchronized Outcome record(String id, Instant forgetAfter, Instant now) throws IOException {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a job id: " + id);
        }
        long nowSeconds = now.getEpochSecond();
        boolean pruned = false;
        for (Iterator<Long> it = this.forgetAfter.values().iterator(); it.hasNext(); ) {
            if (it.next() < nowSeconds) {
                it.remove();
                pruned = true;
            }
        }
        if (this.forgetAfter.containsKey(id)) {
            return Outcome.ALREADY_SEEN;
        }
        if (this.forgetAfter.size() >= capacity) {
            if (pruned) {
                save();
            }
            return Outcome.FULL;
        }
        long until = forgetAfter.getEpochSecond() + (forgetAfter.getNano() > 0 ? 1 : 0);
        this.forgetAfter.put(id, until);
        try {
            save();
        } catch (IOException e) {
            this.forgetAfter.remove(id);
            throw e;
        }
        return Outcome.RECORDED;
    }

    /** Whether {@code id} is remembered. */
    public synchronized boolean contains(String id) {
        return forgetAfter.containsKey(id);
    }

    public synchronized int size() {
        return forgetAfter.size();
    }

    private void save() throws IOException {
        StringBuilder b = new StringBuilder(HEADER.length() + 1 + forgetAfter.size() * 48);
        b.append(HEADER).append('\n');
        for (Map.Entry<String, Long> e : forgetAfter.entrySet()) {
            b.append(e.getKey()).append('\t').append(e.getValue()).append('\n');
        }
        AtomicFiles.write(file, b.toString().getBytes(StandardCharsets.US_ASCII));
    }
}
