package dev.fixpoint.agent.run;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reports waiting for delivery, as files {@code <sequence>-<kind>.json} in {@code spool/} of the state
 * directory, delivered oldest first. Only the newest report of each kind is kept (a newer check-in or
 * inventory supersedes the older one), so the spool holds at most two files. Files are written like
 * {@code agent.json}: temporary name, fsync, rename; a restarted agent finds and delivers them.
 */
final class Spool {

    /** What a spooled report is, and so where it is sent. */
    enum Kind {
        CHECKIN("checkin"),
        INVENTORY("inventory");

        final String word;

        Kind(String word) {
            this.word = word;
        }
    }

    /** A spooled report. */
    record Entry(Path file, long sequence, Kind kind) {}

    private static final Pattern NAME = Pattern.compile("(\\d{1,19})-(checkin|inventory)\\.json");

    private final Path dir;

    Spool(Path dir) throws IOException {
        this.dir = dir;
        SecureFiles.directory(dir);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SecureFiles.TMP_SUFFIX)) {
            for (Path leftover : ds) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    Path dir() {
        return dir;
    }

    /** Spools a report after everything already there, and drops older reports of the same kind. */
    Entry put(Kind kind, byte[] body) throws IOException {
        List<Entry> before = entries();
        long seq = before.isEmpty() ? 1 : before.get(before.size() - 1).sequence() + 1;
        Path file = dir.resolve(String.format("%019d-%s.json", seq, kind.word));
        SecureFiles.write(file, body);
        for (Entry e : before) {
            if (e.kind() == kind) {
                Files.deleteIfExists(e.file());
            }
        }
        return new Entry(file, seq, kind);
    }

    /** Spooled reports, oldest first. */
    List<Entry> entries() throws IOException {
        List<Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    out.add(new Entry(
                            p,
                            Long.parseLong(m.group(1)),
                            m.group(2).equals("checkin") ? Kind.CHECKIN : Kind.INVENTORY));
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
}
