package dev.fixpoint.core.version;

import java.util.Arrays;

/** A version parsed by {@link MavenScheme}: the normalised chain of item lists. */
final class MavenVersion extends SchemeVersion<MavenVersion> {
    private final MavenItem[][] chain;

    MavenVersion(String text, MavenItem[][] chain) {
        super(text, MavenVersion.class);
        this.chain = chain;
    }

    @Override
    public VersionScheme scheme() {
        return MavenScheme.INSTANCE;
    }

    @Override
    int compareSame(MavenVersion other) {
        return MavenItem.compareLists(chain, other.chain);
    }

    /** Versions compare equal exactly when their normalised chains are equal item by item. */
    @Override
    int orderHash() {
        return Arrays.deepHashCode(chain);
    }
}
