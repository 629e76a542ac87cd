package dev.fixpoint.app.feeds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedsCommandTest {

    @TempDir
    Path tmp;

    static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(exit), out.toString(), err.toString()};
    }

    @Test
    void syncBundleAndImportForAnAirGappedSite() throws Exception {
        Path source = tmp.resolve("kev.json");
        Files.writeString(source, "{\"catalogVersion\":\"2026.08.07\",\"count\":0,\"vulnerabilities\":[]}");
        Path store = tmp.resolve("store");
        String[] sync =
                run("feeds", "sync", "--store", store.toString(), "--source", "cisa-kev.json=" + source.toUri());
        assertThat(sync[0]).as(sync[2]).isEqualTo("0");
        assertThat(sync[1]).contains("cisa-kev.json: updated");

        Path bundle = tmp.resolve("feeds.zip");
        assertThat(run("feeds", "bundle", "--store", store.toString(), "-o", bundle.toString())[0])
                .isEqualTo("0");
        Path other = tmp.resolve("other");
        String[] imported = run("feeds", "import", bundle.toString(), "--store", other.toString());
        assertThat(imported[0]).as(imported[2]).isEqualTo("0");
        assertThat(other.resolve("cisa-kev.json")).hasSameTextualContentAs(source);

        Path notABundle = Files.writeString(tmp.resolve("junk.zip"), "junk");
        String[] refused = run("feeds", "import", notABundle.toString(), "--store", other.toString());
        assertThat(refused[0]).isEqualTo(Integer.toString(Main.EXIT_BAD_INPUT));
        assertThat(refused[2]).contains("refused", "the store is unchanged");

        String[] down = run("feeds", "sync", "--store", store.toString(), "--source", "x=http://127.0.0.1:9/none");
        assertThat(down[0]).isEqualTo("1");
        assertThat(down[1]).contains("x: failed (ConnectException");
        String[] bad = run("feeds", "sync", "--store", store.toString(), "--source", "../x=file:///etc/passwd");
        assertThat(bad[0]).isEqualTo(Integer.toString(Main.EXIT_BAD_INPUT));
        assertThat(bad[2]).contains("use letters, digits");
    }
}
