package dev.fixpoint.core.version;

import java.util.List;

/**
 * Maven versions as Maven 3.9's {@code ComparableVersion} (maven-artifact 3.9.x) orders them; {@code
 * maven3} is an alias. Maven 4 changed the order for about 2% of inputs and is not the target.
 *
 * <p>Hand-written rather than depending on maven-artifact: core must stay dependency-free, and the
 * comparator must be exact and strict about what it promises. It follows 3.9.16's parser token by token
 * (see {@link MavenParser}), including its quirks: lower-casing with {@code Locale.ENGLISH}, numbers made
 * of any Unicode decimal digits, numbers typed by length (up to 9 digits, up to 18, longer: after
 * stripping ASCII zeros) with every shorter type sorting below every longer one, and trailing "null"
 * items ({@code 0}, {@code ga}, {@code final}, {@code release}, empty) dropped per sub-list.
 *
 * <p>What "accepts any string" means: Maven has no invalid versions, so {@link #parse} never throws
 * {@link InvalidVersionException}: the empty string, white space, control characters and non-ASCII text
 * are all versions (ordered as unknown qualifiers). Inputs that make Maven itself fail are ordered here
 * without failing: very deep nesting ({@code a1a1a1...}, tens of thousands of levels) overflows the
 * stack in {@code ComparableVersion.compareTo}, whereas this implementation compares iteratively.
 */
final class MavenScheme implements VersionScheme {
    static final MavenScheme INSTANCE = new MavenScheme();

    private MavenScheme() {}

    @Override
    public String id() {
        return "maven";
    }

    @Override
    public List<String> aliases() {
        return List.of("maven3");
    }

    @Override
    public MavenVersion parse(String text) {
        return new MavenVersion(text, MavenParser.parse(text));
    }

    @Override
    public int compare(String a, String b) {
        return MavenItem.compareLists(MavenParser.parse(a), MavenParser.parse(b));
    }
}
