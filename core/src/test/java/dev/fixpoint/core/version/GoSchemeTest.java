package dev.fixpoint.core.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** golang.org/x/mod/semver behaviours for valid versions, and the reasons for rejecting invalid ones. */
class GoSchemeTest {
    private final VersionScheme go = GoScheme.INSTANCE;

    @Test
    void isRegisteredAsGo() {
        assertThat(VersionSchemes.byName("go")).containsSame(go);
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = "|",
            value = {
                "v1 | v1.0.0 | 0",
                "v1.2 | v1.2.0 | 0",
                "v2.0.0+incompatible | v2.0.0 | 0",
                "v1.2.3-pre | v1.2.3 | -1",
                "v1.2.3-456 | v1.2.3-456a | -1",
                "v1.2.3-beta.11 | v1.2.3-beta.2 | 1",
                "v1.2.3-pre | v1.2.3-pre.1 | -1",
                "v123456789012345678901234567890.0.0 | v123456789012345678901234567889.9.9 | 1",
                "v0.0.0-20240101000000-abcdefabcdef | v0.0.0-20231231235959-abcdefabcdef | 1",
            })
    void orders(String a, String b, int expected) throws InvalidVersionException {
        assertThat(Integer.signum(go.compare(a, b))).isEqualTo(expected);
        assertThat(Integer.signum(go.compare(b, a))).isEqualTo(-expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = "|",
            value = {
                "1.2.3 | does not start with 'v'",
                "'' | does not start with 'v'",
                "V1.2.3 | does not start with 'v'",
                "v | the major version is not a number",
                "v01.2.3 | the major version has a leading zero",
                "v1-pre | unexpected '-' after the major version; vMAJOR and vMAJOR.MINOR take no suffix",
                "v1.2+meta | unexpected '+' after the minor version; vMAJOR and vMAJOR.MINOR take no suffix",
                "v1.2.3.4 | unexpected '.' at index 6",
                "v1.2.3-01 | numeric pre-release identifier with a leading zero",
                "v1.2.3- | empty pre-release identifier at index 7",
                "v1.2.3+ | empty build identifier at index 7",
                "' v1.2.3' | does not start with 'v'",
                "'v1.2.3 ' | unexpected U+0020 at index 6",
            })
    void rejectsWithAReason(String text, String reason) {
        assertThatThrownBy(() -> go.parse(text))
                .isInstanceOf(InvalidVersionException.class)
                .hasFieldOrPropertyWithValue("reason", reason);
    }

    @Test
    void shorthandsEqualTheirFullForm() throws InvalidVersionException {
        assertThat(go.parse("v1")).isEqualTo(go.parse("v1.0.0+meta")).hasSameHashCodeAs(go.parse("v1.0.0"));
        assertThat(go.parse("v1").text()).isEqualTo("v1");
    }
}
