package dev.fixpoint.core.matching;

import dev.fixpoint.core.advisory.Advisory;
import java.util.Objects;

/** One advisory's verdict on one package (the package is implied by the caller). */
public record Verdict(Advisory advisory, MatchResult result) {
    public Verdict {
        Objects.requireNonNull(advisory, "advisory");
        Objects.requireNonNull(result, "result");
    }
}
