package dev.fixpoint.agent.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FingerprintTest {

    private static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @Test
    void colonsAndCaseDoNotMatter() {
        Fingerprint plain = Fingerprint.parse(HEX);
        assertThat(Fingerprint.parse(HEX.toUpperCase(java.util.Locale.ROOT))).isEqualTo(plain);
        assertThat(Fingerprint.parse(" " + plain.display() + "\n")).isEqualTo(plain);
        assertThat(plain.display()).startsWith("01:23:45:67:89:AB:CD:EF:").hasSize(95);
    }

    @Test
    void malformedFingerprintsAreNamedWithTheProblem() {
        assertThatThrownBy(() -> Fingerprint.parse("AB:CD"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"AB:CD\"")
                .hasMessageContaining("expected 64 hexadecimal digits (colons optional), found 4");
        assertThatThrownBy(() -> Fingerprint.parse(HEX.substring(1) + "g"))
                .hasMessageContaining("'g' is not a hexadecimal digit");
        assertThatThrownBy(() -> Fingerprint.parse("")).hasMessageContaining("found 0");
    }
}
