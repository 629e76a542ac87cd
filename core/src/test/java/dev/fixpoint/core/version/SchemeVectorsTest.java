package dev.fixpoint.core.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every line of the upstream vectors and the golden files ({@code src/test/resources/vercmp}) for
 * semver, pep440, maven3 and go: the sign must match, and {@code ERR} must be a rejection with a reason.
 */
class SchemeVectorsTest {

    static List<Arguments> semver() {
        return VectorFiles.vectorsAndGolden("semver");
    }

    @ParameterizedTest(name = "{0}: {1} vs {2} = {3}")
    @MethodSource("semver")
    void semver(String where, String a, String b, String expected) {
        check(SemverScheme.INSTANCE, a, b, expected);
    }

    static boolean isValid(VersionScheme scheme, String s) {
        try {
            scheme.parse(s);
            return true;
        } catch (InvalidVersionException e) {
            return false;
        }
    }

    static void check(VersionScheme scheme, String a, String b, String expected) {
        if (expected.equals("ERR")) {
            assertThatThrownBy(() -> scheme.compare(a, b))
                    .isInstanceOf(InvalidVersionException.class)
                    .satisfies(e ->
                            assertThat(((InvalidVersionException) e).reason()).isNotBlank());
            return;
        }
        int want = Integer.parseInt(expected);
        try {
            assertThat(Integer.signum(scheme.compare(a, b))).isEqualTo(want);
            assertThat(Integer.signum(scheme.parse(a).compareTo(scheme.parse(b))))
                    .isEqualTo(want);
        } catch (InvalidVersionException e) {
            throw new AssertionError("rejected a version the tool accepts: " + e.getMessage(), e);
        }
    }
}
