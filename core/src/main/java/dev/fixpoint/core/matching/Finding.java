package dev.fixpoint.core.matching;

import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.inventory.InstalledPackage;
import java.util.Objects;

/** One installed package judged against one advisory. */
public record Finding(InstalledPackage pkg, Advisory advisory, MatchResult result) {
    public Finding {
        Objects.requireNonNull(pkg, "pkg");
        Objects.requireNonNull(advisory, "advisory");
        Objects.requireNonNull(result, "result");
    }

    public MatchState state() {
        return result.state();
    }
}
