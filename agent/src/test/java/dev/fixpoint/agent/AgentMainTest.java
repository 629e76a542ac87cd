package dev.fixpoint.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.agent.run.Agent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone jar's hand-written option parser. */
class AgentMainTest {

    @TempDir
    Path tmp;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    private int run(String... args) {
        return AgentMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Agent.standard());
    }

    @Test
    void helpListsEveryCommandAndOption() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString())
                .contains("enroll --server URL --token TOKEN [--fingerprint SHA256] [--hostname NAME]")
                .contains("run [--config FILE] [--state-dir DIR] [--root DIR] [--once]")
                .contains("/etc/fixpoint/agent.conf")
                .contains("/var/lib/fixpoint-agent")
                .contains("Exit codes");
        assertThat(run("run", "--help")).isZero();
    }

    @Test
    void usageErrorsAreExitTwoAndSayWhat() {
        assertThat(run()).isEqualTo(2);
        assertThat(run("install")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown command \"install\" (expected enroll or run)");
        assertThat(run("enroll", "--server", "https://x")).isEqualTo(2);
        assertThat(err.toString()).contains("enroll needs --token");
        assertThat(run("enroll", "--token")).isEqualTo(2);
        assertThat(err.toString()).contains("--token needs a value");
        assertThat(run("run", "--once=yes")).isEqualTo(2);
        assertThat(run("run", "--root", "/", "--root", "/")).isEqualTo(2);
        assertThat(err.toString()).contains("--root given twice");
        assertThat(run("enroll", "--server", "https://x", "--token", "t", "--once"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("unknown option \"--once\" for enroll");
    }

    @Test
    void optionsReachTheAgent() {
        assertThat(run("run", "--state-dir=" + tmp.resolve("none"), "--root", tmp.toString(), "--once"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("no " + tmp.resolve("none/agent.json") + ": this host is not enrolled");
        assertThat(run("enroll", "--server", "ftp://x", "--token", "t", "--state-dir", tmp.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--server \"ftp://x\" is not an https URL");
        assertThat(run("enroll", "--server", "https://x", "--token", "t", "--hostname", "web 1", "--root", "/"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--hostname \"web 1\": expected a host name");
        // The configuration file is read before anything else: a given one that is missing is named.
        assertThat(run("run", "--config", tmp.resolve("agent.conf").toString(), "--state-dir", tmp.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("configuration " + tmp.resolve("agent.conf") + ": no such file");
        assertThat(run("enroll", "--config", "x", "--server", "https://x", "--token", "t"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("unknown option \"--config\" for enroll");
    }
}
