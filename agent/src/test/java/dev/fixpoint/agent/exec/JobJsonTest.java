package dev.fixpoint.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.agent.exec.JobRejectedException.Reason;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageTarget;
import dev.fixpoint.core.job.SignedJob;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
                + "\"nonce\":\"0123456789abcdef\",\"signature\":\"c2ln\"}";
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
    void theDocumentedShapeParses() throws Exception {
        SignedJob s = JobJson.parse(ok().getBytes(StandardCharsets.UTF_8));
        assertThat(s.job().packages()).containsExactly(new PackageTarget("openssl", "3.0.13-1~deb12u1", "amd64"));
        assertThat(s.job().expires()).isEqualTo(Instant.parse("2026-11-29T07:00:00Z"));
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
