package dev.fixpoint.agent.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.agent.exec.HealthChecker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentConfigTest {

    @TempDir
    Path dir;

    private Path write(String text, String mode) throws Exception {
        Path f = dir.resolve("agent.conf");
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    private static String problem(String text) {
        try {
            AgentConfig.parse(text, "agent.conf");
        } catch (AgentConfig.ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + text);
    }

    @Test
    void aFullFile() throws Exception {
        AgentConfig c = AgentConfig.load(
                write(
                        String.join(
                                "\n",
                                "# Fixpoint agent",
                                "",
                                "health.command.nginx-config = /usr/sbin/nginx -t -q",
                                "  health.command.app.ready=/usr/local/bin/ready\t--port 8080  ",
                                "apt.option = Acquire::http::Proxy=http://proxy.example:3128",
                                "apt.option = Dpkg::Lock::Timeout=0",
                                "reboot.command = /sbin/shutdown -r +1",
                                "health.settle-seconds = 0",
                                "health.interval-seconds = 1",
                                "health.timeout-seconds = 5",
                                ""),
                        "rw-r--r--"),
                true);
        assertThat(c.healthCommands())
                .containsExactly(
                        Map.entry("nginx-config", List.of("/usr/sbin/nginx", "-t", "-q")),
                        Map.entry("app.ready", List.of("/usr/local/bin/ready", "--port", "8080")));
        assertThat(c.aptOptions())
                .containsExactly("Acquire::http::Proxy=http://proxy.example:3128", "Dpkg::Lock::Timeout=0");
        assertThat(c.rebootCommand()).containsExactly("/sbin/shutdown", "-r", "+1");
        HealthChecker.Config h = c.healthChecks();
        assertThat(h.settle()).isZero();
        assertThat(h.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(h.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(h.commands()).isEqualTo(c.healthCommands());
        assertThat(c.apt().aptOptions()).isEqualTo(c.aptOptions());
    }

    @Test
    void anAbsentDefaultFileIsTheDefaultsAnAbsentGivenFileAnError() throws Exception {
        AgentConfig d = AgentConfig.load(dir.resolve("none.conf"), false);
        assertThat(d).isEqualTo(AgentConfig.defaults());
        assertThat(d.rebootCommand()).containsExactly("/usr/bin/systemctl", "reboot");
        assertThat(d.healthSettle()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.healthInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(d.healthCommands()).isEmpty();
        assertThatThrownBy(() -> AgentConfig.load(dir.resolve("none.conf"), true))
                .hasMessage(dir.resolve("none.conf") + ": no such file");
        // An empty file or one of comments only is the defaults too.
        assertThat(AgentConfig.load(write("# nothing yet\n\n", "rw-------"), true))
                .isEqualTo(AgentConfig.defaults());
    }

    @Test
    void aFileOthersCanChangeIsRefused() throws Exception {
        assertThatThrownBy(() -> AgentConfig.load(write("", "rw-rw-r--"), true))
                .hasMessageContaining("agent.conf: writable by its group (mode rw-rw-r--)")
                .hasMessageContaining("chmod go-w");
        assertThatThrownBy(() -> AgentConfig.load(write("", "rw-r--rw-"), true))
                .hasMessageContaining("writable by others");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        try {
            assertThatThrownBy(() -> AgentConfig.load(write("", "rw-------"), true))
                    .hasMessageContaining("its directory " + dir + " is writable by its group and others");
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        Files.createDirectory(dir.resolve("sub"));
        assertThatThrownBy(() -> AgentConfig.load(dir.resolve("sub"), true))
                .hasMessageEndingWith(": not a regular file");
    }

    @Test
    void notUtf8OrTooLarge() throws Exception {
        Path f = dir.resolve("agent.conf");
        Files.write(f, "reboot.command = /sbin/reb\u00f6ot".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> AgentConfig.load(f, true)).hasMessage(f + ": not UTF-8 text");
        Files.writeString(f, "#".repeat(AgentConfig.MAX_BYTES + 1));
        assertThatThrownBy(() -> AgentConfig.load(f, true)).hasMessage(f + ": larger than 65536 bytes");
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = " => ",
            textBlock =
                    """
            reboot.command /usr/bin/systemctl reboot => agent.conf:1: expected KEY = VALUE
            reboot.command = => agent.conf:1: reboot.command has no value
            reboot.command = systemctl reboot => the program must be an absolute path, not "systemctl"
            reboot.command = /bin/sh -c "reboot now" => looks like shell syntax, but no shell runs the command
            health.command.x = /bin/check | tee /tmp/log => "|" looks like shell syntax
            health.command.x = /bin/check; rm -rf / => "/bin/check;" looks like shell syntax
            health.command.x = /bin/check && reboot => "&&" looks like shell syntax
            health.command.x = /bin/check $HOME => "$HOME" looks like shell syntax
            health.command.x = /bin/echo `id` => looks like shell syntax
            health.command.X = /bin/true => "X" is not a health-check command name
            health.command. = /bin/true => "" is not a health-check command name
            health.command.../../x = /bin/true => is not a health-check command name
            apt.option = APT::Get::Assume-Yes=true extra => apt.option: not an apt Key=Value option
            apt.option = -oDpkg::Pre-Invoke::=/bin/sh => apt.option: not an apt Key=Value option
            apt.option = Dpkg::Pre-Invoke => apt.option: not an apt Key=Value option
            health.settle-seconds = 1e3 => expected a whole number of seconds, found "1e3"
            health.settle-seconds = -1 => expected a whole number of seconds
            health.settle-seconds = 3601 => 3601 is outside 0–3600
            health.interval-seconds = 0 => 0 is outside 1–600
            health.timeout-seconds = 99999999 => expected a whole number of seconds
            server = https://evil.example => unknown setting "server"
            Health.Settle-Seconds = 1 => "Health.Settle-Seconds" is not a setting
            health.commands.x = /bin/true => unknown setting "health.commands.x"
            """)
    void hostileOrMistakenLinesAreRefusedByFileLineAndProblem(String line, String expected) {
        assertThat(problem("# first line\n" + line.strip() + "\n"))
                .startsWith("agent.conf:2: ")
                .contains(expected.replace("agent.conf:1: ", ""));
    }

    @Test
    void controlCharactersAndRepeatsAreRefused() {
        assertThat(problem("reboot.command = /sbin/reboot\u0000now"))
                .isEqualTo("agent.conf:1: control character U+0000");
        assertThat(problem("health.command.x = /bin/true\u001b[2J")).contains("control character U+001B");
        assertThat(problem("health.command.x = /bin/true\u2028/bin/false")).contains("control character U+2028");
        assertThat(problem("reboot.command = /a\nreboot.command = /b"))
                .isEqualTo("agent.conf:2: reboot.command is set twice");
        assertThat(problem("health.command.x = /a\nhealth.command.x = /b"))
                .isEqualTo("agent.conf:2: health.command.x is set twice");
        assertThat(problem("health.command.x = /bin/" + "a".repeat(5000))).contains("a word longer than 4096");
        assertThat(problem("health.command.x = /bin/true" + " a".repeat(64))).contains("more than 64 words");
    }

    @Test
    void windowsLineEndingsAndTabsAreFine() throws Exception {
        AgentConfig c = AgentConfig.parse("health.command.ok\t=\t/bin/true\r\nhealth.settle-seconds = 3\r\n", "f");
        assertThat(c.healthCommands()).containsEntry("ok", List.of("/bin/true"));
        assertThat(c.healthSettle()).isEqualTo(Duration.ofSeconds(3));
    }
}
