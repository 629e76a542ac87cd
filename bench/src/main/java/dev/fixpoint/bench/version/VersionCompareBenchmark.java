package dev.fixpoint.bench.version;

import dev.fixpoint.core.version.InvalidVersionException;
import dev.fixpoint.core.version.Version;
import dev.fixpoint.core.version.VersionScheme;
import dev.fixpoint.core.version.VersionSchemes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Comparisons per second of a version scheme over a file of {@code A<TAB>B} pairs — the same files
 * {@code ../shared/vercmp/bench} feeds libdpkg and librpm, so the figures compare directly (see
 * {@code docs/performance.md}). One JMH operation is one comparison.
 *
 * <p>{@code fromStrings}: {@link VersionScheme#compare(String, String)}, parsing both sides each time
 * (the C benchmarks' "unparsed"). {@code preParsed}: {@link Version#compareTo} on versions parsed in
 * setup (the C "pre-parsed"). Pairs a scheme rejects are left out of both.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class VersionCompareBenchmark {

    @Param({"dpkg"})
    public String scheme;

    /** A TSV file of {@code A<TAB>B} pairs. */
    @Param({"pairs.tsv"})
    public String pairs;

    private String[] a;
    private String[] b;
    private Version[] pa;
    private Version[] pb;
    private VersionScheme s;
    private int i;

    @Setup(Level.Trial)
    public void load() throws IOException {
        s = VersionSchemes.byName(scheme).orElseThrow(() -> new IllegalArgumentException("no scheme " + scheme));
        List<String[]> ok = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(pairs), StandardCharsets.UTF_8)) {
            String[] t = line.split("\t", -1);
            if (t.length < 2) {
                continue;
            }
            try {
                s.parse(t[0]);
                s.parse(t[1]);
                ok.add(t);
            } catch (InvalidVersionException e) {
                // rejected pairs are not timed
            }
        }
        if (ok.isEmpty()) {
            throw new UncheckedIOException(new IOException("no valid " + scheme + " pairs in " + pairs));
        }
        a = new String[ok.size()];
        b = new String[ok.size()];
        pa = new Version[ok.size()];
        pb = new Version[ok.size()];
        for (int k = 0; k < ok.size(); k++) {
            a[k] = ok.get(k)[0];
            b[k] = ok.get(k)[1];
            try {
                pa[k] = s.parse(a[k]);
                pb[k] = s.parse(b[k]);
            } catch (InvalidVersionException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Benchmark
    public int fromStrings() throws InvalidVersionException {
        int k = next();
        return s.compare(a[k], b[k]);
    }

    @Benchmark
    public int preParsed() {
        int k = next();
        return pa[k].compareTo(pb[k]);
    }

    @Benchmark
    public void parseOnly(Blackhole bh) throws InvalidVersionException {
        bh.consume(s.parse(a[next()]));
    }

    private int next() {
        int k = i + 1;
        if (k == a.length) {
            k = 0;
        }
        i = k;
        return k;
    }
}
