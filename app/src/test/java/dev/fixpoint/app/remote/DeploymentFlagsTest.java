package dev.fixpoint.app.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.app.UserInputException;
import dev.fixpoint.server.deploy.DeploymentSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The short forms of {@code deployments create} and {@code watch}, read without a server. */
class DeploymentFlagsTest {

    @Test
    void ringsTakeEveryGateAndTheLastMayBeTheRest() {
        assertThat(DeploymentFlags.ring("canary:group=0b6c:bake=30:min=0.9:maxfail=1:maxfailratio=.25:concurrency=10"))
                .isEqualTo(new DeploymentSpec.Ring("canary", "0b6c", null, 30, 0.9, 1, 0.25, 10));
        assertThat(DeploymentFlags.ring("early:percent=5%"))
                .isEqualTo(new DeploymentSpec.Ring("early", null, 5.0, null, null, null, null, null));
        assertThat(DeploymentFlags.ring("the rest"))
                .isEqualTo(new DeploymentSpec.Ring("the rest", null, null, null, null, null, null, null));
        DeploymentFlags.checkRings(List.of(DeploymentFlags.ring("a:percent=5"), DeploymentFlags.ring("b")));
        assertThatThrownBy(() -> DeploymentFlags.checkRings(
                        List.of(DeploymentFlags.ring("a"), DeploymentFlags.ring("b:percent=5"))))
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining("only the last ring");
        for (String bad : new String[] {":percent=5", "a:bake", "a:bake=1:bake=2", "a:min=1e3", "a:bake=-"}) {
            assertThatThrownBy(() -> DeploymentFlags.ring(bad))
                    .as(bad)
                    .isInstanceOf(UserInputException.class)
                    .hasMessageStartingWith("--ring \"" + bad + "\"");
        }
    }

    @Test
    void packagesHealthChecksAndReboot() {
        assertThat(DeploymentFlags.pkg("libc6:amd64=2.36-9+deb12u7"))
                .isEqualTo(new DeploymentSpec.Pkg("libc6", "2.36-9+deb12u7", "amd64"));
        assertThat(DeploymentFlags.pkg("openssl=1:3.0.7-27.el9"))
                .isEqualTo(new DeploymentSpec.Pkg("openssl", "1:3.0.7-27.el9", null));
        assertThatThrownBy(() -> DeploymentFlags.pkg("openssl=")).isInstanceOf(UserInputException.class);
        assertThatThrownBy(() -> DeploymentFlags.pkg(":amd64=1")).isInstanceOf(UserInputException.class);

        assertThat(DeploymentFlags.check("systemd:nginx.service"))
                .isEqualTo(new DeploymentSpec.Check("SYSTEMD_UNIT", "nginx.service"));
        assertThat(DeploymentFlags.check("tcp:8080")).isEqualTo(new DeploymentSpec.Check("TCP_PORT", "8080"));
        assertThat(DeploymentFlags.check("http:http://127.0.0.1/health"))
                .isEqualTo(new DeploymentSpec.Check("HTTP_GET", "http://127.0.0.1/health"));
        assertThat(DeploymentFlags.check("command:db-ping")).isEqualTo(new DeploymentSpec.Check("COMMAND", "db-ping"));
        assertThat(DeploymentFlags.check("TCP_PORT:22")).isEqualTo(new DeploymentSpec.Check("TCP_PORT", "22"));
        assertThatThrownBy(() -> DeploymentFlags.check("tcp:")).isInstanceOf(UserInputException.class);

        assertThat(DeploymentFlags.reboot("if-required")).isEqualTo("IF_REQUIRED");
        assertThat(DeploymentFlags.reboot("Always")).isEqualTo("ALWAYS");
    }

    @Test
    void watchTimeouts() {
        assertThat(DeploymentsCommand.Watch.duration("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DeploymentsCommand.Watch.duration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(DeploymentsCommand.Watch.duration("2H")).isEqualTo(Duration.ofHours(2));
        for (String bad : new String[] {"0", "1d", "-5", "PT5M", ""}) {
            assertThatThrownBy(() -> DeploymentsCommand.Watch.duration(bad))
                    .as(bad)
                    .isInstanceOf(UserInputException.class);
        }
    }

    @Test
    void serverUrls() {
        assertThat(Remote.serverUrl("https://fixpoint.example:8443/", "--server"))
                .hasToString("https://fixpoint.example:8443");
        assertThat(Remote.serverUrl("http://127.0.0.1:8080", "--server")).hasToString("http://127.0.0.1:8080");
        assertThat(Remote.serverUrl("http://[::1]:8080", "--server")).hasToString("http://[::1]:8080");
        for (String bad : new String[] {
            "fixpoint.example", "ftp://x", "http://10.0.0.1:8443", "https://u:p@x", "https://x/?q=1", "https://x y"
        }) {
            assertThatThrownBy(() -> Remote.serverUrl(bad, "--server"))
                    .as(bad)
                    .isInstanceOf(UserInputException.class)
                    .hasMessageStartingWith("--server");
        }
    }

    @Test
    void serverTextCannotDriveTheTerminal() {
        assertThat(Text.safe("host\u001b[2J\nname\u202e", 100)).isEqualTo("host?[2J?name?");
        assertThat(Text.safe("x".repeat(100), 10)).hasSize(10).endsWith("…");
    }
}
