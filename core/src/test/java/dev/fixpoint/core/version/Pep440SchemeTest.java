package dev.fixpoint.core.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** pypa/packaging behaviours, each confirmed on Debian's packaging 23.0 (the installed oracle). */
class Pep440SchemeTest {
    private final VersionScheme pep440 = Pep440Scheme.INSTANCE;

    @Test
    void isRegisteredAsPep440() {
        assertThat(VersionSchemes.byName("PEP440")).containsSame(pep440);
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = "|",
            value = {
                "1.0 | 1.0.0 | 0",
                "'  v1.0\u3000' | 1.0 | 0", // Python \s at both ends
                "1.0ALPHA1 | 1.0a1 | 0",
                "1.0-c.2 | 1.0rc2 | 0",
                "1.0_pre | 1.0rc0 | 0",
                "1.0preview3 | 1.0rc3 | 0",
                "1.0-1 | 1.0.post1 | 0", // implicit post-release
                "1.0.rev | 1.0.post0 | 0",
                "1.0a-1 | 1.0a1 | 0", // the separator goes with the number
                "1.0a.-dev | 1.0a0.dev0 | 0", // ... or alone
                "1.0.dev1 | 1.0a1 | -1", // dev-only releases first
                "1.0a1.post1 | 1.0a2.dev1 | -1",
                "1.0 | 1.0.post1.dev1 | -1",
                "1.0+abc | 1.0 | 1",
                "1.0+abc | 1.0+1 | -1", // strings before numbers in local labels
                "1.0+1.abc | 1.0+1 | 1",
                "1.0+ABC-01 | 1.0+abc.1 | 0",
                "1!0.1 | 2.0 | 1",
                "1.0.99999999999999999999999999999 | 1.0.99999999999999999999999999998 | 1",
                // 23.0 folds four non-ASCII letters onto ASCII, and keeps them in the lower-cased text
                "1.0+\u212a | 1.0+k | 0",
                "1.0prev\u0130ew | 1.0b9 | 1",
                "1.0prev\u0130ew | 1.0rc0 | -1",
                "1.0prev\u0131ew | 1.0prev\u0130ew | 1",
                "1.0.po\u017ft1 | 1.0.post9 | 1",
                "1.0+\u017f | 1.0+s | 1",
            })
    void orders(String a, String b, int expected) throws InvalidVersionException {
        assertThat(Integer.signum(pep440.compare(a, b))).isEqualTo(expected);
        assertThat(Integer.signum(pep440.compare(b, a))).isEqualTo(-expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = "|",
            value = {
                "'' | expected the release",
                "v | expected the release",
                "1.0- | unexpected '-' at index 3",
                "1..0 | unexpected '.' at index 1",
                "1! | expected the release after the epoch",
                "1.0+ | no local version label after '+'",
                "1.0+a..b | unexpected '.' at index 5",
                "1.0a1b1 | unexpected 'b' at index 5",
                "1.0 1 | unexpected U+0020 at index 3",
                "1.0\u0308 | unexpected U+0308 at index 3",
            })
    void rejectsWithAReason(String text, String reason) {
        assertThatThrownBy(() -> pep440.parse(text))
                .isInstanceOf(InvalidVersionException.class)
                .hasFieldOrPropertyWithValue("reason", reason);
    }

    @Test
    void rejectsNumbersPythonRefusesToConvert() throws InvalidVersionException {
        String largest = "1." + "9".repeat(4300);
        assertThat(pep440.compare(largest, "1." + "9".repeat(4299) + "8")).isPositive();
        assertThatThrownBy(() -> pep440.parse("1.0+" + "1".repeat(4301)))
                .hasFieldOrPropertyWithValue(
                        "reason", "a local version number has more than 4300 digits (Python's int() limit)");
    }

    @Test
    void equalityIgnoresSpelling() throws InvalidVersionException {
        Version a = pep440.parse("V1.0.0-ALPHA_1+Ubuntu.01");
        Version b = pep440.parse("1a1+ubuntu.1");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.text()).isEqualTo("V1.0.0-ALPHA_1+Ubuntu.01");
    }
}
