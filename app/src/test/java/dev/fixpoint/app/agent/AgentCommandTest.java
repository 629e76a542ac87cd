package dev.fixpoint.app.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.agent.testing.FakeRoot;
import dev.fixpoint.agent.testing.FakeServer;
import dev.fixpoint.agent.testing.TestCertificates;
import dev.fixpoint.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fixpoint agent} end to end through the command line, against a real HTTPS server. */
class AgentCommandTest {

    @TempDir
    Path tmp;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    private int fixpoint(String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void enrollThenRunOnce() throws Exception {
        TestCertificates.Cert cert = TestCertificates.generate(tmp, "fixpoint-server", null);
        Path root = FakeRoot.debian(Files.createDirectory(tmp.resolve("root")));
        Path state = tmp.resolve("state");
        try (FakeServer server = FakeServer.start(cert, 0)) {
            int enrolled = fixpoint(
                    "agent",
                    "enroll",
                    "--server",
                    server.url().toString(),
                    "--token",
                    FakeServer.TOKEN,
                    "--fingerprint",
                    cert.sha256(),
                    "--state-dir",
                    state.toString(),
                    "--root",
                    root.toString(),
                    "--hostname",
                    "web-9");
            assertThat(enrolled).as(err.toString()).isZero();
            assertThat(state.resolve("job-key.pub")).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("agent.json"))))
                    .isEqualTo("rw-------");

            Path config = tmp.resolve("agent.conf");
            Files.writeString(config, "health.settle-seconds = 5\n");
            int ran = fixpoint(
                    "agent",
                    "run",
                    "--once",
                    "--config",
                    config.toString(),
                    "--state-dir",
                    state.toString(),
                    "--root",
                    root.toString());
            assertThat(ran).as(err.toString()).isZero();
            assertThat(server.requests("/checkin")
                            .get(0)
                            .json()
                            .path("hostname")
                            .asText())
                    .isEqualTo("web-9");
            assertThat(server.requests())
                    .extracting(FakeServer.Request::path)
                    .containsExactly("/api/v1/agent/enroll", "/api/v1/agent/checkin", "/api/v1/agent/inventory");
            assertThat(out.toString()).contains("inventory delivered: 88 packages");

            server.revoke();
            assertThat(fixpoint("agent", "run", "--once", "--state-dir", state.toString(), "--root", root.toString()))
                    .isEqualTo(Main.EXIT_INTERNAL);
            assertThat(err.toString())
                    .contains("fixpoint agent run: stopped: the server refused this agent's credential");
        }
    }

    @Test
    void badInputIsExitTwoNamingTheInput() {
        assertThat(fixpoint(
                        "agent", "enroll", "--server", "https://fp.example", "--token", "fpe_x", "--fingerprint", "zz"))
                .isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("fixpoint agent enroll: --fingerprint \"zz\" is not a SHA-256 fingerprint");
        assertThat(fixpoint(
                        "agent",
                        "run",
                        "--once",
                        "--state-dir",
                        tmp.resolve("nothing").toString()))
                .isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("this host is not enrolled");
        assertThat(fixpoint("agent", "enroll", "--token", "fpe_x")).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("Missing required option: '--server=URL'");
    }

    @Test
    void helpDescribesEveryOption() {
        assertThat(fixpoint("agent", "enroll", "--help")).isZero();
        assertThat(out.toString())
                .contains("--server=URL", "--token=TOKEN", "--fingerprint=SHA256", "--state-dir=DIR", "--root=DIR")
                .contains("--hostname=NAME")
                .contains("/var/lib/fixpoint-agent")
                .contains("Exit codes:");
        assertThat(fixpoint("agent", "run", "--help")).isZero();
        assertThat(out.toString()).contains("--once", "spool/", "401", "--config=FILE", "/etc/fixpoint/agent.conf");
        assertThat(fixpoint("--help")).isZero();
        assertThat(out.toString()).contains("agent");
    }
}
