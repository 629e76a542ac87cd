package dev.fixpoint.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fixpoint server} refuses to start with a clear message and exit 2 when it cannot. */
class ServerCommandTest {
    @TempDir
    Path tmp;

    private record Run(int code, String err) {}

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        return new Run(code, err.toString());
    }

    @Test
    void aTakenPortIsNamed() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Run r = run(
                    "server",
                    "--data-dir",
                    tmp.resolve("data").toString(),
                    "--listen",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(taken.getLocalPort()));
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err())
                    .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("--port");
        }
    }

    @Test
    void badConfigurationIsReportedWhole() throws Exception {
        Path conf = tmp.resolve("fixpoint.properties");
        Files.writeString(conf, "listen.port=http\nsession.hours=0\n");
        Run r = run(
                "server",
                "--config",
                conf.toString(),
                "--data-dir",
                tmp.resolve("d").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("listen.port")
                .contains("\"http\" is not a whole number")
                .contains("session.hours");
        assertThat(Files.exists(tmp.resolve("d")))
                .as("nothing is created before the configuration is valid")
                .isFalse();

        Run missing = run("server", "--config", tmp.resolve("nope.properties").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.properties");
    }
}
