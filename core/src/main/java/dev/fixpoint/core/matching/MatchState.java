package dev.fixpoint.core.matching;

/** The states of a {@link MatchResult}, as they appear in reports and the JSON output. */
public enum MatchState {
    AFFECTED,
    AFFECTED_NO_FIX,
    NOT_AFFECTED,
    UNKNOWN;

    /** Whether the installed version is vulnerable. */
    public boolean isAffected() {
        return this == AFFECTED || this == AFFECTED_NO_FIX;
    }
}
