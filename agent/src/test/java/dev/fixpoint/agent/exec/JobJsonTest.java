package dev.fixpoint.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.agent.exec.JobRejectedException.Reason;
import dev.fixpoint.core.job.HealthCheck;
import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageTarget;
import dev.fixpoint.core.job.SignedJob;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobJsonTest {
    static final Instant NOW = Instant.parse("2026-11-29T05:00:00Z");

    final TestJobs keys = new TestJobs();

    private static String ok() {
        return "{\"id\":\"j1\",\"hostId\":\"host-1\",\"type\":\"INSTALL\","
                + "\"packages\":[{\"name\":\"openssl\",\"version\":\"3.0.13-1~deb12u1\",\"arch\":\"amd64\"}],"
                + "\"notBefore\":\"2026-11-29T05:00:00Z\",\"expires\":\"2026-11-29T07:00:00Z\","
                + "\"nonce\":\"0123456789abcdef\",\"healthChecks\":[{\"kind\":\"TCP_PORT\",\"target\":\"443\"}],"
                + "\"signature\":\"c2ln\"}";
    }

    private static JobRejectedException rejected(String json) {
        try {
            JobJson.parse(json.getBytes(StandardCharsets.UTF_8));
        } catch (JobRejectedException e) {
            return e;
        }
        throw new AssertionError("parsed " + json);
    }

    @Test
    void roundTripKeepsTheSignatureValid() throws Exception {
        SignedJob s = keys.sign(TestJobs.job(
                JobType.ROLLBACK,
                NOW,
                new PackageTarget("openssl", "3.0.11-1~deb12u2", "amd64"),
                new PackageTarget("libssl3", "3.0.11-1~deb12u2", "amd64")));
        SignedJob back = JobJson.parse(JobJson.toBytes(s));
        assertThat(back).isEqualTo(s);
        assertThat(back.verify(keys.server.getPublic())).isTrue();
        assertThat(JobJson.toJson(s).get("type").asText()).isEqualTo("ROLLBACK");
    }

    @Test
    void healthChecksRoundTripUnderTheSignature() throws Exception {
        Job j = TestJobs.job(JobType.INSTALL, NOW, new PackageTarget("nginx", "1.22.1-9", "amd64"));
        List<HealthCheck> checks = List.of(
                new HealthCheck(HealthCheck.Kind.SYSTEMD_UNIT, "nginx.service"),
                new HealthCheck(HealthCheck.Kind.TCP_PORT, "8080"),
                new HealthCheck(HealthCheck.Kind.HTTP_GET, "https://127.0.0.1:8443/healthz"),
                new HealthCheck(HealthCheck.Kind.COMMAND, "nginx-config"));
        SignedJob s = keys.sign(
                new Job(j.id(), j.hostId(), j.type(), j.packages(), j.notBefore(), j.expires(), j.nonce(), checks));
        SignedJob back = JobJson.parse(JobJson.toBytes(s));
        assertThat(back).isEqualTo(s);
        assertThat(back.job().healthChecks()).isEqualTo(checks);
        assertThat(back.verify(keys.server.getPublic())).isTrue();
        assertThat(JobJson.toJson(s).get("healthChecks").get(1).toString())
                .isEqualTo("{\"kind\":\"TCP_PORT\",\"target\":\"8080\"}");

        // A job without checks still carries the field, as an empty list.
        assertThat(JobJson.toJson(keys.sign(j)).get("healthChecks").isArray()).isTrue();
        assertThat(JobJson.toJson(keys.sign(j)).get("healthChecks").size()).isZero();

        // Dropping a check from the wire form breaks the signature: the checks are signed.
        String text = new String(JobJson.toBytes(s), StandardCharsets.UTF_8)
                .replace(",{\"kind\":\"COMMAND\",\"target\":\"nginx-config\"}", "");
        SignedJob fewer = JobJson.parse(text.getBytes(StandardCharsets.UTF_8));
        assertThat(fewer.job().healthChecks()).hasSize(3);
        assertThat(fewer.verify(keys.server.getPublic())).isFalse();
    }

    @Test
    void theDocumentedShapeParses() throws Exception {
        SignedJob s = JobJson.parse(ok().getBytes(StandardCharsets.UTF_8));
        assertThat(s.job().packages()).containsExactly(new PackageTarget("openssl", "3.0.13-1~deb12u1", "amd64"));
        assertThat(s.job().expires()).isEqualTo(Instant.parse("2026-11-29T07:00:00Z"));
        assertThat(s.job().healthChecks()).containsExactly(new HealthCheck(HealthCheck.Kind.TCP_PORT, "443"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // absent, null, not a list
                ",\"healthChecks\":[{\"kind\":\"TCP_PORT\",\"target\":\"443\"}]|",
                "\"healthChecks\":[{\"kind\":\"TCP_PORT\",\"target\":\"443\"}]|\"healthChecks\":null",
                "\"healthChecks\":[{\"kind\":\"TCP_PORT\",\"target\":\"443\"}]|\"healthChecks\":{}",
                "\"healthChecks\":[{\"kind\":\"TCP_PORT\",\"target\":\"443\"}]|\"healthChecks\":\"443\"",
                // elements: exactly {kind, target}, strings, known kinds, valid targets
                "{\"kind\":\"TCP_PORT\",\"target\":\"443\"}|\"TCP_PORT 443\"",
                "{\"kind\":\"TCP_PORT\",\"target\":\"443\"}|{\"kind\":\"TCP_PORT\"}",
                "{\"kind\":\"TCP_PORT\",\"target\":\"443\"}|{\"target\":\"443\"}",
                "{\"kind\":\"TCP_PORT\",\"target\":\"443\"}|{\"kind\":\"TCP_PORT\",\"target\":443}",
                "{\"kind\":\"TCP_PORT\",\"target\":\"443\"}|{\"kind\":\"TCP_PORT\",\"target\":null}",
                "{\"kind\":\"TCP_PORT\",\"target\":\"443\"}|{\"kind\":\"TCP_PORT\",\"target\":\"443\",\"host\":\"10.0.0.1\"}",
                "{\"kind\":\"TCP_PORT\",\"target\":\"443\"}|{\"kind\":\"SHELL\",\"target\":\"true\"}",
                "{\"kind\":\"TCP_PORT\",\"target\":\"443\"}|{\"kind\":\"tcp_port\",\"target\":\"443\"}",
                "{\"kind\":\"TCP_PORT\",\"target\":\"443\"}|{\"kind\":\"TCP_PORT\",\"target\":\"70000\"}",
                "{\"kind\":\"TCP_PORT\",\"target\":\"443\"}|{\"kind\":\"HTTP_GET\",\"target\":\"http://10.0.0.1/\"}",
                "{\"kind\":\"TCP_PORT\",\"target\":\"443\"}|{\"kind\":\"COMMAND\",\"target\":\"/bin/sh -c reboot\"}",
                "{\"kind\":\"TCP_PORT\",\"target\":\"443\"}|{\"kind\":\"TCP_PORT\",\"target\":\"443\"},"
                        + "{\"kind\":\"TCP_PORT\",\"target\":\"443\"}",
            })
    void malformedHealthChecksAreRefused(String edit) {
        String[] fromTo = edit.split("\\|", -1);
        JobRejectedException e = rejected(ok().replace(fromTo[0], fromTo[1]));
        assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        assertThat(e.getMessage()).contains("job j1 refused: malformed");
    }

    @Test
    void moreThanSixteenHealthChecksAreRefused() {
        StringBuilder many = new StringBuilder();
        for (int port = 1; port <= 17; port++) {
            many.append(port == 1 ? "" : ",").append("{\"kind\":\"TCP_PORT\",\"target\":\"" + port + "\"}");
        }
        JobRejectedException e = rejected(ok().replace("{\"kind\":\"TCP_PORT\",\"target\":\"443\"}", many.toString()));
        assertThat(e.getMessage()).contains("more than 16 health checks");
    }

    @Test
    void aRebootCarriesNoHealthChecks() {
        JobRejectedException e = rejected(ok().replace("\"type\":\"INSTALL\"", "\"type\":\"REBOOT\"")
                .replaceFirst("\"packages\":\\[.*?\\]", "\"packages\":[]"));
        assertThat(e.getMessage()).contains("a REBOOT job carries no health checks");
    }

    @Test
    void anUnknownFieldIsRefusedSinceTheSignatureWouldNotCoverIt() {
        JobRejectedException e = rejected(ok().replace("{\"id\"", "{\"command\":\"reboot\",\"id\""));
        assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        assertThat(e.getMessage()).contains("unknown job field \"command\"");
        assertThat(rejected(ok().replace("\"arch\":\"amd64\"", "\"arch\":\"amd64\",\"script\":\"x\""))
                        .getMessage())
                .contains("unknown package field \"script\"");
    }

    @Test
    void aRepeatedFieldIsRefused() {
        assertThat(rejected(ok().replace("{\"id\":\"j1\",", "{\"id\":\"j1\",\"id\":\"j2\","))
                        .getMessage())
                .contains("Duplicate field");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"type\":\"INSTALL\"|\"type\":\"install\"",
                "\"type\":\"INSTALL\"|\"type\":\"SHELL\"",
                "\"type\":\"INSTALL\"|\"type\":1",
                "\"id\":\"j1\"|\"id\":null",
                "\"id\":\"j1\"|\"id\":\"j1;reboot\"",
                "\"id\":\"j1\"|\"id\":\"../../etc\"",
                "\"hostId\":\"host-1\"|\"hostId\":[]",
                "\"nonce\":\"0123456789abcdef\"|\"nonce\":\"short\"",
                "\"notBefore\":\"2026-11-29T05:00:00Z\"|\"notBefore\":\"yesterday\"",
                "\"notBefore\":\"2026-11-29T05:00:00Z\"|\"notBefore\":1764392400",
                "\"expires\":\"2026-11-29T07:00:00Z\"|\"expires\":\"2026-11-29T04:00:00Z\"",
                "\"packages\":[|\"packages\":{\"x\":[",
                "[{\"name\"|[\"openssl\",{\"name\"",
                "\"signature\":\"c2ln\"|\"signature\":null",
                "\"signature\":\"c2ln\"|\"sig\":\"c2ln\"",
            })
    void malformedJobsAreRefusedByName(String edit) {
        String[] fromTo = edit.split("\\|");
        JobRejectedException e = rejected(ok().replace(fromTo[0], fromTo[1]));
        assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        assertThat(e.getMessage()).contains("malformed");
    }

    @Test
    void notJsonOrNotAnObject() {
        assertThat(rejected("reboot").reason()).isEqualTo(Reason.MALFORMED);
        assertThat(rejected("[]").getMessage()).contains("must be a JSON object");
        assertThat(rejected("").reason()).isEqualTo(Reason.MALFORMED);
    }

    @Test
    void messagesDoNotEchoControlCharacters() {
        JobRejectedException e = rejected(ok().replace("{\"id\"", "{\"x\\u001b[31m\":1,\"id\""));
        assertThat(e.getMessage()).doesNotContain("\u001b").contains("x?[31m");
    }
}
