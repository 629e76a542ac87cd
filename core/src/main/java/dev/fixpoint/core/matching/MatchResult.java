package dev.fixpoint.core.matching;

/**
 * The verdict on one installed package against one advisory. Every verdict carries its {@link
 * Evidence}; {@link Unknown} also says why no verdict was possible.
 */
public sealed interface MatchResult {

    Evidence evidence();

    MatchState state();

    /** Affected, and the advisory names the version that fixes it. */
    record Affected(String fixedVersion, Evidence evidence) implements MatchResult {
        @Override
        public MatchState state() {
            return MatchState.AFFECTED;
        }
    }

    /** Affected, and no fixed version is known (yet). */
    record AffectedNoFix(Evidence evidence) implements MatchResult {
        @Override
        public MatchState state() {
            return MatchState.AFFECTED_NO_FIX;
        }
    }

    /** The advisory concerns this package, but not the installed version. */
    record NotAffected(Evidence evidence) implements MatchResult {
        @Override
        public MatchState state() {
            return MatchState.NOT_AFFECTED;
        }
    }

    /** No verdict is possible (no comparator for the ecosystem, an unparsable version, ...). */
    record Unknown(String reason, Evidence evidence) implements MatchResult {
        @Override
        public MatchState state() {
            return MatchState.UNKNOWN;
        }
    }

    /** The fixed version, or null when there is none (or no verdict). */
    default String fixedVersion() {
        return this instanceof Affected a ? a.fixedVersion() : null;
    }
}
