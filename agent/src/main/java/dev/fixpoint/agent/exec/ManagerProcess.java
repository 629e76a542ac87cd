package dev.fixpoint.agent.exec;

import dev.fixpoint.core.job.JobResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a package manager or one of its read-only queries: an argument list (never a shell), standard
 * input closed, the given environment on top of the agent's, a timeout after which the process and its
 * children are killed, and output kept within bounds however much is written.
 */
final class ManagerProcess {
    private ManagerProcess() {}

    /** Whether {@code root} is the host's own root directory, where no root option is passed. */
    static boolean isHostRoot(Path root) {
        return root.normalize().toString().equals("/");
    }

    static final int OUTPUT_HEAD = 4 * 1024;
    static final int OUTPUT_TAIL = 12 * 1024;

    /** What a package-manager run did. */
    static final class Run {
        /** Whether the process started at all; when not, {@link #failure} says why. */
        boolean started;
        /** Its exit code, or {@link JobResult#NOT_RUN} when it did not end. */
        int exitCode = JobResult.NOT_RUN;
        /** The first and last bytes of its merged standard output and error. */
        String output = "";
        /** Why the run failed regardless of the exit code (not started, timed out, interrupted), or null. */
        String failure;
    }

    /**
     * Runs {@code argv} with standard output and error merged, keeping the first {@value #OUTPUT_HEAD}
     * and the last {@value #OUTPUT_TAIL} bytes.
     *
     * @param name the program's name for messages, e.g. {@code dnf}
     */
    static Run run(List<String> argv, Map<String, String> env, Duration timeout, String name) {
        Run r = new Run();
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            r.failure = "cannot run " + argv.get(0) + ": " + e.getMessage();
            return r;
        }
        r.started = true;
        BoundedOutput out = new BoundedOutput(OUTPUT_HEAD, OUTPUT_TAIL);
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            try {
                out.drain(p.getInputStream());
            } catch (IOException e) {
                // the process ended or was killed; what was read is kept
            }
        });
        try {
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                r.failure = name + " did not finish within " + timeout + " and was killed";
            }
            reader.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            r.failure = "interrupted while " + name + " ran";
        } catch (IOException | ExecutionException | TimeoutException e) {
            // output incomplete; the exit code still tells
        }
        r.exitCode = p.isAlive() ? JobResult.NOT_RUN : p.exitValue();
        r.output = out.text();
        return r;
    }

    /** What a read-only query printed. */
    record Query(int exitCode, String stdout, String stderr) {}

    /**
     * Runs a read-only query whose standard output is parsed: all of it is kept, up to {@code maxStdout}
     * bytes (more is an error, not a truncated answer); of standard error the first and last 2 KiB.
     *
     * @throws IOException when it cannot be started, does not finish in time (it is killed), is
     *     interrupted or writes more than {@code maxStdout} bytes
     */
    static Query query(List<String> argv, Map<String, String> env, Duration timeout, int maxStdout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        Process p = pb.start();
        BoundedOutput err = new BoundedOutput(2048, 2048);
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAtMost(p.getInputStream(), maxStdout));
        CompletableFuture<Void> errReader = CompletableFuture.runAsync(() -> {
            try {
                err.drain(p.getErrorStream());
            } catch (IOException e) {
                // what was read is kept
            }
        });
        try {
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw new IOException(argv.get(0) + " did not finish within " + timeout + " and was killed");
            }
            byte[] stdout = out.get(10, TimeUnit.SECONDS);
            errReader.get(10, TimeUnit.SECONDS);
            if (stdout == null) {
                throw new IOException(argv.get(0) + " wrote more than " + maxStdout + " bytes");
            }
            return new Query(p.exitValue(), new String(stdout, StandardCharsets.UTF_8), err.text());
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + argv.get(0) + " ran", e);
        } catch (ExecutionException | TimeoutException e) {
            kill(p);
            throw new IOException("cannot read the output of " + argv.get(0) + ": " + e, e);
        }
    }

    /** The whole stream if it is at most {@code max} bytes, else null (the rest is read and dropped). */
    private static byte[] readAtMost(InputStream in, int max) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        boolean over = false;
        try (in) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                if (!over && kept.size() + n <= max) {
                    kept.write(buf, 0, n);
                } else {
                    over = true;
                }
            }
        } catch (IOException e) {
            // the process ended or was killed
        }
        return over ? null : kept.toByteArray();
    }

    /**
     * Kills the process and every process it started (its descendants are listed before it dies, since
     * they are no longer its descendants afterwards), then waits a little for it.
     */
    private static void kill(Process p) {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
