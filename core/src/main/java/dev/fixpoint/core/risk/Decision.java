package dev.fixpoint.core.risk;

import java.util.Locale;

/** SSVC deployer decisions, least to most urgent. */
public enum Decision {
    /** Do not act now; revisit when something changes. */
    DEFER,
    /** Act during the regular maintenance cycle. */
    SCHEDULED,
    /** Act before the next regular cycle. */
    OUT_OF_CYCLE,
    /** Act now, as fast as possible. */
    IMMEDIATE;

    public int rank() {
        return ordinal();
    }

    /** {@code defer}, {@code scheduled}, {@code out-of-cycle}, {@code immediate}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
