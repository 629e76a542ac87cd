package dev.fixpoint.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.core.job.HealthCheck.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HealthCheckTest {

    @Test
    void acceptsWhatEachKindNames() {
        assertThat(new HealthCheck(Kind.SYSTEMD_UNIT, "nginx.service").target()).isEqualTo("nginx.service");
        assertThat(new HealthCheck(Kind.SYSTEMD_UNIT, "getty@tty1.service").kind())
                .isEqualTo(Kind.SYSTEMD_UNIT);
        assertThat(new HealthCheck(Kind.TCP_PORT, "8080").port()).isEqualTo(8080);
        assertThat(new HealthCheck(Kind.TCP_PORT, "65535").port()).isEqualTo(65535);
        assertThat(new HealthCheck(Kind.HTTP_GET, "http://127.0.0.1:8080/health?deep=1").target())
                .contains("health");
        assertThat(new HealthCheck(Kind.HTTP_GET, "https://localhost/").kind()).isEqualTo(Kind.HTTP_GET);
        assertThat(new HealthCheck(Kind.HTTP_GET, "http://[::1]:9000/").kind()).isEqualTo(Kind.HTTP_GET);
        assertThat(new HealthCheck(Kind.COMMAND, "app-check").target()).isEqualTo("app-check");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "nginx", "-nginx.service", "a b.service", "x.service;reboot", "../x.service"})
    void refusesBadUnits(String unit) {
        assertThatThrownBy(() -> new HealthCheck(Kind.SYSTEMD_UNIT, unit))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SYSTEMD_UNIT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "65536", "080", "-1", "80 ", "10.0.0.1:80", "99999999999"})
    void refusesBadPorts(String port) {
        assertThatThrownBy(() -> new HealthCheck(Kind.TCP_PORT, port))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port number");
    }

    /** A job must not turn the agent into a probe of other machines or a carrier of credentials. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://10.0.0.1/",
                "http://169.254.169.254/latest/meta-data/",
                "http://example.com/",
                "http://127.0.0.1.evil.com/",
                "http://user:pw@127.0.0.1/",
                "file:///etc/shadow",
                "gopher://127.0.0.1:25/",
                "http://127.0.0.1/\nHost: x",
                "http://127.0.0.1/ x",
                "//127.0.0.1/"
            })
    void refusesUrlsOffThisHost(String url) {
        assertThatThrownBy(() -> new HealthCheck(Kind.HTTP_GET, url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HTTP_GET");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/bin/sh", "rm -rf", "A", "x;y", "-c", "../x"})
    void commandsAreNamesNotCommandLines(String name) {
        assertThatThrownBy(() -> new HealthCheck(Kind.COMMAND, name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allow-list");
    }

    @Test
    void aJobCarriesAtMostSixteenDistinctChecksAndOnlyForPackageJobs() {
        Job s = Jobs.sample();
        HealthCheck c = new HealthCheck(Kind.TCP_PORT, "22");
        assertThatThrownBy(() -> new Job(
                        s.id(),
                        s.hostId(),
                        s.type(),
                        s.packages(),
                        s.notBefore(),
                        s.expires(),
                        s.nonce(),
                        List.of(c, c)))
                .hasMessageContaining("twice");
        List<HealthCheck> many = java.util.stream.IntStream.rangeClosed(1, 17)
                .mapToObj(i -> new HealthCheck(Kind.TCP_PORT, Integer.toString(i)))
                .toList();
        assertThatThrownBy(() -> new Job(
                        s.id(), s.hostId(), s.type(), s.packages(), s.notBefore(), s.expires(), s.nonce(), many))
                .hasMessageContaining("at most 16");
        assertThatThrownBy(() -> new Job(
                        s.id(),
                        s.hostId(),
                        JobType.REBOOT,
                        List.of(),
                        s.notBefore(),
                        s.expires(),
                        s.nonce(),
                        List.of(c)))
                .hasMessageContaining("no health checks");
    }
}
