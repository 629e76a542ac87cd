package dev.fixpoint.feeds;

import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.signal.CveEnrichment;
import dev.fixpoint.core.signal.KevCatalog;
import dev.fixpoint.feeds.csaf.CsafReader;
import dev.fixpoint.feeds.epss.EpssReader;
import dev.fixpoint.feeds.kev.KevReader;
import dev.fixpoint.feeds.nvd.NvdReader;
import dev.fixpoint.feeds.osv.OsvReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Loads every feed file found under the given directories (recursively, in a stable order) or given
 * directly, detecting each file's kind from its content. A file of no known kind is skipped with a
 * warning; a recognised file that is malformed stops the load with a {@link FeedFormatException}
 * naming it, so a scan never runs silently on half of its data.
 */
public final class FeedLoader {

    private FeedLoader() {}

    public static LoadedFeeds load(List<Path> paths, Progress progress) {
        return load(paths, progress, Limits.DEFAULT);
    }

    public static LoadedFeeds load(List<Path> paths, Progress progress, Limits limits) {
        return load(paths, progress, limits, false);
    }

    /**
     * As {@link #load(List, Progress, Limits)}; with {@code skipMalformed}, a malformed file is left
     * out with a warning naming it and the problem, instead of stopping the load.
     */
    public static LoadedFeeds load(List<Path> paths, Progress progress, Limits limits, boolean skipMalformed) {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new FeedFormatException(p.toString(), 0, 0, "no such file or directory");
            }
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile)
                            .filter(f -> !f.getFileName().toString().startsWith("."))
                            .sorted()
                            .forEach(files::add);
                } catch (IOException | java.io.UncheckedIOException e) {
                    throw new FeedFormatException(p.toString(), 0, 0, "cannot list directory: " + e.getMessage(), e);
                }
            } else {
                files.add(p);
            }
        }
        FeedDetector detector = new FeedDetector(limits);
        OsvReader osv = new OsvReader(limits);
        CsafReader csaf = new CsafReader(limits);
        KevReader kevReader = new KevReader(limits);
        EpssReader epss = new EpssReader(limits);
        NvdReader nvd = new NvdReader(limits);

        List<Advisory> advisories = new ArrayList<>();
        Map<String, CveEnrichment> enrichments = new HashMap<>();
        Map<FeedKind, Integer> counts = new EnumMap<>(FeedKind.class);
        List<String> skipped = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        KevCatalog kev = KevCatalog.empty();
        long records = 0;
        int done = 0;
        for (Path f : files) {
            String input = f.toString();
            progress.update(done, files.size(), records, input);
            FeedDetector.Detected d;
            try {
                d = detector.detect(f);
            } catch (NoSuchFileException e) {
                throw new FeedFormatException(input, 0, 0, "no such file", e);
            } catch (IOException e) {
                throw new FeedFormatException(input, 0, 0, "cannot read: " + e.getMessage(), e);
            }
            int advisoriesBefore = advisories.size();
            try {
                switch (d.kind()) {
                    case OSV -> {
                        if (d.gzip()) {
                            try (InputStream in = open(f, true, limits)) {
                                records += osv.read(in, input, advisories::add);
                            } catch (IOException e) {
                                throw new FeedFormatException(input, 0, 0, "cannot read: " + e.getMessage(), e);
                            }
                        } else {
                            records += osv.readFile(f, advisories::add);
                        }
                    }
                    case OSV_ZIP -> records += osv.readZip(f, advisories::add);
                    case CSAF -> {
                        try (InputStream in = open(f, d.gzip(), limits)) {
                            advisories.add(csaf.read(in, input));
                            records++;
                        } catch (IOException e) {
                            throw new FeedFormatException(input, 0, 0, "cannot read: " + e.getMessage(), e);
                        }
                    }
                    case KEV -> {
                        try (InputStream in = open(f, d.gzip(), limits)) {
                            KevCatalog k = kevReader.read(in, input);
                            records += k.size();
                            if (kev.catalogVersion() == null || compare(k.catalogVersion(), kev.catalogVersion()) > 0) {
                                if (kev.catalogVersion() != null) {
                                    warnings.add("KEV catalogue " + kev.catalogVersion() + " superseded by "
                                            + k.catalogVersion() + " (" + input + ")");
                                }
                                kev = k;
                            } else {
                                warnings.add("KEV catalogue " + k.catalogVersion() + " in " + input + " ignored: "
                                        + kev.catalogVersion() + " is newer");
                            }
                        } catch (IOException e) {
                            throw new FeedFormatException(input, 0, 0, "cannot read: " + e.getMessage(), e);
                        }
                    }
                    case EPSS -> {
                        try (InputStream in = open(f, d.gzip(), limits)) {
                            records += epss.read(in, input);
                        } catch (IOException e) {
                            throw new FeedFormatException(input, 0, 0, "cannot read: " + e.getMessage(), e);
                        }
                    }
                    case NVD -> {
                        try (InputStream in = open(f, d.gzip(), limits)) {
                            records += nvd.read(in, input, e -> enrichments.put(e.cveId(), e));
                        } catch (IOException e) {
                            throw new FeedFormatException(input, 0, 0, "cannot read: " + e.getMessage(), e);
                        }
                    }
                    case UNKNOWN -> {
                        skipped.add(input);
                        done++;
                        continue;
                    }
                }
            } catch (FeedFormatException e) {
                if (!skipMalformed) {
                    throw e;
                }
                // The file's advisories so far are dropped with it: a half-read file is not data.
                advisories.subList(advisoriesBefore, advisories.size()).clear();
                warnings.add("skipped malformed " + e.getMessage());
                done++;
                continue;
            }
            counts.merge(d.kind() == FeedKind.OSV_ZIP ? FeedKind.OSV : d.kind(), 1, Integer::sum);
            done++;
        }
        progress.update(done, files.size(), records, null);
        if (!skipped.isEmpty()) {
            warnings.add(skipped.size() + " file(s) skipped: not a feed Fixpoint reads (e.g. " + skipped.get(0) + ")");
        }
        return new LoadedFeeds(advisories, kev, epss.result(), enrichments, counts, skipped, warnings);
    }

    private static InputStream open(Path f, boolean gzip, Limits limits) throws IOException {
        InputStream raw = Files.newInputStream(f);
        if (!gzip) {
            return raw;
        }
        return new BoundedInputStream(
                new GZIPInputStream(raw), limits.maxFileBytes(), f.toString(), "decompressed file");
    }

    /** Catalogue versions are dates ({@code 2026.08.07}); compare them piecewise as numbers. */
    private static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            try {
                int c = Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i]));
                if (c != 0) {
                    return c;
                }
            } catch (NumberFormatException e) {
                int c = x[i].compareTo(y[i]);
                if (c != 0) {
                    return c;
                }
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
