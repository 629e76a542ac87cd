package dev.fixpoint.core.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.advisory.Severity;
import dev.fixpoint.core.signal.CveEnrichment;
import dev.fixpoint.core.signal.EpssScore;
import dev.fixpoint.core.signal.EpssSet;
import dev.fixpoint.core.signal.KevCatalog;
import dev.fixpoint.core.signal.KevEntry;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RiskAssessorTest {

    // Real vectors: Log4Shell (NVD, CVSS 3.1 and 2.0), the FIRST CVSS 4.0 specification's example.
    static final String LOG4SHELL_31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H";
    static final String LOG4SHELL_20 = "AV:N/AC:M/Au:N/C:C/I:C/A:C";
    static final String LOCAL_31 = "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N";

    static Advisory advisory(String cve, Severity... severities) {
        return new Advisory(
                "TEST-1",
                "test",
                null,
                List.of(cve),
                List.of(),
                null,
                null,
                List.of(severities),
                null,
                null,
                null,
                List.of(),
                List.of(),
                List.of());
    }

    static RiskAssessor assessor(Map<String, Double> epss, List<String> kev) {
        Map<String, EpssScore> scores = new java.util.HashMap<>();
        epss.forEach((k, v) -> scores.put(k, new EpssScore(k, v, Math.min(1, v + 0.5))));
        Map<String, KevEntry> entries = new java.util.HashMap<>();
        for (String c : kev) {
            entries.put(
                    c,
                    new KevEntry(
                            c,
                            "v",
                            "p",
                            "n",
                            LocalDate.of(2021, 12, 10),
                            "d",
                            "Apply updates",
                            LocalDate.of(2021, 12, 24),
                            true,
                            "",
                            List.of()));
        }
        return new RiskAssessor(
                new EpssSet("v2025", null, scores), new KevCatalog("2026.08.07", null, entries), c -> null);
    }

    @ParameterizedTest
    @CsvSource({
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H, 10.0, 3.1, true",
        "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H, 8.8, 3.0, false",
        "AV:N/AC:M/Au:N/C:C/I:C/A:C, 9.3, 2.0, true",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N, 9.3, 4.0, true",
        "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N, 6.8, 4.0, false",
    })
    void scoresRealVectors(String vector, double score, String version, boolean automatable) throws Exception {
        CvssScore c = Cvss.parse(vector);
        assertThat(c.baseScore()).isEqualTo(score);
        assertThat(c.version()).isEqualTo(version);
        assertThat(c.automatable()).isEqualTo(automatable);
    }

    @Test
    void malformedVectorsAreReportedNotScored() {
        assertThatThrownBy(() -> Cvss.parse("CVSS:3.1/AV:X"))
                .isInstanceOf(MalformedCvssException.class)
                .hasMessageStartingWith("malformed CVSS vector \"CVSS:3.1/AV:X\"");
        RiskAssessment r = assessor(Map.of(), List.of())
                .assess(
                        advisory("CVE-2024-1", new Severity(Severity.CVSS_V3, "CVSS:3.1/garbage")),
                        AssetContext.DEFAULT);
        assertThat(r.cvss()).isNull();
        assertThat(r.factors()).anyMatch(f -> f.name().equals("cvss-ignored"));
        assertThat(r.severity()).isEqualTo(SeverityLevel.UNKNOWN);
    }

    @Test
    void kevOnAnInternetFacingHostIsImmediate() {
        RiskAssessment r = assessor(Map.of("CVE-2021-44228", 0.944), List.of("CVE-2021-44228"))
                .assess(
                        advisory("CVE-2021-44228", new Severity(Severity.CVSS_V3, LOG4SHELL_31)),
                        new AssetContext(Criticality.MEDIUM, Exposure.OPEN));
        assertThat(r.decision()).isEqualTo(Decision.IMMEDIATE);
        assertThat(r.kev().cveId()).isEqualTo("CVE-2021-44228");
        assertThat(r.severity()).isEqualTo(SeverityLevel.CRITICAL);
        assertThat(r.score()).isGreaterThanOrEqualTo(90);
        assertThat(r.explain()).contains("kev=CVE-2021-44228", "exploitation=active", "automatable=yes");
    }

    @Test
    void noExploitationLocalAndMediumIsDeferredAndHighIsScheduled() {
        RiskAssessor a = assessor(Map.of(), List.of());
        assertThat(a.assess(advisory("CVE-2024-2", new Severity(Severity.CVSS_V3, LOCAL_31)), AssetContext.DEFAULT)
                        .decision())
                .isEqualTo(Decision.DEFER);
        assertThat(a.assess(advisory("CVE-2024-2", new Severity("VENDOR", "Important")), AssetContext.DEFAULT)
                        .decision())
                .isEqualTo(Decision.SCHEDULED);
    }

    @Test
    void epssAboveThePocThresholdRaisesTheDecision() {
        Advisory adv = advisory("CVE-2024-3", new Severity(Severity.CVSS_V3, LOCAL_31));
        AssetContext critical = new AssetContext(Criticality.CRITICAL, Exposure.CONTROLLED);
        assertThat(assessor(Map.of("CVE-2024-3", 0.01), List.of())
                        .assess(adv, critical)
                        .decision())
                .isEqualTo(Decision.SCHEDULED);
        assertThat(assessor(Map.of("CVE-2024-3", 0.5), List.of())
                        .assess(adv, critical)
                        .decision())
                .isEqualTo(Decision.OUT_OF_CYCLE);
    }

    @Test
    void theVendorRatingIsTheSeverityAndNvdFillsInTheVector() {
        RiskAssessor a = new RiskAssessor(
                EpssSet.empty(),
                KevCatalog.empty(),
                c -> c.equals("CVE-2021-44228")
                        ? new CveEnrichment(
                                c,
                                List.of(
                                        new Severity(Severity.CVSS_V2, LOG4SHELL_20),
                                        new Severity(Severity.CVSS_V3, LOG4SHELL_31)),
                                List.of())
                        : null);
        RiskAssessment r =
                a.assess(advisory("CVE-2021-44228", new Severity("VENDOR", "Moderate")), AssetContext.DEFAULT);
        assertThat(r.severity()).isEqualTo(SeverityLevel.MEDIUM);
        assertThat(r.cvss().version()).isEqualTo("3.1"); // newer version preferred over v2
        assertThat(r.factors()).anyMatch(f -> f.explanation().contains("from NVD CVE-2021-44228"));
    }

    @Test
    void unknownInputsGiveDefaultsWithFactorsSayingSo() {
        RiskAssessment r = assessor(Map.of(), List.of()).assess(advisory("CVE-2024-9"), AssetContext.DEFAULT);
        assertThat(r.severity()).isEqualTo(SeverityLevel.UNKNOWN);
        assertThat(r.epss()).isNull();
        assertThat(r.explain()).contains("severity=unknown", "epss=unknown", "automatable=no");
        assertThat(r.score()).isBetween(0, 100);
    }

    @Test
    void mostUrgentFirst() {
        RiskAssessor a = assessor(Map.of("CVE-2024-1001", 0.9), List.of("CVE-2024-1002"));
        List<RiskAssessment> list = new ArrayList<>(List.of(
                a.assess(advisory("CVE-2024-1003", new Severity("VENDOR", "low")), AssetContext.DEFAULT),
                a.assess(advisory("CVE-2024-1002", new Severity(Severity.CVSS_V3, LOG4SHELL_31)), AssetContext.DEFAULT),
                a.assess(advisory("CVE-2024-1001", new Severity(Severity.CVSS_V3, LOCAL_31)), AssetContext.DEFAULT)));
        list.sort(RiskAssessment.MOST_URGENT_FIRST);
        assertThat(list).extracting(r -> r.decision()).isSortedAccordingTo((x, y) -> y.compareTo(x));
        assertThat(list.get(0).kev()).isNotNull();
    }

    @Test
    void thresholdsAndLabels() {
        assertThat(SeverityLevel.parseThreshold("HIGH")).isEqualTo(SeverityLevel.HIGH);
        assertThatThrownBy(() -> SeverityLevel.parseThreshold("severe"))
                .hasMessage("unknown severity \"severe\": use low, medium, high or critical");
        assertThat(SeverityLevel.CRITICAL.isAtLeast(SeverityLevel.HIGH)).isTrue();
        assertThat(SeverityLevel.UNKNOWN.isAtLeast(SeverityLevel.LOW)).isFalse();
        assertThat(Decision.OUT_OF_CYCLE.label()).isEqualTo("out-of-cycle");
        assertThat(Exposure.parse("internet")).isEqualTo(Exposure.OPEN);
        assertThatThrownBy(() -> Criticality.parse("huge")).hasMessageContaining("use low, medium, high or critical");
    }
}
