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
}
