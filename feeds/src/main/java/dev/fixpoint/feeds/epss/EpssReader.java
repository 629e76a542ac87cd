package dev.fixpoint.feeds.epss;

import dev.fixpoint.core.signal.EpssScore;
import dev.fixpoint.core.signal.EpssSet;
import dev.fixpoint.feeds.BoundedInputStream;
import dev.fixpoint.feeds.FeedFormatException;
import dev.fixpoint.feeds.Limits;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads FIRST EPSS scores: the official daily {@code epss_scores-YYYY-MM-DD.csv(.gz)} (an optional
 * {@code #model_version:…,score_date:…} line, a {@code cve,epss[,percentile]} header, then one row per
 * CVE) and the same data without header or with {@code ;} separators (mirrors such as EMBA's per-year
 * files). Decompression of {@code .gz} is the caller's ({@link dev.fixpoint.feeds.FeedLoader} does it).
 * Several files merge: the later file's score for a CVE wins.
 */
public final class EpssReader {

    private final Limits limits;
    private String modelVersion;
    private LocalDate scoreDate;
    private final Map<String, EpssScore> scores = new HashMap<>();

    public EpssReader(Limits limits) {
        this.limits = limits;
    }

    /** Adds the scores of one file; returns how many rows it had. */
    public int read(InputStream raw, String input) {
        int rows = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new BoundedInputStream(raw, limits.maxFileBytes(), input, "file"), StandardCharsets.UTF_8))) {
            long lineNo = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                if (line.length() > limits.maxCsvLine()) {
                    throw new FeedFormatException(input, lineNo, 0, "line longer than " + limits.maxCsvLine());
                }
                if (line.isBlank()) {
                    continue;
                }
                if (line.startsWith("#")) {
                    header(line, input, lineNo);
                    continue;
                }
                if (line.regionMatches(true, 0, "cve", 0, 3) && !line.regionMatches(true, 0, "cve-", 0, 4)) {
                    continue; // the column header
                }
                String[] f = line.split(line.indexOf(';') >= 0 ? ";" : ",", -1);
                if (f.length < 2 || f.length > 3) {
                    throw new FeedFormatException(
                            input, lineNo, 0, "expected cve,epss[,percentile], found " + f.length + " column(s)");
                }
                String cve = f[0].trim();
                if (!cve.startsWith("CVE-")) {
                    throw new FeedFormatException(input, lineNo, 1, "not a CVE id: \"" + excerpt(cve) + "\"");
                }
                double epss = number(f[1], input, lineNo, "EPSS score");
                double pct = f.length == 3 ? number(f[2], input, lineNo, "percentile") : Double.NaN;
                try {
                    scores.put(cve, new EpssScore(cve, epss, pct));
                } catch (IllegalArgumentException e) {
                    throw new FeedFormatException(input, lineNo, 0, e.getMessage());
                }
                rows++;
            }
        } catch (IOException e) {
            throw new FeedFormatException(input, 0, 0, "cannot read: " + e.getMessage(), e);
        }
        return rows;
    }

    public EpssSet result() {
        return new EpssSet(modelVersion, scoreDate, scores);
    }

    private void header(String line, String input, long lineNo) {
        for (String part : line.substring(1).split(",")) {
            int colon = part.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = part.substring(0, colon).trim();
            String value = part.substring(colon + 1).trim();
            if (key.equals("model_version")) {
                modelVersion = value;
            } else if (key.equals("score_date")) {
                try {
                    scoreDate = LocalDate.parse(value.length() >= 10 ? value.substring(0, 10) : value);
                } catch (java.time.format.DateTimeParseException e) {
                    throw new FeedFormatException(
                            input, lineNo, 0, "score_date is not a date: \"" + excerpt(value) + "\"");
                }
            }
        }
    }

    private static double number(String s, String input, long line, String what) {
        try {
            double d = Double.parseDouble(s.trim());
            if (Double.isNaN(d) || d < 0 || d > 1) {
                throw new FeedFormatException(input, line, 0, what + " \"" + excerpt(s) + "\" is outside [0, 1]");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new FeedFormatException(input, line, 0, what + " \"" + excerpt(s) + "\" is not a number");
        }
    }

    private static String excerpt(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
