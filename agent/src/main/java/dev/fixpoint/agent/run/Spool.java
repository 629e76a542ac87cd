package dev.fixpoint.agent.run;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reports waiting for delivery, as files {@code <sequence>-<kind>.json} in {@code spool/} of the state
 * directory (job results: {@code <sequence>-result-<jobId>.json}), delivered oldest first. Only the
 * newest check-in and the newest inventory are kept (a newer one supersedes the older); every job result
 * is kept until delivered, and a result is never replaced by another for the same job. Files are
 * written like {@code agent.json}: temporary name, fsync, rename, directory fsync; a restarted agent finds
 * and delivers them.
 *
 * <p>While a job runs, {@code running-<jobId>.json} holds the result to report if the agent never sees
 * the job end (a crash, a kill, a power cut): a spool opened with such a file left over turns it into
 * that job's result, so a job the agent accepted is always reported.
 */
final class Spool {

    /** What a spooled report is, and so where it is sent. */
    enum Kind {
        CHECKIN("checkin"),
        INVENTORY("inventory"),
        RESULT("result");

        final String word;

        Kind(String word) {
            this.word = word;
        }
    }

    /**
     * A spooled report.
     *
     * @param jobId the job a {@link Kind#RESULT} is for; null for the other kinds
     */
    record Entry(Path file, long sequence, Kind kind, String jobId) {}

    private static final String JOB_ID = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";
    private static final Pattern NAME =
            Pattern.compile("(\\d{1,19})-(?:(checkin|inventory)|result-(" + JOB_ID + "))\\.json");
    private static final Pattern RUNNING = Pattern.compile("running-(" + JOB_ID + ")\\.json");

    private final Path dir;

    Spool(Path dir) throws IOException {
        this.dir = dir;
        SecureFiles.directory(dir);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SecureFiles.TMP_SUFFIX)) {
            for (Path leftover : ds) {
                Files.deleteIfExists(leftover);
            }
        }
        List<Path> interrupted = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "running-*.json")) {
            ds.forEach(interrupted::add);
        }
        for (Path p : interrupted) {
            Matcher m = RUNNING.matcher(p.getFileName().toString());
            if (!m.matches()) {
                continue;
            }
            if (hasResult(m.group(1))) {
                Files.deleteIfExists(p); // the job ended and its result was spooled just before the crash
            } else {
                Files.move(p, dir.resolve(resultName(nextSequence(), m.group(1))), StandardCopyOption.ATOMIC_MOVE);
            }
            SecureFiles.syncDirectory(dir);
        }
    }

    Path dir() {
        return dir;
    }

    /** Spools a check-in or an inventory after everything already there, and drops older ones of its kind. */
    Entry put(Kind kind, byte[] body) throws IOException {
        if (kind == Kind.RESULT) {
            throw new IllegalArgumentException("a result is spooled with putResult");
        }
        List<Entry> before = entries();
        long seq = next(before);
        Path file = dir.resolve(String.format("%019d-%s.json", seq, kind.word));
        SecureFiles.write(file, body);
        for (Entry e : before) {
            if (e.kind() == kind) {
                Files.deleteIfExists(e.file());
            }
        }
        return new Entry(file, seq, kind, null);
    }

    /**
     * Spools a job's result after everything already there, durably (fsynced) before it returns, unless
     * a result for that job is spooled already: the first one stays (empty then).
     */
    Optional<Entry> putResult(String jobId, byte[] body) throws IOException {
        if (hasResult(jobId)) {
            return Optional.empty();
        }
        long seq = nextSequence();
        Path file = dir.resolve(resultName(seq, jobId));
        SecureFiles.write(file, body);
        return Optional.of(new Entry(file, seq, Kind.RESULT, jobId));
    }

    /** Whether a result for {@code jobId} waits for delivery. */
    boolean hasResult(String jobId) throws IOException {
        for (Entry e : entries()) {
            if (e.kind() == Kind.RESULT && e.jobId().equals(jobId)) {
                return true;
            }
        }
        return false;
    }

    /** Records, durably, the result to report for {@code jobId} should the agent not see it end. */
    void running(String jobId, byte[] provisionalResult) throws IOException {
        SecureFiles.write(dir.resolve("running-" + requireJobId(jobId) + ".json"), provisionalResult);
    }

    /** The job ended and its result is spooled: the provisional result is no longer needed. */
    void finished(String jobId) throws IOException {
        Files.deleteIfExists(dir.resolve("running-" + requireJobId(jobId) + ".json"));
        SecureFiles.syncDirectory(dir);
    }

    /** Spooled reports, oldest first. */
    List<Entry> entries() throws IOException {
        List<Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    Kind kind = m.group(3) != null
                            ? Kind.RESULT
                            : m.group(2).equals("checkin") ? Kind.CHECKIN : Kind.INVENTORY;
                    out.add(new Entry(p, Long.parseLong(m.group(1)), kind, m.group(3)));
                }
            }
        }
        out.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
        return out;
    }

    Optional<Entry> oldest() throws IOException {
        List<Entry> all = entries();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    byte[] read(Entry e) throws IOException {
        return Files.readAllBytes(e.file());
    }

    /** Removes a delivered (or refused) report. */
    void remove(Entry e) throws IOException {
        Files.deleteIfExists(e.file());
        SecureFiles.syncDirectory(dir);
    }

    private long nextSequence() throws IOException {
        return next(entries());
    }

    private static long next(List<Entry> entries) {
        return entries.isEmpty() ? 1 : entries.get(entries.size() - 1).sequence() + 1;
    }

    private static String resultName(long seq, String jobId) {
        return String.format("%019d-result-%s.json", seq, requireJobId(jobId));
    }

    private static String requireJobId(String jobId) {
        if (jobId == null || !jobId.matches(JOB_ID)) {
            throw new IllegalArgumentException("not a job id: " + jobId);
        }
        return jobId;
    }
}
