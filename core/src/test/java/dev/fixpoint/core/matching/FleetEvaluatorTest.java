package dev.fixpoint.core.matching;

import static dev.fixpoint.core.matching.MatcherTest.advisory;
import static dev.fixpoint.core.matching.MatcherTest.affected;
import static dev.fixpoint.core.matching.MatcherTest.npm;
import static dev.fixpoint.core.matching.MatcherTest.range;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.core.advisory.Event;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FleetEvaluatorTest {

    @Test
    void judgesEachDistinctTupleOnceAndFansOutToHosts() {
        AdvisoryIndex index = AdvisoryIndex.of(List.of(advisory(
                "GHSA-A", affected(MatcherTest.NPM, "a", range(Event.introduced("0"), Event.fixed("2.0.0"))))));
        FleetEvaluator fleet = new FleetEvaluator(index);
        int a1 = fleet.tuple(npm("a", "1.0.0"));
        int a2 = fleet.tuple(npm("a", "2.0.0"));
        int b1 = fleet.tuple(npm("b", "1.0.0"));
        assertThat(fleet.tuple(npm("a", "1.0.0"))).isEqualTo(a1);
        int h0 = fleet.addHost(new int[] {a1, b1});
        int h1 = fleet.addHost(new int[] {a2, b1});
        int h2 = fleet.addHost(new int[] {a1});

        FleetEvaluator.Summary s = fleet.evaluateAll();
        assertThat(s.tuplesJudged()).isEqualTo(3);
        assertThat(s.affectedPairs()).isEqualTo(2);
        assertThat(s.vulnerableHosts()).isEqualTo(2);
        assertThat(fleet.affectedCount(h0)).isEqualTo(1);
        assertThat(fleet.affectedCount(h1)).isZero();
        assertThat(fleet.verdicts(a1)).extracting(v -> v.advisory().id()).containsExactly("GHSA-A");

        // A new advisory for "b" touches only b's tuple and the hosts that have it.
        Set<String> touched = index.put(
                advisory("GHSA-B", affected(MatcherTest.NPM, "b", range(Event.introduced("0"), Event.fixed("1.5.0")))));
        FleetEvaluator.Summary r = fleet.reevaluate(touched);
        assertThat(r.tuplesJudged()).isEqualTo(1);
        assertThat(r.hostsUpdated()).isEqualTo(2);
        assertThat(fleet.affectedCount(h0)).isEqualTo(2);
        assertThat(fleet.affectedCount(h1)).isEqualTo(1);
        assertThat(fleet.affectedCount(h2)).isEqualTo(1);
        assertThat(r.affectedPairs()).isEqualTo(4);
        assertThat(r.vulnerableHosts()).isEqualTo(3);

        // Withdrawing it again brings the incremental counts back, and they agree with a full pass.
        FleetEvaluator.Summary back = fleet.reevaluate(
                index.put(withdrawn(advisory("GHSA-B", affected(MatcherTest.NPM, "b", range(Event.introduced("0")))))));
        assertThat(back.affectedPairs()).isEqualTo(2);
        assertThat(back.vulnerableHosts()).isEqualTo(2);
        FleetEvaluator.Summary full = fleet.evaluateAll();
        assertThat(full.affectedPairs()).isEqualTo(back.affectedPairs());
        assertThat(full.vulnerableHosts()).isEqualTo(back.vulnerableHosts());
    }

    static dev.fixpoint.core.advisory.Advisory withdrawn(dev.fixpoint.core.advisory.Advisory a) {
        return new dev.fixpoint.core.advisory.Advisory(
                a.id(),
                a.source(),
                a.origin(),
                a.aliases(),
                a.related(),
                a.summary(),
                a.details(),
                a.severities(),
                a.published(),
                a.modified(),
                java.time.Instant.EPOCH,
                a.affected(),
                a.references(),
                a.cwes());
    }
}
