package dev.fixpoint.app.scan;

import dev.fixpoint.app.UserInputException;
import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.feeds.FeedFormatException;
import dev.fixpoint.feeds.FeedKind;
import dev.fixpoint.feeds.FeedLoader;
import dev.fixpoint.feeds.Limits;
import dev.fixpoint.feeds.LoadedFeeds;
import dev.fixpoint.feeds.Progress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Loads the scan's feeds, reporting progress on standard error. */
final class Feeds {

    private Feeds() {}

    /** The loaded feeds and the summary the report prints. */
    record Loaded(LoadedFeeds feeds) {
        List<Advisory> advisories() {
            return feeds.advisories();
        }

        ScanReport.Feeds summary(int indexed) {
            return new ScanReport.Feeds(
                    feeds.fileCount(),
                    indexed,
                    feeds.kev().catalogVersion(),
                    feeds.kev().size(),
                    feeds.epss().modelVersion(),
                    feeds.epss().scoreDate(),
                    feeds.epss().size(),
                    feeds.warnings());
        }
    }

    static Loaded load(List<Path> paths, PrintWriter progressTo, boolean skipMalformed) {
        Progress progress = progressTo == null ? Progress.none() : new StderrProgress(progressTo);
        try {
            LoadedFeeds f = FeedLoader.load(paths, progress, Limits.DEFAULT, skipMalformed);
            if (f.files().getOrDefault(FeedKind.OSV, 0) + f.files().getOrDefault(FeedKind.CSAF, 0) == 0) {
                throw new UserInputException("no advisories found in " + paths
                        + ": give directories or files with OSV or CSAF advisories (KEV, EPSS and NVD data only rank"
                        + " findings)");
            }
            return new Loaded(f);
        } catch (FeedFormatException e) {
            throw new UserInputException("malformed feed: " + e.getMessage(), e);
        }
    }

    /**
     * On a terminal, one line rewritten in place at most every 200 ms; elsewhere (logs, CI), a line
     * every 2 s. Both end with a summary line.
     */
    private static final class StderrProgress implements Progress {
        private final PrintWriter err;
        private final boolean terminal = System.console() != null;
        private final long start = System.nanoTime();
        private long last = System.nanoTime();

        StderrProgress(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void update(int filesDone, int filesTotal, long records, String current) {
            long now = System.nanoTime();
            if (current != null && now - last < (terminal ? 200_000_000L : 2_000_000_000L)) {
                return;
            }
            last = now;
            String line = String.format(
                    Locale.ROOT, "loading feeds: %d/%d files, %,d records", filesDone, filesTotal, records);
            if (current == null) {
                line += String.format(Locale.ROOT, " in %.1f s", (now - start) / 1e9);
                err.println(terminal ? "\r" + line : line);
            } else if (terminal) {
                err.print("\r" + line);
            } else {
                err.println(line);
            }
            err.flush();
        }
    }
}
