package dev.fixpoint.app.scan;

import dev.fixpoint.app.Main;
import dev.fixpoint.app.UserInputException;
import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.matching.AdvisoryIndex;
import dev.fixpoint.core.matching.Finding;
import dev.fixpoint.core.matching.MatchState;
import dev.fixpoint.core.matching.Matcher;
import dev.fixpoint.core.risk.SeverityLevel;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fixpoint scan}: reads one inventory (the live system, a root filesystem, a package database
 * file or an SBOM), matches it against the advisories found in the feed directories, ranks the
 * findings by risk and prints them.
 */
@Command(
        name = "scan",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Scan the local machine, a root filesystem, a package database or an SBOM for vulnerable packages.",
            "Feed files (OSV, CSAF, CISA KEV, FIRST EPSS, NVD) are found recursively under --feeds; their type is"
                    + " detected from their content."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:scanned (findings or not, unless --fail-on matched)",
            "1:a finding at or above the --fail-on severity",
            "2:bad input: unreadable or malformed input or feed, unknown OS, bad option",
            "3:internal error"
        })
public final class ScanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "%nWhat to scan (default: --root /):%n")
    ScanInput.Choice input = new ScanInput.Choice();

    @Option(
            names = "--os",
            paramLabel = "ECOSYSTEM",
            description = "The operating system, as an OSV ecosystem (Debian:12, Ubuntu:22.04:LTS, AlmaLinux:9,"
                    + " Alpine:v3.18, Red Hat:9, ...), when the input does not say (package database files and"
                    + " SBOMs). Overrides os-release for --root.")
    String os;

    @Option(
            names = "--feeds",
            required = true,
            arity = "1..*",
            paramLabel = "DIR",
            description = "Directories (or files) of advisory, KEV, EPSS and NVD data.")
    List<Path> feeds;

    @Option(
            names = {"-f", "--format"},
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Write the report to FILE instead of standard output.")
    Path output;

    @Option(
            names = "--fail-on",
            paramLabel = "SEVERITY",
            description = "Exit with 1 when a package is affected by a vulnerability of this severity or higher:"
                    + " low, medium, high, critical.")
    String failOn;

    @Option(names = "--all", description = "Also report the advisories that concern a package but not its version.")
    boolean all;

    @Option(
            names = "--criticality",
            paramLabel = "LEVEL",
            description = "How critical this host is to its owner, for the risk decision: low, medium, high,"
                    + " critical (default: medium).")
    String criticality;

    @Option(
            names = "--exposure",
            paramLabel = "LEVEL",
            description = "How exposed this host is: internal, controlled, internet (default: controlled).")
    String exposure;

    @Option(
            names = "--skip-malformed-feeds",
            description = "Leave out malformed feed files with a warning instead of stopping (default: stop, so"
                    + " a scan never runs on part of its data unnoticed).")
    boolean skipMalformedFeeds;

    @Option(
            names = {"-q", "--quiet"},
            description = "No progress on standard error.")
    boolean quiet;

    /** The output formats. */
    public enum Format {
        table,
        json,
        cyclonedx
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        SeverityLevel threshold = failOn == null ? null : Risk.threshold(failOn);
        Risk risk = Risk.of(criticality, exposure);

        ScanInput.Loaded target = input.load(os);
        Inventory inventory = target.inventory();

        Feeds.Loaded loaded = Feeds.load(feeds, quiet ? null : err, skipMalformedFeeds);
        AdvisoryIndex index = AdvisoryIndex.of(loaded.advisories());
        List<Finding> findings = new Matcher(index).match(inventory);

        Map<String, RiskView> byAdvisory = new HashMap<>();
        List<ScanRow> rows = new ArrayList<>();
        for (Finding f : findings) {
            if (f.state() == MatchState.NOT_AFFECTED && !all) {
                continue;
            }
            Advisory a = f.advisory();
            RiskView view = byAdvisory.computeIfAbsent(AdvisoryIndex.identity(a), k -> risk.assess(a, loaded));
            rows.add(new ScanRow(f, view));
        }
        rows.sort(ScanRow.MOST_URGENT_FIRST);

        ScanReport report = new ScanReport(
                Instant.now(),
                new ScanReport.Target(
                        target.input(),
                        target.kind(),
                        inventory.ecosystem() == null
                                ? null
                                : inventory.ecosystem().name(),
                        inventory.packages().size()),
                loaded.summary(index.advisoryCount()),
                rows);
        write(report);

        if (threshold != null) {
            for (ScanRow r : rows) {
                if ((r.finding().state() == MatchState.AFFECTED || r.finding().state() == MatchState.AFFECTED_NO_FIX)
                        && Risk.atLeast(r.risk(), threshold)) {
                    return Main.EXIT_FAIL_ON;
                }
            }
        }
        return Main.EXIT_OK;
    }

    private void write(ScanReport report) throws IOException {
        if (output == null) {
            write(report, spec.commandLine().getOut());
            return;
        }
        try (Writer w = new OutputStreamWriter(Files.newOutputStream(output), StandardCharsets.UTF_8)) {
            write(report, w);
        } catch (IOException e) {
            throw new UserInputException("cannot write the report to " + output + ": " + e.getMessage(), e);
        }
    }

    private void write(ScanReport report, Writer w) throws IOException {
        switch (format) {
            case table -> {
                PrintWriter pw = w instanceof PrintWriter p ? p : new PrintWriter(w);
                TableFormat.write(report, pw);
                pw.flush();
            }
            case json -> JsonFormat.write(report, w);
            case cyclonedx -> CycloneDxFormat.write(report, toolVersion(), w);
        }
    }

    private static String toolVersion() {
        String v = ScanCommand.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
