package dev.fixpoint.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path state;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void oldestFirstAndOnlyTheNewestOfEachKind() throws Exception {
        Spool spool = new Spool(state.resolve("spool"));
        spool.put(Spool.Kind.CHECKIN, b("c1"));
        spool.put(Spool.Kind.INVENTORY, b("i1"));
        spool.put(Spool.Kind.CHECKIN, b("c2"));
        spool.put(Spool.Kind.INVENTORY, b("i2"));
        spool.put(Spool.Kind.CHECKIN, b("c3"));
        assertThat(spool.entries()).hasSize(2);
        assertThat(spool.entries().stream().map(e -> read(spool, e))).containsExactly("i2", "c3");
        spool.remove(spool.oldest().orElseThrow());
        assertThat(spool.entries().stream().map(e -> read(spool, e))).containsExactly("c3");
    }

    @Test
    void filesAreOwnerOnlyAndLeftoversOfACrashAreRemoved() throws Exception {
        Path dir = state.resolve("spool");
        Spool spool = new Spool(dir);
        Spool.Entry e = spool.put(Spool.Kind.CHECKIN, b("{}"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(e.file())))
                .isEqualTo("rw-------");
        Files.writeString(dir.resolve(".0000000000000000002-checkin.json123.tmp"), "half written");
        Files.writeString(dir.resolve("notes.txt"), "not a report");

        Spool restarted = new Spool(dir);
        assertThat(restarted.entries()).containsExactly(e);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(e.file().getFileName().toString(), "notes.txt");
        }
    }

    private static String read(Spool s, Spool.Entry e) {
        try {
            return new String(s.read(e), StandardCharsets.UTF_8);
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Test
    void resultsAreKeptEachUntilDeliveredAndNeverReplaced() throws Exception {
        Spool spool = new Spool(state.resolve("spool"));
        spool.put(Spool.Kind.CHECKIN, b("c1"));
        assertThat(spool.putResult("job-1", b("r1"))).isPresent();
        assertThat(spool.putResult("job-2", b("r2"))).isPresent();
        // A second result for job-1 (say, a forged copy refused as REJECTED) never replaces the first.
        assertThat(spool.putResult("job-1", b("r1-again"))).isEmpty();
        spool.put(Spool.Kind.CHECKIN, b("c2"));
        assertThat(spool.entries().stream().map(e -> read(spool, e))).containsExactly("r1", "r2", "c2");
        assertThat(spool.entries()).extracting(Spool.Entry::jobId).containsExactly("job-1", "job-2", null);
        assertThat(spool.entries().get(0).file().getFileName().toString())
                .isEqualTo("0000000000000000002-result-job-1.json");
        assertThat(spool.hasResult("job-2")).isTrue();
        assertThat(new Spool(state.resolve("spool")).entries()).hasSize(3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> spool.putResult("../x", b("")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aJobTheAgentNeverSawEndIsReportedAfterARestart() throws Exception {
        Path dir = state.resolve("spool");
        Spool spool = new Spool(dir);
        spool.put(Spool.Kind.CHECKIN, b("c1"));
        spool.running("job-1", b("provisional-1"));
        spool.running("job-2", b("provisional-2"));
        assertThat(spool.entries()).hasSize(1); // not delivered while the job runs
        spool.putResult("job-2", b("real-2")); // job-2 ended; the crash came before its marker went

        Spool restarted = new Spool(dir);
        assertThat(restarted.entries().stream().map(e -> read(restarted, e)))
                .containsExactly("c1", "real-2", "provisional-1");
        assertThat(restarted.entries().get(2).jobId()).isEqualTo("job-1");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("running-"));
        }

        restarted.running("job-3", b("provisional-3"));
        restarted.putResult("job-3", b("real-3"));
        restarted.finished("job-3");
        assertThat(new Spool(dir).entries().stream().map(e -> read(restarted, e)))
                .containsExactly("c1", "real-2", "provisional-1", "real-3");
    }
}
