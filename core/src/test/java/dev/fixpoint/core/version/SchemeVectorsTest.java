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

    static List<Arguments> dpkg() {
        return VectorFiles.vectorsAndGolden("dpkg");
    }

    static List<Arguments> rpm() {
        return VectorFiles.vectorsAndGolden("rpm");
    }

    static List<Arguments> rpmEvr() {
        return VectorFiles.vectorsAndGolden("rpm_evr");
    }

    static List<Arguments> apk() {
        return VectorFiles.vectorsAndGolden("apk");
    }

    @ParameterizedTest(name = "{0}: {1} vs {2} = {3}")
    @MethodSource("dpkg")
    void dpkg(String where, String a, String b, String expected) {
        check(DpkgScheme.INSTANCE, a, b, expected);
    }

    @ParameterizedTest(name = "{0}: {1} vs {2} = {3}")
    @MethodSource("rpm")
    void rpm(String where, String a, String b, String expected) {
        check(RpmScheme.INSTANCE, a, b, expected);
    }

    @ParameterizedTest(name = "{0}: {1} vs {2} = {3}")
    @MethodSource("rpmEvr")
    void rpmEvr(String where, String a, String b, String expected) {
        check(RpmEvrScheme.INSTANCE, a, b, expected);
    }

    /**
     * apk's own vectors compare some versions {@code apk version -c} calls invalid ({@code 23_foo}):
     * {@link ApkScheme#compare} orders them as {@code apk version -t} does, and {@link ApkScheme#parse}
     * rejects them; where both are valid, parsed versions must order the same way.
     */
    @ParameterizedTest(name = "{0}: {1} vs {2} = {3}")
    @MethodSource("apk")
    void apk(String where, String a, String b, String expected) throws InvalidVersionException {
        assertThat(Integer.signum(ApkScheme.INSTANCE.compare(a, b))).isEqualTo(Integer.parseInt(expected));
        if (isValid(ApkScheme.INSTANCE, a) && isValid(ApkScheme.INSTANCE, b)) {
            check(ApkScheme.INSTANCE, a, b, expected);
        }
    }

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
