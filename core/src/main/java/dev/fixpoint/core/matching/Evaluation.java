package dev.fixpoint.core.matching;

import dev.fixpoint.core.advisory.Affected;
import dev.fixpoint.core.version.InvalidVersionException;
import dev.fixpoint.core.version.Version;
import dev.fixpoint.core.version.VersionScheme;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges one installed version against one compiled affected-package entry (OSV semantics: affected
 * when inside any evaluable range, or listed among the explicit versions), writing down each step.
 */
final class Evaluation {
    private Evaluation() {}

    /** The installed version parsed with one scheme, or the reason it could not be. */
    record Installed(String text, Version parsed, String problem) {
        static Installed parse(VersionScheme scheme, String text) {
            try {
                return new Installed(text, scheme.parse(text), null);
            } catch (InvalidVersionException e) {
                return new Installed(text, null, e.getMessage());
            }
        }
    }

    static MatchResult evaluate(CompiledAffected entry, Subject subject, Installed installed) {
        Affected a = entry.affected();
        List<String> path = new ArrayList<>();
        path.add("installed " + subject.matchedBy() + " " + subject.name() + " " + subject.version() + " in "
                + subject.ecosystem() + "; advisory " + entry.advisory().id() + " lists "
                + a.pkg().name()
                + " in " + a.pkg().ecosystem());
        if (!a.pkg()
                .ecosystem()
                .matchName(a.pkg().name())
                .equals(subject.ecosystem().matchName(subject.name()))) {
            path.add("the advisory lists " + subject.name() + " among the binaries built from "
                    + a.pkg().name());
        }
        String schemeId = entry.scheme() == null ? null : entry.scheme().id();
        boolean listed = a.versions().contains(subject.version());

        if (entry.needsMissingScheme() && !listed) {
            String reason = "Fixpoint has no version comparator for ecosystem "
                    + a.pkg().ecosystem();
            path.add(reason);
            return new MatchResult.Unknown(reason, evidence(entry, subject, null, null, null, path));
        }
        if (installed != null && installed.problem() != null) {
            String reason = "installed version cannot be compared: " + installed.problem();
            path.add(reason);
            return new MatchResult.Unknown(reason, evidence(entry, subject, schemeId, null, null, path));
        }

        String fix = null;
        boolean affectedNoFix = false;
        boolean affected = false;
        String decidingRange = null;
        List<String> problems = new ArrayList<>();
        for (CompiledRange r : entry.ranges()) {
            if (r.problem() != null) {
                problems.add(r.range() + ": " + r.problem());
                path.add("range " + r.range() + " cannot be evaluated: " + r.problem());
                continue;
            }
            Version v = r.scheme() == entry.scheme() ? installed.parsed() : parseWith(r, subject, problems, path);
            if (v == null) {
                continue;
            }
            CompiledRange.Outcome o = r.evaluate(v);
            if (!o.affected()) {
                path.add(r.scheme().id() + ": " + subject.version() + " is outside " + r.range());
                continue;
            }
            affected = true;
            decidingRange = decidingRange == null ? r.range().toString() : decidingRange + "; " + r.range();
            String f = o.fixedVersion();
            if (f == null) {
                affectedNoFix = true;
                path.add(r.scheme().id() + ": " + subject.version() + " is inside " + r.range()
                        + (o.closing() == null ? ", which has no fix" : ", up to " + o.closing()));
            } else {
                path.add(r.scheme().id() + ": " + subject.version() + " is inside " + r.range() + ", fixed in " + f);
                fix = fix == null ? f : max(r.scheme(), fix, f);
            }
        }
        if (entry.gitRanges() > 0) {
            path.add(entry.gitRanges() + " GIT range(s) name commits, not package versions: not evaluated");
        }
        if (!affected && (listed || listedByScheme(entry, installed))) {
            affected = true;
            affectedNoFix = true;
            decidingRange = "versions list";
            path.add(subject.version() + " is listed among the advisory's affected versions; no range gives a fix");
        }
        if (affected) {
            if (affectedNoFix || fix == null) {
                return new MatchResult.AffectedNoFix(evidence(entry, subject, schemeId, null, decidingRange, path));
            }
            return new MatchResult.Affected(fix, evidence(entry, subject, schemeId, fix, decidingRange, path));
        }
        if (!problems.isEmpty()) {
            String reason = "not every range could be evaluated: " + String.join("; ", problems);
            return new MatchResult.Unknown(reason, evidence(entry, subject, schemeId, null, null, path));
        }
        path.add("not affected");
        return new MatchResult.NotAffected(evidence(entry, subject, schemeId, null, null, path));
    }

    private static Version parseWith(CompiledRange r, Subject subject, List<String> problems, List<String> path) {
        try {
            return r.scheme().parse(subject.version());
        } catch (InvalidVersionException e) {
            problems.add(r.range() + ": " + e.getMessage());
            path.add("range " + r.range() + " cannot be evaluated: " + e.getMessage());
            return null;
        }
    }

    private static boolean listedByScheme(CompiledAffected entry, Installed installed) {
        if (installed == null || installed.parsed() == null) {
            return false;
        }
        for (Version v : entry.parsedVersions()) {
            if (v.compareTo(installed.parsed()) == 0) {
                return true;
            }
        }
        return false;
    }

    private static String max(VersionScheme scheme, String a, String b) {
        try {
            return scheme.compare(a, b) >= 0 ? a : b;
        } catch (InvalidVersionException e) {
            throw new IllegalStateException("fixed versions were parsed when compiled", e);
        }
    }

    private static Evidence evidence(
            CompiledAffected entry, Subject subject, String scheme, String fix, String range, List<String> path) {
        Affected a = entry.affected();
        return new Evidence(
                entry.advisory().id(),
                entry.advisory().source(),
                a.pkg().ecosystem().name(),
                a.pkg().name(),
                subject.matchedBy(),
                scheme,
                subject.version(),
                fix,
                range,
                path);
    }
}
