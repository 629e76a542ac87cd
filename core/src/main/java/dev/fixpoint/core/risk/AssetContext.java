package dev.fixpoint.core.risk;

import java.util.Objects;

/** What the risk decision knows about the host. {@link #DEFAULT} when nothing is known. */
public record AssetContext(Criticality criticality, Exposure exposure) {
    public static final AssetContext DEFAULT = new AssetContext(Criticality.MEDIUM, Exposure.CONTROLLED);

    public AssetContext {
        Objects.requireNonNull(criticality, "criticality");
        Objects.requireNonNull(exposure, "exposure");
    }
}
