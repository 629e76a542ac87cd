package dev.fixpoint.app;

import dev.fixpoint.app.feeds.FeedsCommand;
import dev.fixpoint.app.remote.ApprovalPoliciesCommand;
import dev.fixpoint.app.remote.DeploymentsCommand;
import dev.fixpoint.app.remote.WindowsCommand;
import dev.fixpoint.app.scan.ScanCommand;
import dev.fixpoint.app.version.VersionCommand;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fixpoint} command.
 *
 * <p>Exit codes: 0 success; 1 the scan found what {@code --fail-on} asked to fail on, or the server
 * refused a request of the operator commands (deployments, windows, approval-policies); 2 bad usage or
 * bad input (the message names the input and what is wrong); 3 the server cannot be reached or
 * trusted, or an internal error (a bug: please report it with the stack trace printed). A command's
 * help lists its own.
 */
@Command(
        name = "fixpoint",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Risk-based patch management for fleets of Linux hosts.",
        subcommands = {
            ScanCommand.class,
            FeedsCommand.class,
            dev.fixpoint.app.server.ServerCommand.class,
            dev.fixpoint.app.audit.AuditCommand.class,
            DeploymentsCommand.class,
            WindowsCommand.class,
            ApprovalPoliciesCommand.class,
            VersionCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAIL_ON = 1;
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_INTERNAL = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> environment;
    private final InputStream stdin;

    private Main(Map<String, String> environment, InputStream stdin) {
        this.environment = Map.copyOf(environment);
        this.stdin = stdin;
    }

    public static void main(String[] args) {
        System.exit(run(
                args,
                System.in,
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true),
                System.getenv()));
    }

    /** Runs the command line with the given output streams and returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, System.in, out, err, System.getenv());
    }

    /**
     * Runs the command line with the given standard input, output streams and environment (the
     * variables the commands read, such as {@code FIXPOINT_TOKEN}) and returns the exit code.
     */
    public static int run(
            String[] args, InputStream stdin, PrintWriter out, PrintWriter err, Map<String, String> environment) {
        CommandLine cl = new CommandLine(new Main(environment, stdin));
        cl.addSubcommand(new dev.fixpoint.app.agent.AgentCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(Main::exitCode);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("fixpoint: " + ex.getMessage());
            ex.getCommandLine().usage(err);
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof ExitException) {
                err.println("fixpoint: " + ex.getMessage());
                return ((ExitException) ex).exitCode();
            }
            if (ex instanceof UserInputException) {
                err.println("fixpoint: " + ex.getMessage());
                return EXIT_BAD_INPUT;
            }
            err.println("fixpoint: internal error: " + ex);
            ex.printStackTrace(err);
            return EXIT_INTERNAL;
        });
        return cl.execute(args);
    }

    private static int exitCode(Throwable t) {
        if (t instanceof ExitException) {
            return ((ExitException) t).exitCode();
        }
        return t instanceof UserInputException ? EXIT_BAD_INPUT : EXIT_INTERNAL;
    }

    /** The environment variables the commands see ({@link System#getenv()} unless a caller gave others). */
    public Map<String, String> environment() {
        return environment;
    }

    /** Standard input ({@link System#in} unless a caller gave another). */
    public InputStream stdin() {
        return stdin;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar manifest (or "development" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"fixpoint " + (v == null ? "development build" : v)};
        }
    }
}
