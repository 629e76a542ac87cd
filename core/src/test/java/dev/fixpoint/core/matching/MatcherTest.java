package dev.fixpoint.core.matching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.advisory.Affected;
import dev.fixpoint.core.advisory.Event;
import dev.fixpoint.core.advisory.PackageRef;
import dev.fixpoint.core.advisory.Range;
import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.platform.Ecosystem;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MatcherTest {

    static final Ecosystem NPM = Ecosystem.of("npm");

    static Advisory advisory(String id, Affected... affected) {
        return new Advisory(
                id,
                "test",
                null,
                List.of("CVE-2024-0001"),
                List.of(),
                "s",
                null,
                List.of(),
                null,
                null,
                null,
                List.of(affected),
                List.of(),
                List.of());
    }

    static Affected affected(Ecosystem eco, String name, Range... ranges) {
        return new Affected(new PackageRef(eco, name), List.of(ranges));
    }

    static Range range(Event... events) {
        return new Range(Range.Type.ECOSYSTEM, List.of(events));
    }

    static MatchResult verdict(Advisory a, InstalledPackage p) {
        List<Verdict> v = new Matcher(AdvisoryIndex.of(List.of(a))).evaluate(p);
        assertThat(v).hasSize(1);
        return v.get(0).result();
    }

    static InstalledPackage npm(String name, String version) {
        return new InstalledPackage(NPM, name, version, null);
    }

    @ParameterizedTest(name = "{0} → {1} {2}")
    @CsvSource({
        "1.0.0, AFFECTED, 1.2.3",
        "1.2.2, AFFECTED, 1.2.3",
        "1.2.3-rc.1, AFFECTED, 1.2.3",
        "1.2.3, NOT_AFFECTED,",
        "1.10.0, NOT_AFFECTED,",
        "2.0.0, AFFECTED, 2.0.5",
        "2.0.5, NOT_AFFECTED,",
        "3.0.0, AFFECTED_NO_FIX,",
        "3.1.0, AFFECTED_NO_FIX,",
        "3.1.1, NOT_AFFECTED,",
    })
    void followsOsvEvaluationAcrossStretchesGivenInAnyOrder(String installed, MatchState state, String fixed) {
        // Events deliberately out of order: OSV evaluation sorts them by version.
        Advisory a = advisory(
                "GHSA-1",
                affected(
                        NPM,
                        "left-pad",
                        range(
                                Event.introduced("2.0.0"),
                                Event.fixed("1.2.3"),
                                Event.introduced("0"),
                                Event.fixed("2.0.5"),
                                Event.introduced("3.0.0"),
                                Event.lastAffected("3.1.0"))));
        MatchResult r = verdict(a, npm("left-pad", installed));
        assertThat(r.state()).isEqualTo(state);
        assertThat(r.fixedVersion()).isEqualTo(fixed);
        assertThat(r.evidence().scheme()).isEqualTo("semver");
        assertThat(r.evidence().installedVersion()).isEqualTo(installed);
        assertThat(r.evidence().decisionPath()).isNotEmpty();
    }

    @Test
    void introducedOnlyMeansNoFixYet() {
        Advisory a = advisory("GHSA-2", affected(NPM, "x", range(Event.introduced("1.0.0"))));
        assertThat(verdict(a, npm("x", "0.9.0")).state()).isEqualTo(MatchState.NOT_AFFECTED);
        assertThat(verdict(a, npm("x", "5.0.0")).state()).isEqualTo(MatchState.AFFECTED_NO_FIX);
    }

    @Test
    void limitBoundsTheRangeFromAbove() {
        Advisory a = advisory("GHSA-3", affected(NPM, "x", range(Event.introduced("0"), Event.limit("2.0.0"))));
        assertThat(verdict(a, npm("x", "1.9.9")).state()).isEqualTo(MatchState.AFFECTED_NO_FIX);
        assertThat(verdict(a, npm("x", "2.0.0")).state()).isEqualTo(MatchState.NOT_AFFECTED);
    }

    @Test
    void explicitVersionsCountAndGitRangesAreNotEvaluated() {
        Affected e = new Affected(
                new PackageRef(NPM, "x"),
                List.of(new Range(Range.Type.GIT, "https://example.org/x.git", List.of(Event.introduced("0")))),
                List.of("1.0.0", "1.0.1"),
                List.of(),
                Map.of());
        Advisory a = advisory("OSV-1", e);
        MatchResult listed = verdict(a, npm("x", "1.0.1"));
        assertThat(listed.state()).isEqualTo(MatchState.AFFECTED_NO_FIX);
        assertThat(listed.evidence().range()).isEqualTo("versions list");
        MatchResult other = verdict(a, npm("x", "1.0.2"));
        assertThat(other.state()).isEqualTo(MatchState.NOT_AFFECTED);
        assertThat(other.evidence().decisionPath()).anyMatch(s -> s.contains("GIT range"));
    }

    @Test
    void anInstalledVersionTheSchemeRejectsIsUnknownWithTheReason() {
        Advisory a = advisory("GHSA-4", affected(NPM, "x", range(Event.introduced("0"), Event.fixed("1.0.0"))));
        MatchResult r = verdict(a, npm("x", "not-a-version"));
        assertThat(r).isInstanceOf(MatchResult.Unknown.class);
        assertThat(((MatchResult.Unknown) r).reason()).contains("not-a-version").contains("semver");
    }

    @Test
    void anAdvisoryVersionTheSchemeRejectsIsUnknownNeverAGuess() {
        Advisory a = advisory("GHSA-5", affected(NPM, "x", range(Event.introduced("0"), Event.fixed("1.0.0.0.0"))));
        MatchResult r = verdict(a, npm("x", "0.5.0"));
        assertThat(r).isInstanceOf(MatchResult.Unknown.class);
        assertThat(((MatchResult.Unknown) r).reason()).contains("1.0.0.0.0");
    }

    @Test
    void anEcosystemWithoutAComparatorIsUnknown() {
        Ecosystem hex = Ecosystem.of("Hex");
        Advisory a = advisory("GHSA-6", affected(hex, "plug", range(Event.introduced("0"), Event.fixed("1.0.0"))));
        MatchResult r = verdict(a, new InstalledPackage(hex, "plug", "0.9.0", null));
        assertThat(r.state()).isEqualTo(MatchState.UNKNOWN);
        assertThat(((MatchResult.Unknown) r).reason())
                .contains("no version comparator")
                .contains("Hex");
    }

    @Test
    void withdrawnAdvisoriesNeverMatch() {
        Advisory live = advisory("GHSA-7", affected(NPM, "x", range(Event.introduced("0"))));
        Advisory withdrawn = new Advisory(
                "GHSA-7",
                "test",
                null,
                List.of(),
                List.of(),
                null,
                null,
                List.of(),
                null,
                null,
                Instant.parse("2024-01-01T00:00:00Z"),
                live.affected(),
                List.of(),
                List.of());
        assertThat(new Matcher(AdvisoryIndex.of(List.of(withdrawn))).evaluate(npm("x", "1.0.0")))
                .isEmpty();
        AdvisoryIndex index = AdvisoryIndex.of(List.of(live));
        assertThat(new Matcher(index).evaluate(npm("x", "1.0.0"))).hasSize(1);
        assertThat(index.put(withdrawn)).containsExactly(AdvisoryIndex.key(NPM, "x"));
        assertThat(new Matcher(index).evaluate(npm("x", "1.0.0"))).isEmpty();
    }

    @Test
    void anEntryWithNeitherRangesNorVersionsMeansNotAffected() {
        // CSAF known_not_affected and OSV entries that only name a package become such entries.
        Advisory a = advisory("RHSA-2024:1", new Affected(new PackageRef(NPM, "x"), List.of()));
        assertThat(verdict(a, npm("x", "1.0.0")).state()).isEqualTo(MatchState.NOT_AFFECTED);
    }

    @Test
    void advisoriesWithTheSameIdFromDifferentSourcesDoNotReplaceEachOther() {
        Advisory osv =
                advisory("SUSE-SU-2024:1", affected(NPM, "x", range(Event.introduced("0"), Event.fixed("2.0.0"))));
        Advisory csaf = new Advisory(
                "SUSE-SU-2024:1",
                "CSAF SUSE",
                null,
                List.of(),
                List.of(),
                null,
                null,
                List.of(),
                null,
                null,
                null,
                List.of(affected(NPM, "x", range(Event.introduced("0"), Event.fixed("1.5.0")))),
                List.of(),
                List.of());
        AdvisoryIndex index = AdvisoryIndex.of(List.of(osv, csaf));
        assertThat(index.advisoryCount()).isEqualTo(2);
        assertThat(new Matcher(index).evaluate(npm("x", "1.0.0")))
                .extracting(v -> v.advisory().source(), v -> v.result().fixedVersion())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("test", "2.0.0"),
                        org.assertj.core.groups.Tuple.tuple("CSAF SUSE", "1.5.0"));
    }

    @Test
    void ubuntuBinaryListsMeetBinariesWhoseSourceIsNotKnown() {
        Ecosystem jammy = Ecosystem.of("Ubuntu:22.04:LTS");
        Advisory usn = advisory(
                "USN-1",
                new Affected(
                        new PackageRef(jammy, "openssl"),
                        List.of(range(Event.introduced("0"), Event.fixed("3.0.2-0ubuntu1.18"))),
                        List.of(),
                        List.of("libssl3", "openssl"),
                        Map.of()));
        // An SBOM's deb component without a source: found through the advisory's binary list.
        MatchResult r = verdict(usn, new InstalledPackage(jammy, "libssl3", "3.0.2-0ubuntu1.10", "amd64"));
        assertThat(r.state()).isEqualTo(MatchState.AFFECTED);
        assertThat(r.evidence().decisionPath()).anyMatch(s -> s.contains("among the binaries built from openssl"));
        // With its source known, it meets the source entry once.
        assertThat(new Matcher(AdvisoryIndex.of(List.of(usn)))
                        .evaluate(
                                new InstalledPackage(jammy, "libssl3", "3.0.2-0ubuntu1.10", "amd64", "openssl", null)))
                .hasSize(1);
    }

    @Test
    void otherEcosystemsAndOtherNamesDoNotMeet() {
        Advisory a = advisory("GHSA-8", affected(NPM, "x", range(Event.introduced("0"))));
        Matcher m = new Matcher(AdvisoryIndex.of(List.of(a)));
        assertThat(m.evaluate(new InstalledPackage(Ecosystem.of("PyPI"), "x", "1.0", null)))
                .isEmpty();
        assertThat(m.evaluate(npm("X", "1.0.0"))).isEmpty();
    }

    @Test
    void pypiNamesMeetAfterPep503Normalisation() {
        Ecosystem pypi = Ecosystem.of("PyPI");
        Advisory a =
                advisory("PYSEC-1", affected(pypi, "Zope.Interface", range(Event.introduced("0"), Event.fixed("5.0"))));
        MatchResult r = verdict(a, new InstalledPackage(pypi, "zope_interface", "4.7.1", null));
        assertThat(r.state()).isEqualTo(MatchState.AFFECTED);
        assertThat(r.fixedVersion()).isEqualTo("5.0");
        assertThat(r.evidence().scheme()).isEqualTo("pep440");
    }

    @Test
    void goSemverRangesCompareModuleVersions() {
        Ecosystem go = Ecosystem.of("Go");
        Advisory a = advisory(
                "GO-2024-1",
                affected(
                        go,
                        "golang.org/x/net",
                        new Range(Range.Type.SEMVER, List.of(Event.introduced("0"), Event.fixed("0.23.0")))));
        MatchResult r = verdict(a, new InstalledPackage(go, "golang.org/x/net", "v0.22.0", null));
        assertThat(r.state()).isEqualTo(MatchState.AFFECTED);
        assertThat(r.fixedVersion()).isEqualTo("0.23.0");
        MatchResult pseudo =
                verdict(a, new InstalledPackage(go, "golang.org/x/net", "v0.0.0-20220722155237-a158d28d115b", null));
        assertThat(pseudo.state()).isEqualTo(MatchState.AFFECTED);
        // GHSA publishes Go ranges as ECOSYSTEM, with the same v-less SemVer versions.
        Advisory ghsa = advisory(
                "GHSA-69ch-w2m2-3vjp",
                affected(
                        go,
                        "golang.org/x/text",
                        new Range(Range.Type.ECOSYSTEM, List.of(Event.introduced("0"), Event.fixed("0.3.8")))));
        MatchResult text = verdict(ghsa, new InstalledPackage(go, "golang.org/x/text", "v0.3.6", null));
        assertThat(text.state()).isEqualTo(MatchState.AFFECTED);
        assertThat(verdict(ghsa, new InstalledPackage(go, "golang.org/x/text", "v0.3.8", null))
                        .state())
                .isEqualTo(MatchState.NOT_AFFECTED);
    }

    @Test
    void twoEntriesOfOneAdvisoryCombineToTheHigherFix() {
        Advisory a = advisory(
                "GHSA-9",
                affected(NPM, "x", range(Event.introduced("0"), Event.fixed("1.2.0"))),
                affected(NPM, "x", range(Event.introduced("1.0.0"), Event.fixed("1.3.0"))));
        MatchResult r = verdict(a, npm("x", "1.1.0"));
        assertThat(r.state()).isEqualTo(MatchState.AFFECTED);
        assertThat(r.fixedVersion()).isEqualTo("1.3.0");
    }

    @Test
    void rangesOfOneEntryThatBothCoverTheVersionNeedTheHigherFix() {
        Advisory a = advisory(
                "GHSA-10",
                affected(
                        NPM,
                        "x",
                        range(Event.introduced("0"), Event.fixed("1.5.0")),
                        range(Event.introduced("1.0.0"), Event.fixed("1.7.0"))));
        assertThat(verdict(a, npm("x", "1.2.0")).fixedVersion()).isEqualTo("1.7.0");
        assertThat(verdict(a, npm("x", "0.5.0")).fixedVersion()).isEqualTo("1.5.0");
    }
}
