package dev.fixpoint.core.matching;

import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.advisory.Affected;
import dev.fixpoint.core.advisory.Range;
import dev.fixpoint.core.platform.Ecosystem;
import dev.fixpoint.core.version.InvalidVersionException;
import dev.fixpoint.core.version.Version;
import dev.fixpoint.core.version.VersionScheme;
import dev.fixpoint.core.version.VersionSchemes;
import java.util.ArrayList;
import java.util.List;

/**
 * One affected-package entry of an advisory, compiled for evaluation: its ranges' versions parsed
 * with the right scheme ({@code ECOSYSTEM} ranges with the ecosystem's, {@code SEMVER} ranges with
 * SemVer), its explicit versions parsed where they can be.
 */
final class CompiledAffected {

    private final Advisory advisory;
    private final Affected affected;
    private final VersionScheme scheme; // the ecosystem's scheme, or null when Fixpoint has none
    private final List<CompiledRange> ranges;
    private final List<Version> parsedVersions; // the explicit versions the scheme could parse
    private final int gitRanges;

    private CompiledAffected(
            Advisory advisory,
            Affected affected,
            VersionScheme scheme,
            List<CompiledRange> ranges,
            List<Version> parsedVersions,
            int gitRanges) {
        this.advisory = advisory;
        this.affected = affected;
        this.scheme = scheme;
        this.ranges = ranges;
        this.parsedVersions = parsedVersions;
        this.gitRanges = gitRanges;
    }

    static CompiledAffected compile(Advisory advisory, Affected affected) {
        VersionScheme scheme = affected.pkg()
                .ecosystem()
                .schemeId()
                .flatMap(VersionSchemes::byName)
                .orElse(null);
        List<CompiledRange> ranges = new ArrayList<>();
        int git = 0;
        for (Range r : affected.ranges()) {
            switch (r.type()) {
                case GIT -> git++;
                case SEMVER ->
                    ranges.add(VersionSchemes.byName("semver")
                            .map(s -> CompiledRange.compile(r, s))
                            .orElseGet(() -> CompiledRange.unavailable(r, "no SemVer comparator")));
                case ECOSYSTEM -> {
                    if (affected.pkg().ecosystem().family() == Ecosystem.Family.GO) {
                        // OSV: Go versions are SemVer without the "v" (GHSA writes them as ECOSYSTEM ranges).
                        ranges.add(VersionSchemes.byName("semver")
                                .map(s -> CompiledRange.compile(r, s))
                                .orElseGet(() -> CompiledRange.unavailable(r, "no SemVer comparator")));
                    } else if (scheme != null) {
                        ranges.add(CompiledRange.compile(r, scheme));
                    }
                }
            }
        }
        List<Version> versions = new ArrayList<>();
        if (scheme != null) {
            for (String v : affected.versions()) {
                try {
                    versions.add(scheme.parse(v));
                } catch (InvalidVersionException e) {
                    // Kept as text only: an exact string match still counts (see Evaluation).
                }
            }
        }
        return new CompiledAffected(advisory, affected, scheme, List.copyOf(ranges), List.copyOf(versions), git);
    }

    Advisory advisory() {
        return advisory;
    }

    Affected affected() {
        return affected;
    }

    VersionScheme scheme() {
        return scheme;
    }

    List<CompiledRange> ranges() {
        return ranges;
    }

    List<Version> parsedVersions() {
        return parsedVersions;
    }

    /** Whether the entry has ECOSYSTEM ranges that could not be compiled because no scheme exists. */
    boolean needsMissingScheme() {
        return scheme == null && affected.ranges().stream().anyMatch(r -> r.type() == Range.Type.ECOSYSTEM);
    }

    int gitRanges() {
        return gitRanges;
    }
}
