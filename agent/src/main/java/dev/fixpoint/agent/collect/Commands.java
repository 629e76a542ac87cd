package dev.fixpoint.agent.collect;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the agent's fixed, read-only package-manager queries: an argument list (never shell
 * text), no standard input, a timeout, and the exit codes that mean success.
 */
final class Commands {
    private Commands() {}

    static String run(List<String> argv, Duration timeout, Set<Integer> ok) throws CollectException {
        Process p;
        try {
            p = new ProcessBuilder(argv).start();
        } catch (IOException e) {
            throw new CollectException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
        }
        try {
            p.getOutputStream().close();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new CollectException(String.join(" ", argv) + " did not finish within " + timeout);
            }
            if (!ok.contains(p.exitValue())) {
                String stderr = new String(err.get(), StandardCharsets.UTF_8).strip();
                throw new CollectException(String.join(" ", argv) + " failed (exit " + p.exitValue() + "): " + stderr);
            }
            return new String(out.get(), StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CollectException("interrupted while running " + argv.get(0), e);
        } catch (ExecutionException | IOException e) {
            throw new CollectException("cannot read the output of " + argv.get(0) + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
