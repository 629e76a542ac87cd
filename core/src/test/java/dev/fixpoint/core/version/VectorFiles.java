package dev.fixpoint.core.version;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.params.provider.Arguments;

/** Reads the copied upstream vectors and golden files ({@code src/test/resources/vercmp}). */
final class VectorFiles {
    private VectorFiles() {}

    /**
     * Every line of {@code vercmp/vectors/NAME.tsv} and {@code vercmp/golden/NAME.tsv}, as arguments
     * (file:line, a, b, expected) for a parameterised test; expected is -1, 0, 1 or {@code ERR}.
     */
    static List<Arguments> vectorsAndGolden(String name) {
        List<Arguments> out = new ArrayList<>();
        out.addAll(read("vectors/" + name + ".tsv"));
        out.addAll(read("golden/" + name + ".tsv"));
        return out;
    }

    static List<Arguments> read(String file) {
        String resource = "/vercmp/" + file;
        try (InputStream is = Objects.requireNonNull(
                        VectorFiles.class.getResourceAsStream(resource), "missing test resource " + resource);
                BufferedReader r = new BufferedReader(new InputStreamReader(is, StandardCharsets.UTF_8))) {
            List<Arguments> out = new ArrayList<>();
            int n = 0;
            for (String line; (line = r.readLine()) != null; ) {
                n++;
                if (line.isEmpty()) {
                    continue;
                }
                String[] t = line.split("\t", -1);
                if (t.length != 3) {
                    throw new IllegalStateException(resource + ":" + n + ": expected 3 TAB-separated columns");
                }
                out.add(Arguments.of(file + ":" + n, t[0], t[1], t[2]));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
