package dev.fixpoint.agent;

import dev.fixpoint.agent.run.Agent;
import dev.fixpoint.agent.run.AgentConfig;
import dev.fixpoint.agent.run.AgentState;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The standalone agent, {@code java -jar fixpoint-agent.jar enroll|run …}: the same commands and
 * options as {@code fixpoint agent}, read by a small hand parser so that the jar needs no command-line
 * library.
 */
public final class AgentMain {
    private AgentMain() {}

    static final String USAGE = String.join(
            "\n",
            "Usage: fixpoint-agent enroll --server URL --token TOKEN [--fingerprint SHA256] [--hostname NAME]",
            "                             [--state-dir DIR] [--root DIR]",
            "       fixpoint-agent run [--config FILE] [--state-dir DIR] [--root DIR] [--once]",
            "       fixpoint-agent --help | --version",
            "",
            "enroll  Register this host with a Fixpoint server and store the agent's credential.",
            "  --server URL          the server's https URL",
            "  --token TOKEN         an enrollment token (fpe_…) from the server's admin",
            "  --fingerprint SHA256  the server certificate's SHA-256 (hex, colons optional) to pin;",
            "                        without it the JDK's CA trust decides and the certificate seen is pinned",
            "  --hostname NAME       the host name to report instead of the system's (stored in agent.json)",
            "run     Check in periodically; send the inventory when the server wants it; carry out the jobs",
            "        the server signed.",
            "  --config FILE         the agent's own configuration (default " + AgentConfig.DEFAULT_PATH + ";",
            "                        absent: defaults): health-check commands, apt options, reboot command",
            "  --once                one check-in (and the inventory if wanted, and its jobs), then exit",
            "Common:",
            "  --state-dir DIR       where agent.json and spool/ live (default " + AgentState.DEFAULT_DIR + ")",
            "  --root DIR            the root filesystem to report on (default /)",
            "",
            "Exit codes: 0 done; 2 bad usage or input (the message names it); 3 the server is unreachable,",
            "untrusted or refused (reports stay spooled).",
            "");

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, out, err, Agent.standard()));
    }

    static int run(String[] args, PrintWriter out, PrintWriter err, Agent agent) {
        if (args.length == 0) {
            err.print(USAGE);
            err.flush();
            return Agent.EXIT_BAD_INPUT;
        }
        String command = args[0];
        if (command.equals("--help") || command.equals("-h") || command.equals("help")) {
            out.print(USAGE);
            out.flush();
            return Agent.EXIT_OK;
        }
        if (command.equals("--version")) {
            out.println("fixpoint-agent " + dev.fixpoint.agent.client.ServerClient.agentVersion());
            return Agent.EXIT_OK;
        }
        Set<String> valued;
        Set<String> flags;
        if (command.equals("enroll")) {
            valued = Set.of("--server", "--token", "--fingerprint", "--hostname", "--state-dir", "--root");
            flags = Set.of();
        } else if (command.equals("run")) {
            valued = Set.of("--config", "--state-dir", "--root");
            flags = Set.of("--once");
        } else {
            return usage(err, "unknown command \"" + command + "\" (expected enroll or run)");
        }
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            if (a.equals("--help") || a.equals("-h")) {
                out.print(USAGE);
                out.flush();
                return Agent.EXIT_OK;
            } else if (flags.contains(a) && value == null) {
                opts.put(a, "true");
            } else if (valued.contains(a)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        return usage(err, a + " needs a value");
                    }
                    value = args[++i];
                }
                if (opts.put(a, value) != null) {
                    return usage(err, a + " given twice");
                }
            } else {
                return usage(err, "unknown option \"" + args[i] + "\" for " + command);
            }
        }
        Path stateDir = Path.of(opts.getOrDefault("--state-dir", AgentState.DEFAULT_DIR.toString()));
        Path root = Path.of(opts.getOrDefault("--root", "/"));
        if (command.equals("enroll")) {
            for (String required : List.of("--server", "--token")) {
                if (!opts.containsKey(required)) {
                    return usage(err, "enroll needs " + required);
                }
            }
            return agent.enroll(
                    new Agent.EnrollOptions(
                            opts.get("--server"),
                            opts.get("--token"),
                            opts.get("--fingerprint"),
                            stateDir,
                            root,
                            opts.get("--hostname")),
                    out,
                    err);
        }
        Path config = opts.containsKey("--config") ? Path.of(opts.get("--config")) : null;
        return agent.run(new Agent.RunOptions(stateDir, root, opts.containsKey("--once"), config), out, err);
    }

    private static int usage(PrintWriter err, String message) {
        err.println("fixpoint-agent: " + message);
        err.print(USAGE);
        err.flush();
        return Agent.EXIT_BAD_INPUT;
    }
}
