package dev.fixpoint.core.version;

/**
 * PEP 440 versions exactly as pypa/packaging's strict {@code Version} parses and orders them (never the
 * removed {@code LegacyVersion}).
 *
 * <p>Hand-written (core stays dependency-free; packaging's verbose regex is replaced by a scanner that
 * makes the same choices, see {@link Pep440Parser}). Accepted, case-insensitively and with Python white
 * space trimmed: {@code [v][N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]} with packaging's
 * normalisations: separators {@code . - _} or none around the letters, {@code alpha beta c pre
 * preview} for {@code a b rc rc rc}, {@code rev r} for {@code post}, implicit numbers ({@code 1.0a} is
 * {@code 1.0a0}), implicit post-releases ({@code 1.0-1}), local labels of {@code [a-z0-9]} runs separated
 * by {@code . - _}. Release numbers compare without trailing zeros ({@code 1.0 == 1.0.0}); numbers have
 * no size limit except CPython's: a number of more than 4,300 digits makes {@code int()} raise {@code
 * ValueError}, and is rejected here.
 *
 * <p>Target: the installed oracle, Debian 12's python3-packaging 23.0. The upstream test vectors (from
 * packaging 26.x) agree with it on every line. The two differ only on four non-ASCII letters that
 * Python's case-insensitive matching folds onto ASCII ones: 23.0 accepts {@code İ ı} (U+0130, U+0131)
 * for the {@code i} of {@code preview}, {@code ſ} (U+017F) for the {@code s} of {@code post}, and these
 * three plus the Kelvin sign (U+212A) in local labels, and orders them by their lower-cased text ({@code
 * 1.0prevİew} is a pre-release between {@code b} and {@code rc}, {@code 1.0.poſt1} sorts after every
 * {@code post}); packaging 26.x matches ASCII only and rejects all of them.
 */
final class Pep440Scheme implements VersionScheme {
    static final Pep440Scheme INSTANCE = new Pep440Scheme();

    private Pep440Scheme() {}

    @Override
    public String id() {
        return "pep440";
    }

    @Override
    public Pep440Version parse(String text) throws InvalidVersionException {
        return new Pep440Parser(text).version();
    }

    @Override
    public int compare(String a, String b) throws InvalidVersionException {
        return parse(a).compareSame(parse(b));
    }
}
