package dev.fixpoint.core.matching;

import dev.fixpoint.core.inventory.InstalledPackage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Evaluates a fleet the way fleets repeat themselves: each distinct (ecosystem, package, version)
 * tuple is judged once, and the verdicts fan out to the hosts that have it. After an advisory
 * changes, only the tuples under the keys it touches are judged again, and only the hosts that have
 * those tuples are updated.
 *
 * <p>Hosts are arrays of tuple ids ({@link #tuple} interns a package). Not thread-safe for writes;
 * {@link #evaluateAll} parallelises internally over tuples.
 */
public final class FleetEvaluator {

    private final Matcher matcher;
    private final Map<String, Integer> tupleIds = new HashMap<>();
    private final List<InstalledPackage> tuples = new ArrayList<>(); // a representative package per tuple
    private final Map<String, int[]> tuplesByKey = new HashMap<>(); // index key -> its tuples (grown by doubling)
    private final Map<String, Integer> tuplesByKeyCount = new HashMap<>();
    private final List<int[]> hosts = new ArrayList<>();

    private Verdict[][] verdicts; // affected verdicts per tuple; null = none
    private int[] hostAffected; // number of affected (package, advisory) pairs per host
    private int[] tupleHostStart; // CSR: tuple -> hosts that have it
    private int[] tupleHosts;
    private long totalPairs; // kept current by reevaluate
    private int vulnerableHosts;

    public FleetEvaluator(AdvisoryIndex index) {
        this.matcher = new Matcher(index);
    }

    /** The id of the distinct tuple this package belongs to, interning it if new. */
    public int tuple(InstalledPackage p) {
        Subject s = Subject.of(p);
        String key = s.key();
        String tupleKey = key + '\u0000' + s.version();
        Integer id = tupleIds.get(tupleKey);
        if (id == null) {
            id = tuples.size();
            tupleIds.put(tupleKey, id);
            tuples.add(p);
            int n = tuplesByKeyCount.merge(key, 1, Integer::sum);
            int[] ids = tuplesByKey.get(key);
            if (ids == null || ids.length < n) {
                ids = ids == null ? new int[2] : Arrays.copyOf(ids, ids.length * 2);
                tuplesByKey.put(key, ids);
            }
            ids[n - 1] = id;
        }
        return id;
    }

    /** Adds a host given by its tuple ids; returns the host's index. */
    public int addHost(int[] tupleIdsOfHost) {
        hosts.add(tupleIdsOfHost);
        return hosts.size() - 1;
    }

    public int tupleCount() {
        return tuples.size();
    }

    public int hostCount() {
        return hosts.size();
    }

    /** Judges every distinct tuple (in parallel) and fans the verdicts out to every host. */
    public Summary evaluateAll() {
        verdicts = new Verdict[tuples.size()][];
        IntStream.range(0, tuples.size()).parallel().forEach(this::judge);
        buildReverseIndex();
        hostAffected = new int[hosts.size()];
        IntStream.range(0, hosts.size()).parallel().forEach(h -> hostAffected[h] = countAffected(hosts.get(h)));
        return summary(tuples.size(), hosts.size());
    }

    /**
     * Re-judges the tuples under the given index keys (those {@link AdvisoryIndex#put} returned) and
     * updates the hosts that have them.
     */
    public Summary reevaluate(Set<String> touchedKeys) {
        if (verdicts == null) {
            throw new IllegalStateException("evaluateAll() first");
        }
        // Each host's count moves by the change in its tuple's verdicts: O(hosts that have the tuple),
        // not O(hosts x packages).
        int judged = 0;
        BitSet changedHosts = new BitSet();
        for (String key : touchedKeys) {
            int[] ids = tuplesByKey.get(key);
            int n = ids == null ? 0 : tuplesByKeyCount.get(key);
            for (int i = 0; i < n; i++) {
                int t = ids[i];
                int before = count(verdicts[t]);
                judge(t);
                judged++;
                int delta = count(verdicts[t]) - before;
                for (int k = tupleHostStart[t]; k < tupleHostStart[t + 1]; k++) {
                    int h = tupleHosts[k];
                    changedHosts.set(h);
                    if (delta != 0) {
                        int was = hostAffected[h];
                        int now = was + delta;
                        hostAffected[h] = now;
                        totalPairs += delta;
                        if (was == 0 && now > 0) {
                            vulnerableHosts++;
                        } else if (was > 0 && now == 0) {
                            vulnerableHosts--;
                        }
                    }
                }
            }
        }
        return new Summary(judged, changedHosts.cardinality(), totalPairs, vulnerableHosts);
    }

    /** The affected verdicts of one tuple (empty when none). */
    public List<Verdict> verdicts(int tuple) {
        Verdict[] v = verdicts == null ? null : verdicts[tuple];
        return v == null ? List.of() : List.of(v);
    }

    /** The number of affected (package, advisory) pairs on a host. */
    public int affectedCount(int host) {
        return hostAffected[host];
    }

    /**
     * What an evaluation did.
     *
     * @param tuplesJudged distinct tuples judged
     * @param hostsUpdated hosts whose findings were recomputed
     * @param affectedPairs affected (host package, advisory) pairs across the fleet after it
     * @param vulnerableHosts hosts with at least one affected package
     */
    public record Summary(int tuplesJudged, int hostsUpdated, long affectedPairs, int vulnerableHosts) {}

    private void judge(int t) {
        List<Verdict> affected = null;
        for (Verdict v : matcher.evaluate(tuples.get(t))) {
            if (v.result().state().isAffected()) {
                if (affected == null) {
                    affected = new ArrayList<>(2);
                }
                affected.add(v);
            }
        }
        verdicts[t] = affected == null ? null : affected.toArray(new Verdict[0]);
    }

    private int countAffected(int[] host) {
        int n = 0;
        for (int t : host) {
            Verdict[] v = verdicts[t];
            if (v != null) {
                n += v.length;
            }
        }
        return n;
    }

    private void buildReverseIndex() {
        int[] counts = new int[tuples.size() + 1];
        for (int[] host : hosts) {
            for (int t : host) {
                counts[t + 1]++;
            }
        }
        for (int i = 0; i < tuples.size(); i++) {
            counts[i + 1] += counts[i];
        }
        tupleHostStart = counts;
        int[] fill = Arrays.copyOf(counts, counts.length);
        tupleHosts = new int[counts[tuples.size()]];
        for (int h = 0; h < hosts.size(); h++) {
            for (int t : hosts.get(h)) {
                tupleHosts[fill[t]++] = h;
            }
        }
    }

    private Summary summary(int judged, int updated) {
        long pairs = 0;
        int vulnerable = 0;
        for (int n : hostAffected) {
            pairs += n;
            if (n > 0) {
                vulnerable++;
            }
        }
        totalPairs = pairs;
        vulnerableHosts = vulnerable;
        return new Summary(judged, updated, pairs, vulnerable);
    }

    private static int count(Verdict[] v) {
        return v == null ? 0 : v.length;
    }
}
