package dev.fixpoint.core.version;

/**
 * A version parsed by a {@link VersionScheme}. Versions compare only with versions of the same
 * scheme; comparing across schemes throws {@link IllegalArgumentException}. Equality follows the
 * scheme's order ({@code 1.0} and {@code 1.00} are equal under dpkg), and {@link #text()} keeps the
 * original spelling.
 */
public interface Version extends Comparable<Version> {

    /** The string this version was parsed from, unchanged. */
    String text();

    /** The scheme that parsed it. */
    VersionScheme scheme();
}
