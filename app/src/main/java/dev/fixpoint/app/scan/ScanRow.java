package dev.fixpoint.app.scan;

import dev.fixpoint.core.matching.Finding;
import java.util.Comparator;

/** One finding of a scan with its risk. */
public record ScanRow(Finding finding, RiskView risk) {

    /**
     * Most urgent first: by decision, then score, then KEV membership and EPSS probability; ties in
     * package and advisory order, so the output is stable from run to run.
     */
    public static final Comparator<ScanRow> MOST_URGENT_FIRST = Comparator.comparingInt(
                    (ScanRow r) -> -r.risk().decisionRank())
            .thenComparingInt(r -> -r.risk().score())
            .thenComparing(r -> r.risk().kev() == null)
            .thenComparingDouble(
                    r -> r.risk().epss() == null ? 0 : -r.risk().epss().probability())
            .thenComparing(r -> r.finding().pkg().name())
            .thenComparing(r ->
                    r.finding().pkg().arch() == null ? "" : r.finding().pkg().arch())
            .thenComparing(r -> r.finding().advisory().id())
            .thenComparing(r -> r.finding().advisory().source());
}
