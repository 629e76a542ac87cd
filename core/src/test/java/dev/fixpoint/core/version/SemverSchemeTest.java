package dev.fixpoint.core.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** node-semver strict-mode behaviours, each confirmed on the real tool (semver 7.8.5). */
class SemverSchemeTest {
    private final VersionScheme semver = SemverScheme.INSTANCE;

    @Test
    void isRegisteredAsSemver() {
        assertThat(VersionSchemes.byName("SemVer")).containsSame(semver);
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = "|",
            value = {
                "1.2.3 | v1.2.3 | 0",
                "'\u00a0 1.2.3\ufeff' | 1.2.3 | 0", // JavaScript trim()
                "1.2.3+build.1 | 1.2.3+other | 0",
                "1.2.3-alpha | 1.2.3 | -1",
                "1.2.3-alpha.1 | 1.2.3-alpha | 1",
                "1.2.3-alpha.10 | 1.2.3-alpha.9 | 1",
                "1.2.3-1 | 1.2.3-a | -1",
                "1.2.3-A | 1.2.3-a | -1",
                "9007199254740991.0.0 | 1.0.0 | 1",
                // numeric identifiers compare as doubles: 2^53 + 1 rounds to 2^53 ...
                "1.0.0-9007199254740993 | 1.0.0-9007199254740992 | 0",
                // ... and the first identifiers that differ as text decide, even when equal as numbers
                "1.0.0-9007199254740993.a | 1.0.0-9007199254740992.b | 0",
                "1.0.0-9007199254740992.b | 1.0.0-9007199254740992.a | 1",
                "1.0.0-9007199254740991 | 1.0.0-9007199254740990 | 1",
            })
    void orders(String a, String b, int expected) throws InvalidVersionException {
        assertThat(Integer.signum(semver.compare(a, b))).isEqualTo(expected);
        assertThat(Integer.signum(semver.compare(b, a))).isEqualTo(-expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = "|",
            value = {
                "=1.2.3 | expected the major version at index 0, found '='", // '=' and 'V' only in loose mode
                "V1.2.3 | expected the major version at index 0, found 'V'",
                "1.2 | expected '.' after the minor version",
                "01.2.3 | the major version has a leading zero",
                "1.2.3-01 | numeric pre-release identifier with a leading zero",
                "1.2.3- | empty pre-release identifier at index 6",
                "1.2.3-a..b | empty pre-release identifier at index 8",
                "1.2.3+ | empty build identifier at index 6",
                "1.2.3.4 | unexpected '.' at index 5",
                "1.2.3-\u03b1 | unexpected U+03B1 in the pre-release at index 6",
                "'1.2.3\u0085' | unexpected U+0085 at index 5", // NEL is not JavaScript white space
                "9007199254740992.0.0 | the major version is above 2^53-1 (Number.MAX_SAFE_INTEGER)",
                "'' | empty or white space only",
            })
    void rejectsWithAReason(String text, String reason) {
        assertThatThrownBy(() -> semver.parse(text))
                .isInstanceOf(InvalidVersionException.class)
                .hasFieldOrPropertyWithValue("reason", reason)
                .hasMessageContaining("invalid semver version");
    }

    @Test
    void rejectsMoreThan256CharactersBeforeTrimming() {
        String longest = "1.2.3-" + "a".repeat(250);
        assertThat(SchemeVectorsTest.isValid(semver, longest)).isTrue();
        assertThatThrownBy(() -> semver.parse(longest + "a")).hasMessageEndingWith("longer than 256 characters");
        assertThatThrownBy(() -> semver.parse(" " + longest)).hasMessageEndingWith("longer than 256 characters");
    }

    @Test
    void keepsTheOriginalText() throws InvalidVersionException {
        Version v = semver.parse(" v1.2.3+b ");
        assertThat(v.text()).isEqualTo(" v1.2.3+b ");
        assertThat(v.scheme()).isSameAs(semver);
        assertThat(v).isEqualTo(semver.parse("1.2.3")).hasSameHashCodeAs(semver.parse("1.2.3"));
    }

    @Test
    void equalVersionsAboveTwoToThe53ShareAHash() throws InvalidVersionException {
        Version a = semver.parse("1.0.0-9007199254740993.a");
        Version b = semver.parse("1.0.0-9007199254740992.b.c");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    }
}
