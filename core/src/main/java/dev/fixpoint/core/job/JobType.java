package dev.fixpoint.core.job;

/** What a job does. The wire and the canonical encoding use the constant's name. */
public enum JobType {
    /** Install (or upgrade to) exactly the listed versions. */
    INSTALL,
    /** Return to exactly the listed (previous) versions, downgrading where needed. */
    ROLLBACK,
    /** Reboot the host. Carries no packages. */
    REBOOT,
    /** Collect and send the full inventory now. Carries no packages. */
    REFRESH_INVENTORY,
    /**
     * Check, changing nothing, that each listed exact version could be installed now (in the package
     * manager's cache or a configured repository): the versions a rollback would restore, asked before
     * a deployment starts.
     */
    PREFLIGHT;

    /** Whether jobs of this type name packages (and must name at least one). */
    public boolean hasPackages() {
        return this == INSTALL || this == ROLLBACK || this == PREFLIGHT;
    }

    /** Whether jobs of this type change the host's packages (and so carry health checks). */
    public boolean changesPackages() {
        return this == INSTALL || this == ROLLBACK;
    }
}
