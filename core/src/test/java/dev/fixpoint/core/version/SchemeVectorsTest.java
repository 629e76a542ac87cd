package dev.fixpoint.core.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

    static List<Arguments> pep440() {
        return VectorFiles.vectorsAndGolden("pep440");
    }

    static List<Arguments> maven3() {
        return VectorFiles.vectorsAndGolden("maven3");
    }

    static List<Arguments> go() {
        return VectorFiles.vectorsAndGolden("go");
    }

    @ParameterizedTest(name = "{0}: {1} vs {2} = {3}")
    @MethodSource("semver")
    void semver(String where, String a, String b, String expected) {
        check(SemverScheme.INSTANCE, a, b, expected);
    }

    @ParameterizedTest(name = "{0}: {1} vs {2} = {3}")
    @MethodSource("pep440")
    void pep440(String where, String a, String b, String expected) {
        check(Pep440Scheme.INSTANCE, a, b, expected);
    }

    @ParameterizedTest(name = "{0}: {1} vs {2} = {3}")
    @MethodSource("maven3")
    void maven3(String where, String a, String b, String expected) {
        check(MavenScheme.INSTANCE, a, b, expected);
    }

    /**
     * x/mod's {@code TestCompare} table includes invalid versions, which x/mod orders below all valid
     * ones and equal to each other (so each compares equal to {@code bad}). Fixpoint rejects them: a line
     * passes if we reject exactly those versions the vectors show as invalid, and agree on the rest.
     */
    @ParameterizedTest(name = "{0}: {1} vs {2} = {3}")
    @MethodSource("go")
    void go(String where, String a, String b, String expected) throws InvalidVersionException {
        Set<String> invalid = GoInvalid.IN_VECTORS;
        assertThat(isValid(GoScheme.INSTANCE, a)).as("%s is valid", a).isEqualTo(!invalid.contains(a));
        assertThat(isValid(GoScheme.INSTANCE, b)).as("%s is valid", b).isEqualTo(!invalid.contains(b));
        if (!invalid.contains(a) && !invalid.contains(b)) {
            check(GoScheme.INSTANCE, a, b, expected);
        } else {
            int xmod = invalid.contains(a) ? (invalid.contains(b) ? 0 : -1) : 1;
            assertThat(expected).as("x/mod orders invalid versions lowest").isEqualTo(Integer.toString(xmod));
        }
    }

    /** The versions that the go vectors show x/mod treating as invalid (equal to {@code bad}). */
    private static final class GoInvalid {
        static final Set<String> IN_VECTORS = collect();

        private static Set<String> collect() {
            Set<String> out = new HashSet<>();
            for (String file : List.of("vectors/go.tsv", "golden/go.tsv")) {
                for (Arguments args : VectorFiles.read(file)) {
                    Object[] t = args.get();
                    if (t[2].equals("bad") && t[3].equals("0")) {
                        out.add((String) t[1]);
                    }
                }
            }
            return Set.copyOf(out);
        }
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
