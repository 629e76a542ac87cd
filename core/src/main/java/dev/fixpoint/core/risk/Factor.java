package dev.fixpoint.core.risk;

/**
 * One input to a risk decision, in words.
 *
 * @param name {@code severity}, {@code cvss}, {@code epss}, {@code kev}, {@code exploitation},
 *     {@code automatable}, {@code exposure}, {@code criticality}, {@code impact}, {@code score}
 * @param value the value used, e.g. {@code 9.8}, {@code active}
 * @param explanation where it came from and how it counted
 */
public record Factor(String name, String value, String explanation) {
    @Override
    public String toString() {
        return name + "=" + value + " (" + explanation + ")";
    }
}
