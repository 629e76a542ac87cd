package dev.fixpoint.core.version;

import dev.fixpoint.core.testing.Ci;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Differential testing against the real tools in {@code tools/oracles}: generates hard version pairs
 * with {@code gen_pairs.py} and asks the real implementation for the answer.
 */
final class Oracles {
    private Oracles() {}

    /** One answered pair: {@code expected} is -1, 0, 1 or {@code ERR}. */
    record Answer(String a, String b, String expected) {}

    /** {@code tools/oracles}, found by walking up from the working directory. */
    static Path dir() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path candidate = p.resolve("tools/oracles");
            if (Files.isRegularFile(candidate.resolve("oracle.sh"))) {
                return candidate;
            }
            p = p.getParent();
        }
        throw new IllegalStateException(
                "tools/oracles not found above " + Path.of("").toAbsolutePath());
    }

    /** Skips the test (fails under CI) unless {@code tools/oracles/setup.sh} has run. */
    static void requireReady() {
        Ci.require(
                Files.exists(dir().resolve("build/.ready")),
                "version oracles (run tools/oracles/setup.sh as root on Debian 12)");
    }

    /** Runs {@code gen_pairs.py ECO -n COUNT --seed SEED [--invalid FRACTION]}; returns "A\tB" lines. */
    static List<String> generate(String eco, int count, long seed, double invalidFraction) {
        List<String> cmd = new ArrayList<>(List.of(
                "python3", dir().resolve("gen_pairs.py").toString(), eco, "-n", "" + count, "--seed", "" + seed));
        if (invalidFraction > 0) {
            cmd.addAll(List.of("--invalid", "" + invalidFraction));
        }
        return run(cmd, List.of());
    }

    /** Feeds "A\tB" lines to {@code oracle.sh NAME} and returns its answers, in order. */
    static List<Answer> ask(String oracle, List<String> pairs) {
        List<String> out = run(List.of(dir().resolve("oracle.sh").toString(), oracle), pairs);
        List<Answer> answers = new ArrayList<>(out.size());
        for (String line : out) {
            String[] t = line.split("\t", -1);
            if (t.length < 3) {
                throw new IllegalStateException("oracle " + oracle + " printed a line without 3 columns: " + line);
            }
            answers.add(new Answer(t[0], t[1], t[2]));
        }
        if (answers.size() != pairs.size()) {
            throw new IllegalStateException(
                    "oracle " + oracle + " answered " + answers.size() + " of " + pairs.size() + " pairs");
        }
        return answers;
    }

    private static List<String> run(List<String> cmd, List<String> input) {
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (OutputStream os = p.getOutputStream()) {
                    for (String line : input) {
                        os.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            List<String> lines = new ArrayList<>();
            try (InputStream is = p.getInputStream();
                    BufferedReader r = new BufferedReader(new InputStreamReader(is, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            }
            writer.join();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(cmd + " failed with exit status " + p.exitValue());
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + cmd, e);
        }
    }
}
