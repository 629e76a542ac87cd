package dev.fixpoint.agent.run;

import dev.fixpoint.agent.exec.AptExecutor;
import dev.fixpoint.agent.exec.HealthChecker;
import dev.fixpoint.agent.exec.PackageManagerArgv;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The agent's own configuration file ({@value #DEFAULT_PATH} by default, {@code run --config FILE}):
 * what the host's administrator decides, never the server. It names every program the agent may run
 * for a job besides the package manager, so it must be writable by its owner only.
 *
 * <pre>
 * # comments start a line; blank lines are ignored; one KEY = VALUE per line
 * health.command.nginx-config = /usr/sbin/nginx -t -q     (a COMMAND health check's name → program and arguments)
 * apt.option = Acquire::http::Proxy=http://proxy:3128      (repeatable: apt-get -o Key=Value)
 * reboot.command = /usr/bin/systemctl reboot                (what a REBOOT job runs)
 * health.settle-seconds = 30                                (how long a failing check is retried, 0–3600)
 * health.interval-seconds = 2                               (between two attempts, 1–600)
 * health.timeout-seconds = 30                               (one attempt, 1–3600)
 * </pre>
 *
 * Commands are split on blanks and run as argument lists: no shell, no quoting, no variables; the program
 * is an absolute path. A problem is reported as {@code FILE:LINE: what is wrong}.
 *
 * @param healthCommands the COMMAND health checks' allow-list: name → program and arguments
 * @param aptOptions extra {@code Key=Value} apt configuration for jobs
 * @param rebootCommand what a REBOOT job runs
 * @param healthSettle how long a failing health check is retried
 * @param healthInterval the pause between two attempts
 * @param healthTimeout how long one attempt may take
 */
public record AgentConfig(
        Map<String, List<String>> healthCommands,
        List<String> aptOptions,
        List<String> rebootCommand,
        Duration healthSettle,
        Duration healthInterval,
        Duration healthTimeout) {

    public static final String DEFAULT_PATH = "/etc/fixpoint/agent.conf";
    public static final List<String> DEFAULT_REBOOT = List.of("/usr/bin/systemctl", "reboot");

    static final int MAX_BYTES = 64 * 1024;
    static final int MAX_ARGS = 64;
    static final int MAX_ARG_LENGTH = 4096;

    private static final String COMMAND_PREFIX = "health.command.";
    private static final Pattern COMMAND_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9_.-]*");
    private static final Set<String> SHELL_WORDS = Set.of("&", "&&", ">", ">>", "<", "2>", "2>&1");
    private static final Pattern SHELL_CHARACTERS = Pattern.compile("[\"'`\\\\;|]");
    private static final String KNOWN = "health.command.NAME, apt.option, reboot.command, health.settle-seconds,"
            + " health.interval-seconds, health.timeout-seconds";

    /** A configuration file that cannot be used; the message names the file, the line and the problem. */
    public static final class ConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        ConfigException(String message) {
            super(message, null, false, false);
        }
    }

    public AgentConfig {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        healthCommands.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        healthCommands = Collections.unmodifiableMap(copy);
        aptOptions = List.copyOf(aptOptions);
        rebootCommand = List.copyOf(rebootCommand);
    }

    /** What an absent file means. */
    public static AgentConfig defaults() {
        HealthChecker.Config h = HealthChecker.Config.defaults();
        return new AgentConfig(Map.of(), List.of(), DEFAULT_REBOOT, h.settle(), h.interval(), h.timeout());
    }

    /** The health checker's settings. */
    public HealthChecker.Config healthChecks() {
        return HealthChecker.Config.defaults()
                .withCommands(healthCommands)
                .withSettle(healthSettle, healthInterval)
                .withTimeout(healthTimeout);
    }

    /** The apt executor's settings: the defaults with this file's {@code apt.option}s. */
    public AptExecutor.Config apt() {
        return AptExecutor.Config.defaults().withAptOptions(aptOptions);
    }

    public AgentConfig withRebootCommand(List<String> argv) {
        return new AgentConfig(healthCommands, aptOptions, argv, healthSettle, healthInterval, healthTimeout);
    }

    public AgentConfig withHealthTiming(Duration settle, Duration interval) {
        return new AgentConfig(healthCommands, aptOptions, rebootCommand, settle, interval, healthTimeout);
    }

    /**
     * Reads {@code file}.
     *
     * @param required whether a missing file is an error (one given with {@code --config}) rather than the
     *     defaults (the default path)
     * @throws ConfigException naming the file (and line) and the problem: unreadable, writable by others
     *     than its owner, not UTF-8, or a line that breaks the rules above
     */
    public static AgentConfig load(Path file, boolean required) throws ConfigException {
        PosixFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            if (required) {
                throw new ConfigException(file + ": no such file");
            }
            return defaults();
        } catch (IOException | UnsupportedOperationException e) {
            throw new ConfigException(file + ": cannot read it: " + e.getMessage());
        }
        if (!attrs.isRegularFile()) {
            throw new ConfigException(file + ": not a regular file");
        }
        String writable = othersMayWrite(attrs.permissions());
        if (writable != null) {
            throw new ConfigException(file + ": writable by " + writable + " (mode "
                    + PosixFilePermissions.toString(attrs.permissions())
                    + "); it decides what the agent runs as root, so only its owner may change it (chmod go-w "
                    + file + ")");
        }
        String owner = attrs.owner().getName();
        if (!owner.equals("root") && !owner.equals(System.getProperty("user.name"))) {
            throw new ConfigException(file + ": owned by " + owner
                    + ", neither root nor the agent's user; it decides what the agent runs as root");
        }
        Path dir = file.toAbsolutePath().getParent();
        try {
            PosixFileAttributes d = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            String dirWritable = othersMayWrite(d.permissions());
            if (dirWritable != null && !d.isSymbolicLink()) {
                throw new ConfigException(file + ": its directory " + dir + " is writable by " + dirWritable
                        + ", who could replace the file; keep it in a directory only its owner can change");
            }
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot check its directory: " + e.getMessage());
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read it: " + e.getMessage());
        }
        if (bytes.length > MAX_BYTES) {
            throw new ConfigException(file + ": larger than " + MAX_BYTES + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": not UTF-8 text");
        }
        return parse(text, file.toString());
    }

    private static String othersMayWrite(Set<PosixFilePermission> mode) {
        boolean group = mode.contains(PosixFilePermission.GROUP_WRITE);
        boolean others = mode.contains(PosixFilePermission.OTHERS_WRITE);
        return group && others ? "its group and others" : group ? "its group" : others ? "others" : null;
    }

    /** Parses the text of a configuration file; {@code source} names it in messages. */
    static AgentConfig parse(String text, String source) throws ConfigException {
        AgentConfig d = defaults();
        Map<String, List<String>> commands = new LinkedHashMap<>();
        List<String> aptOptions = new ArrayList<>();
        List<String> reboot = null;
        Duration settle = null;
        Duration interval = null;
        Duration timeout = null;
        Set<String> seen = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String where = source + ":" + (i + 1) + ": ";
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            for (int k = 0; k < line.length(); k++) {
                char c = line.charAt(k);
                if ((c < 0x20 && c != '\t') || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                    throw new ConfigException(where + String.format("control character U+%04X", (int) c));
                }
            }
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq < 0) {
                throw new ConfigException(where + "expected KEY = VALUE, found \"" + printable(l) + "\"");
            }
            String key = l.substring(0, eq).strip();
            String value = l.substring(eq + 1).strip();
            if (!KEY.matcher(key).matches() && !key.startsWith(COMMAND_PREFIX)) {
                throw new ConfigException(where + "\"" + printable(key) + "\" is not a setting (known: " + KNOWN + ")");
            }
            if (value.isEmpty()) {
                throw new ConfigException(where + key + " has no value");
            }
            if (!key.equals("apt.option") && !seen.add(key)) {
                throw new ConfigException(where + key + " is set twice");
            }
            if (key.startsWith(COMMAND_PREFIX)) {
                String name = key.substring(COMMAND_PREFIX.length());
                if (!COMMAND_NAME.matcher(name).matches()) {
                    throw new ConfigException(where + "\"" + name
                            + "\" is not a health-check command name ([a-z0-9][a-z0-9_.-]{0,63}, as jobs name it)");
                }
                commands.put(name, argv(where, key, value));
                continue;
            }
            switch (key) {
                case "apt.option":
                    try {
                        PackageManagerArgv.checkAptOption(value);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(where + "apt.option: " + e.getMessage());
                    }
                    aptOptions.add(value);
                    break;
                case "reboot.command":
                    reboot = argv(where, key, value);
                    break;
                case "health.settle-seconds":
                    settle = seconds(where, key, value, 0, 3600);
                    break;
                case "health.interval-seconds":
                    interval = seconds(where, key, value, 1, 600);
                    break;
                case "health.timeout-seconds":
                    timeout = seconds(where, key, value, 1, 3600);
                    break;
                default:
                    throw new ConfigException(
                            where + "unknown setting \"" + printable(key) + "\" (known: " + KNOWN + ")");
            }
        }
        return new AgentConfig(
                commands,
                aptOptions,
                reboot == null ? d.rebootCommand() : reboot,
                settle == null ? d.healthSettle() : settle,
                interval == null ? d.healthInterval() : interval,
                timeout == null ? d.healthTimeout() : timeout);
    }

    private static List<String> argv(String where, String key, String value) throws ConfigException {
        List<String> argv = List.of(value.split("[ \t]+"));
        if (!argv.get(0).startsWith("/")) {
            throw new ConfigException(where + key + ": the program must be an absolute path, not \""
                    + printable(argv.get(0)) + "\" (no PATH lookup)");
        }
        if (argv.size() > MAX_ARGS) {
            throw new ConfigException(where + key + ": more than " + MAX_ARGS + " words");
        }
        for (String a : argv) {
            if (a.length() > MAX_ARG_LENGTH) {
                throw new ConfigException(where + key + ": a word longer than " + MAX_ARG_LENGTH + " characters");
            }
            if (SHELL_WORDS.contains(a) || SHELL_CHARACTERS.matcher(a).find() || a.startsWith("$")) {
                throw new ConfigException(where + key + ": \"" + printable(a) + "\" looks like shell syntax, but no"
                        + " shell runs the command: it is split on blanks and run as it is (wrap shell logic in a"
                        + " script and name the script)");
            }
        }
        return argv;
    }

    private static Duration seconds(String where, String key, String value, int min, int max) throws ConfigException {
        if (!value.matches("[0-9]{1,6}")) {
            throw new ConfigException(
                    where + key + ": expected a whole number of seconds, found \"" + printable(value) + "\"");
        }
        int n = Integer.parseInt(value);
        if (n < min || n > max) {
            throw new ConfigException(where + key + ": " + n + " is outside " + min + "–" + max);
        }
        return Duration.ofSeconds(n);
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
