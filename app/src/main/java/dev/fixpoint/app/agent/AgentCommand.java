package dev.fixpoint.app.agent;

import dev.fixpoint.agent.run.Agent;
import dev.fixpoint.agent.run.AgentConfig;
import dev.fixpoint.agent.run.AgentState;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fixpoint agent}: the endpoint agent inside the fixpoint command, the same as the standalone
 * {@code fixpoint-agent.jar} (both call {@link Agent}).
 */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description = {
            "The endpoint agent: enroll this host with a Fixpoint server, then check in periodically.",
            "It reports the package database, os-release and the kernel release, and carries out the jobs the"
                    + " server signed (install, roll back, reboot, refresh the inventory). See docs/agent.md."
        },
        subcommands = {AgentCommand.Enroll.class, AgentCommand.Run.class})
public final class AgentCommand implements Runnable {

    static final String EXIT_HEADING = "%nExit codes:%n";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options shared by both subcommands. */
    static final class Common {
        @Option(
                names = "--state-dir",
                paramLabel = "DIR",
                description = "Where agent.json (mode 0600) and spool/ live; created with mode 0700"
                        + " (default: ${DEFAULT-VALUE}).")
        Path stateDir = AgentState.DEFAULT_DIR;

        @Option(
                names = "--root",
                paramLabel = "DIR",
                description = "The root filesystem to report on: / for this host (default), or a chroot or"
                        + " unpacked image. Pending updates are only asked for when it is /.")
        Path root = Path.of("/");
    }

    @Command(
            name = "enroll",
            mixinStandardHelpOptions = true,
            description = {
                "Register this host with the server using an enrollment token; store the agent's credential and"
                        + " the server's pinned certificate in the state directory.",
                "Without --fingerprint the JDK's CA trust decides and the certificate seen is pinned from then on"
                        + " (its fingerprint is printed)."
            },
            exitCodeListHeading = EXIT_HEADING,
            exitCodeList = {
                "0:enrolled",
                "2:bad input (a malformed --server or --fingerprint, an unreadable --root)",
                "3:the server is unreachable, its certificate is not the pinned one, or it refused the token"
            })
    static final class Enroll implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--server", required = true, paramLabel = "URL", description = "The server's https URL.")
        String server;

        @Option(
                names = "--token",
                required = true,
                paramLabel = "TOKEN",
                description = "An enrollment token (fpe_…) created by an administrator.")
        String token;

        @Option(
                names = "--fingerprint",
                paramLabel = "SHA256",
                description = "The SHA-256 of the server's certificate, as fixpoint server prints it (hex, colons"
                        + " optional, any case). The agent then trusts exactly that certificate.")
        String fingerprint;

        @Option(
                names = "--hostname",
                paramLabel = "NAME",
                description = "The host name to report at enrollment and in every check-in instead of the system's"
                        + " (stored in agent.json), e.g. for several agents on one machine, each with its own"
                        + " --state-dir.")
        String hostname;

        @picocli.CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() {
            return Agent.standard()
                    .withName("fixpoint agent enroll")
                    .enroll(
                            new Agent.EnrollOptions(server, token, fingerprint, common.stateDir, common.root, hostname),
                            spec.commandLine().getOut(),
                            spec.commandLine().getErr());
        }
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = {
                "Check in every interval the server asks for (default 300 s, ±10 %% jitter) and send the full"
                        + " inventory only when the server does not have it. Reports that cannot be delivered wait"
                        + " in spool/ and go out oldest first; failures back off from 5 s to the interval.",
                "Carry out the jobs the server signed with the key pinned at enrollment, one at a time, and report"
                        + " their results.",
                "Stops when the server refuses the agent's credential (401)."
            },
            exitCodeListHeading = EXIT_HEADING,
            exitCodeList = {
                "0:--once: the check-in (and inventory) was delivered",
                "2:bad input (not enrolled: no agent.json in the state directory; an unreadable --root)",
                "3:the server is unreachable or refused (the report stays spooled), or revoked the credential"
            })
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--once",
                description = "One check-in (and the inventory if the server wants it, and the jobs it sends), then"
                        + " exit.")
        boolean once;

        @Option(
                names = "--config",
                paramLabel = "FILE",
                description = "The agent's own configuration: health-check commands, apt options, the reboot command,"
                        + " health-check timing (default: " + AgentConfig.DEFAULT_PATH + "; absent: defaults). It must"
                        + " be writable by its owner only.")
        Path config;

        @picocli.CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() {
            return Agent.standard()
                    .withName("fixpoint agent run")
                    .run(
                            new Agent.RunOptions(common.stateDir, common.root, once, config),
                            spec.commandLine().getOut(),
                            spec.commandLine().getErr());
        }
    }
}
