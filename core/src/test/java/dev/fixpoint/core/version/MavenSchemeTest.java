package dev.fixpoint.core.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Maven 3.9 {@code ComparableVersion} behaviours, each confirmed on maven-artifact 3.9.16. */
class MavenSchemeTest {
    private final MavenScheme maven = MavenScheme.INSTANCE;

    @Test
    void isRegisteredAsMavenAndMaven3() {
        assertThat(VersionSchemes.byName("maven")).containsSame(maven);
        assertThat(VersionSchemes.byName("MAVEN3")).containsSame(maven);
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = "|",
            value = {
                "1.0 | 1 | 0",
                "1.0.final | 1 | 0",
                "1.0RELEASE | 1 | 0",
                "1-ga-1 | 1-1 | -1",
                "1.0-alpha1 | 1.0-a1 | 0",
                "1.0-a | 1.0-alpha | 1", // 'a' means alpha only when a digit follows
                "1.0-rc1 | 1.0-cr1 | 0",
                "1.0-SNAPSHOT | 1.0 | -1",
                "1.0-sp | 1.0 | 1",
                "1.0-xyz | 1.0-sp | 1",
                "1-1 | 1.1 | -1",
                "'' | 0 | 0",
                "'' | 1-ga | -1",
                // numbers of different widths compare by width class, not by value
                "1.0000000000.1 | 1.0.1 | 1",
                "\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u06601 | 5 | 1",
                "1.\u0668 | 1.8 | 0", // any Unicode decimal digit is a digit
                "1000000000 | 999999999999999999999 | -1",
            })
    void orders(String a, String b, int expected) {
        assertThat(Integer.signum(maven.compare(a, b))).isEqualTo(expected);
        assertThat(Integer.signum(maven.compare(b, a))).isEqualTo(-expected);
    }

    @Test
    void everyStringIsAVersion() {
        for (String s : new String[] {"", " ", "\u0000", "-", "..", "é", "\ud800", "1 2", "ζέβρα"}) {
            assertThat(maven.parse(s).text()).isEqualTo(s);
        }
    }

    @Test
    void comparesDeepVersionsWithoutRecursion() {
        // maven-artifact overflows the stack on these; its answer with -Xss1g is -1.
        String a = "a1".repeat(50_000);
        String b = a + "b";
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThat(maven.compare(a, b)).isNegative();
            assertThat(maven.parse(a)).isEqualTo(maven.parse(a.toUpperCase()));
        });
    }

    @Test
    void equalVersionsShareAHash() {
        assertThat(maven.parse("1.0.0-GA")).isEqualTo(maven.parse("1")).hasSameHashCodeAs(maven.parse("1"));
    }
}
