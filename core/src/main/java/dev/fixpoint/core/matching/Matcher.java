package dev.fixpoint.core.matching;

import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.version.InvalidVersionException;
import dev.fixpoint.core.version.VersionScheme;
import dev.fixpoint.core.version.VersionSchemes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches installed packages against an {@link AdvisoryIndex}. For each installed package it looks up
 * the advisories naming it (by the ecosystem's identity rules, see {@link Subject}), parses the
 * installed version once per scheme, and judges it against every entry; entries of one advisory for
 * the same package combine into one verdict per (package, advisory).
 */
public final class Matcher {

    private final AdvisoryIndex index;

    public Matcher(AdvisoryIndex index) {
        this.index = index;
    }

    /** Every verdict for every package of the inventory, NOT_AFFECTED ones included. */
    public List<Finding> match(Inventory inventory) {
        List<Finding> out = new ArrayList<>();
        for (InstalledPackage p : inventory.packages()) {
            for (Verdict v : evaluate(p)) {
                out.add(new Finding(p, v.advisory(), v.result()));
            }
        }
        return out;
    }

    /** The verdict of every advisory that names this package, in index order. */
    public List<Verdict> evaluate(InstalledPackage p) {
        Subject subject = Subject.of(p);
        List<CompiledAffected> entries = index.entries(subject.key());
        if (entries.isEmpty()) {
            return List.of();
        }
        // Keyed by identity (source and id): records hash deeply, and an advisory can be large.
        Map<String, Verdict> out = new LinkedHashMap<>();
        VersionScheme parsedWith = null;
        Evaluation.Installed installed = null;
        for (CompiledAffected entry : entries) {
            if (entry.scheme() != null && entry.scheme() != parsedWith) {
                parsedWith = entry.scheme();
                installed = Evaluation.Installed.parse(parsedWith, subject.version());
            }
            MatchResult r = Evaluation.evaluate(entry, subject, entry.scheme() == null ? null : installed);
            out.merge(AdvisoryIndex.identity(entry.advisory()), new Verdict(entry.advisory(), r), Matcher::combine);
        }
        return List.copyOf(out.values());
    }

    /**
     * Two verdicts of one advisory on one package (it listed the package more than once, e.g. once
     * per repository or architecture): affected-with-a-fix wins over no-fix-known (the fix is what a
     * user can act on), which wins over unknown, which wins over not affected; between two fixes, the
     * higher one (both entries must be satisfied).
     */
    static Verdict combine(Verdict va, Verdict vb) {
        MatchResult a = va.result();
        MatchResult b = vb.result();
        int ra = rank(a);
        int rb = rank(b);
        if (ra != rb) {
            return ra > rb ? va : vb;
        }
        if (a instanceof MatchResult.Affected fa && b instanceof MatchResult.Affected fb) {
            String scheme = fa.evidence().scheme();
            return scheme != null && higher(scheme, fb.fixedVersion(), fa.fixedVersion()) ? vb : va;
        }
        return va;
    }

    private static int rank(MatchResult r) {
        return switch (r.state()) {
            case AFFECTED -> 4;
            case AFFECTED_NO_FIX -> 3;
            case UNKNOWN -> 2;
            case NOT_AFFECTED -> 1;
        };
    }

    private static boolean higher(String schemeId, String x, String y) {
        return VersionSchemes.byName(schemeId)
                .map(s -> {
                    try {
                        return s.compare(x, y) > 0;
                    } catch (InvalidVersionException e) {
                        return false; // cannot happen: both were parsed when their ranges were compiled
                    }
                })
                .orElse(false);
    }
}
