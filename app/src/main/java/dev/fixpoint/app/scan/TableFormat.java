package dev.fixpoint.app.scan;

import dev.fixpoint.core.matching.Finding;
import dev.fixpoint.core.matching.MatchResult;
import dev.fixpoint.core.matching.MatchState;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The human-readable table: one line per finding, most urgent first, then a summary. */
final class TableFormat {

    private static final String[] HEADER = {
        "PACKAGE", "INSTALLED", "FIXED", "ADVISORY", "CVES", "SEVERITY", "EPSS", "KEV", "DECISION"
    };
    private static final int MAX_CELL = 48;

    private TableFormat() {}

    static void write(ScanReport report, PrintWriter out) {
        ScanReport.Target t = report.target();
        out.println("Scanned " + safe(t.input()) + " (" + t.kind() + (t.ecosystem() == null ? "" : ", " + t.ecosystem())
                + "): " + t.packages() + " packages against " + report.feeds().advisories() + " advisories");
        List<String[]> lines = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (ScanRow r : report.rows()) {
            lines.add(cells(r, notes));
        }
        if (lines.isEmpty()) {
            out.println("No vulnerable packages found.");
        } else {
            printAligned(out, lines);
        }
        for (String n : notes) {
            out.println(safe(n));
        }
        Map<MatchState, Integer> counts = report.countByState();
        out.println(String.format(
                Locale.ROOT,
                "%d affected with a fix, %d affected without a fix, %d unknown",
                counts.get(MatchState.AFFECTED),
                counts.get(MatchState.AFFECTED_NO_FIX),
                counts.get(MatchState.UNKNOWN)));
        for (String w : report.feeds().warnings()) {
            out.println("warning: " + safe(w));
        }
    }

    private static String[] cells(ScanRow r, List<String> notes) {
        Finding f = r.finding();
        RiskView risk = r.risk();
        String pkg = f.pkg().name().equals(f.pkg().sourceName())
                ? f.pkg().name()
                : f.pkg().name() + " (" + f.pkg().sourceName() + ")";
        String fixed =
                switch (f.state()) {
                    case AFFECTED -> f.result().fixedVersion();
                    case AFFECTED_NO_FIX -> "(no fix)";
                    case UNKNOWN -> {
                        notes.add("note: " + f.advisory().id() + " on "
                                + f.pkg().name() + " is unknown: " + ((MatchResult.Unknown) f.result()).reason());
                        yield "(unknown)";
                    }
                    case NOT_AFFECTED -> "(not affected)";
                };
        List<String> cves = f.advisory().cveIds();
        String cveCell = cves.isEmpty() ? "-" : cves.size() == 1 ? cves.get(0) : cves.get(0) + " +" + (cves.size() - 1);
        String epss = risk.epss() == null
                ? "-"
                : String.format(Locale.ROOT, "%.1f%%", risk.epss().probability() * 100);
        String kev = risk.kev() == null ? "-" : "yes";
        return new String[] {
            pkg,
            f.pkg().version(),
            fixed,
            f.advisory().id(),
            cveCell,
            risk.severity(),
            epss,
            kev,
            risk.decision() + " (" + risk.score() + ")"
        };
    }

    private static void printAligned(PrintWriter out, List<String[]> lines) {
        int[] width = new int[HEADER.length];
        for (int i = 0; i < HEADER.length; i++) {
            width[i] = HEADER[i].length();
        }
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) {
                l[i] = clip(l[i]);
                width[i] = Math.max(width[i], l[i].length());
            }
        }
        printLine(out, HEADER, width);
        for (String[] l : lines) {
            printLine(out, l, width);
        }
    }

    private static void printLine(PrintWriter out, String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            sb.append(cells[i]);
            if (i < cells.length - 1) {
                sb.append(" ".repeat(width[i] - cells[i].length() + 2));
            }
        }
        out.println(sb);
    }

    /** Replaces control characters, which a hostile feed or file name could use on a terminal. */
    static String safe(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return sb.toString();
    }

    /** Keeps cells readable, and strips control characters a hostile feed could use on a terminal. */
    static String clip(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_CELL));
        for (int i = 0; i < s.length() && sb.length() < MAX_CELL; i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        if (s.length() > MAX_CELL) {
            sb.setCharAt(MAX_CELL - 1, '…');
        }
        return sb.toString();
    }
}
