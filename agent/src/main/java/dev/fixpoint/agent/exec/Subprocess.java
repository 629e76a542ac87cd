package dev.fixpoint.agent.exec;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a program the agent's own configuration names (a health-check command, {@code systemctl}, the
 * reboot command): an argument list, never shell text; standard input closed; standard output and error
 * merged and kept bounded ({@link BoundedOutput}); killed with its children after a timeout.
 */
public final class Subprocess {
    private Subprocess() {}

    /**
     * How a run ended.
     *
     * @param started whether the program could be started at all
     * @param exitCode its exit code, or {@link dev.fixpoint.core.job.JobResult#NOT_RUN} when it did not
     *     start or did not end
     * @param output the beginning and end of its merged output
     * @param failure why it did not start or did not finish (not started, timed out, interrupted), or
     *     null when it ran to its end
     */
    public record Outcome(boolean started, int exitCode, String output, String failure) {
        /** Ran to its end and exited 0. */
        public boolean succeeded() {
            return started && failure == null && exitCode == 0;
        }

        /** The last non-blank line of the output, made printable and cut at 200 characters; may be empty. */
        public String lastLine() {
            String[] lines = output.strip().split("\n");
            return printable(lines[lines.length - 1], 200);
        }

        /** The first non-blank line of the output, made printable and cut at 200 characters; may be empty. */
        public String firstLine() {
            return printable(output.strip().split("\n")[0], 200);
        }

        /** One line for a person: "exit 0", "exit 1: last line", or the failure. */
        public String describe() {
            if (failure != null) {
                return failure;
            }
            String last = lastLine();
            return "exit " + exitCode + (last.isEmpty() ? "" : ": " + last);
        }
    }

    /**
     * Runs {@code argv} to its end or until {@code timeout}.
     *
     * @param env variables set on top of the agent's environment
     * @param keepBytes how much output to keep: the first and the last {@code keepBytes / 2} bytes
     */
    public static Outcome run(List<String> argv, Duration timeout, Map<String, String> env, int keepBytes) {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Outcome(false, -1, "", "cannot run " + argv.get(0) + ": " + e.getMessage());
        }
        BoundedOutput out = new BoundedOutput(keepBytes / 2, keepBytes - keepBytes / 2);
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            try {
                out.drain(p.getInputStream());
            } catch (IOException e) {
                // the process ended or was killed; what was read is kept
            }
        });
        String failure = null;
        try {
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                failure = argv.get(0) + " did not finish within " + seconds(timeout) + " and was killed";
            }
            reader.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            failure = "interrupted while " + argv.get(0) + " ran";
        } catch (IOException | ExecutionException | TimeoutException e) {
            // output incomplete (a child kept it open); the exit code still tells
        }
        int exit = p.isAlive() || failure != null ? -1 : p.exitValue();
        return new Outcome(true, exit, out.text(), failure);
    }

    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }

    /** Control characters replaced, cut at {@code max} characters: the text came from another program. */
    static String printable(String s, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < max; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ? '?' : c);
        }
        return s.length() > max ? b.append('…').toString() : b.toString();
    }
}
