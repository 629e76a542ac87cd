package dev.fixpoint.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SignedJobTest {

    private static KeyPair server;
    private static KeyPair other;

    @BeforeAll
    static void keys() throws Exception {
        server = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    @Test
    void theServersSignatureVerifiesWithItsKeyOnly() throws Exception {
        SignedJob s = SignedJob.sign(Jobs.sample(), server.getPrivate());
        assertThat(Base64.getDecoder().decode(s.signature())).hasSize(64);
        assertThat(s.verify(server.getPublic())).isTrue();
        assertThat(s.verify(other.getPublic())).isFalse();
        assertThat(SignedJob.sign(Jobs.sample(), other.getPrivate()).verify(server.getPublic()))
                .isFalse();
    }

    @Test
    void everyFieldIsCovered() throws Exception {
        Job j = Jobs.sample();
        SignedJob s = SignedJob.sign(j, server.getPrivate());
        PackageTarget p = j.packages().get(0);
        List<Job> tampered = List.of(
                new Job("job-2", j.hostId(), j.type(), j.packages(), j.notBefore(), j.expires(), j.nonce()),
                new Job(j.id(), "host-2", j.type(), j.packages(), j.notBefore(), j.expires(), j.nonce()),
                new Job(j.id(), j.hostId(), JobType.ROLLBACK, j.packages(), j.notBefore(), j.expires(), j.nonce()),
                new Job(
                        j.id(),
                        j.hostId(),
                        j.type(),
                        j.packages(),
                        j.notBefore().minusNanos(1),
                        j.expires(),
                        j.nonce()),
                new Job(
                        j.id(),
                        j.hostId(),
                        j.type(),
                        j.packages(),
                        j.notBefore(),
                        j.expires().plusSeconds(1),
                        j.nonce()),
                new Job(j.id(), j.hostId(), j.type(), j.packages(), j.notBefore(), j.expires(), j.nonce() + "x"),
                new Job(
                        j.id(),
                        j.hostId(),
                        j.type(),
                        List.of(new PackageTarget("openssI", p.version(), p.arch())),
                        j.notBefore(),
                        j.expires(),
                        j.nonce()),
                new Job(
                        j.id(),
                        j.hostId(),
                        j.type(),
                        List.of(new PackageTarget(p.name(), "3.0.13-1", p.arch())),
                        j.notBefore(),
                        j.expires(),
                        j.nonce()),
                new Job(
                        j.id(),
                        j.hostId(),
                        j.type(),
                        List.of(new PackageTarget(p.name(), p.version(), "i386")),
                        j.notBefore(),
                        j.expires(),
                        j.nonce()),
                new Job(
                        j.id(),
                        j.hostId(),
                        j.type(),
                        List.of(p, new PackageTarget("libssl3", p.version(), "amd64")),
                        j.notBefore(),
                        j.expires(),
                        j.nonce()));
        for (Job t : tampered) {
            assertThat(new SignedJob(t, s.signature()).verify(server.getPublic()))
                    .as("%s", t)
                    .isFalse();
        }
    }

    @Test
    void malformedSignaturesAreFalseNotErrors() throws Exception {
        Job j = Jobs.sample();
        byte[] sig = Base64.getDecoder()
                .decode(SignedJob.sign(j, server.getPrivate()).signature());
        sig[10] ^= 1;
        for (String bad : List.of(
                "",
                "not base64!",
                Base64.getEncoder().encodeToString(sig),
                Base64.getEncoder().encodeToString(new byte[64]),
                Base64.getEncoder().encodeToString(new byte[63]))) {
            assertThat(new SignedJob(j, bad).verify(server.getPublic())).as(bad).isFalse();
        }
    }

    @Test
    void theEncodingIsUnambiguous() {
        Instant t = Jobs.T0;
        // The same characters split differently between fields must encode differently.
        List<Job> jobs = List.of(
                Jobs.install(new PackageTarget("ab", "1.0", "all")),
                Jobs.install(new PackageTarget("a", "b1.0", "all")),
                Jobs.install(new PackageTarget("ab", "1.0a", "ll")),
                Jobs.install(new PackageTarget("ab", "1.0", "all"), new PackageTarget("c", "1", "all")),
                Jobs.install(new PackageTarget("ab", "1.0", "all"), new PackageTarget("c", "1", "al")),
                new Job(
                        "job-1",
                        "host-1",
                        JobType.INSTALL,
                        List.of(new PackageTarget("ab", "1.0", "all")),
                        t,
                        t.plusSeconds(3601),
                        "n0nce-0123456789ab"),
                new Job(
                        "job-1",
                        "host-1",
                        JobType.INSTALL,
                        List.of(new PackageTarget("ab", "1.0", "all")),
                        t.plusNanos(1),
                        t.plusSeconds(3600),
                        "n0nce-0123456789ab"));
        Set<String> seen = new HashSet<>();
        for (Job j : jobs) {
            assertThat(seen.add(Base64.getEncoder().encodeToString(JobEncoding.canonical(j))))
                    .isTrue();
        }
    }

    @Test
    void theEncodingStartsWithItsDomainAndIsStable() {
        byte[] b = JobEncoding.canonical(Jobs.sample());
        assertThat(new String(b, 4, 14, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("fixpoint-job/2");
        assertThat(b).isEqualTo(JobEncoding.canonical(Jobs.sample()));
        assertThat(java.util.HexFormat.of().formatHex(b, 0, 4)).isEqualTo("0000000e");
    }

    /** A fixed vector (recomputed independently from the spec in docs/jobs.md): changing the encoding breaks every signature in flight, so it must be deliberate. */
    @Test
    void theEncodingOfTheSampleJobIsFixed() throws Exception {
        byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(JobEncoding.canonical(Jobs.sample()));
        assertThat(java.util.HexFormat.of().formatHex(sha))
                .isEqualTo("01d57fee7a0cbce6af7c4c2cd5c5bee9ee66645e0aad9e71735370e9ab8e0dad");
    }

    @Test
    void theEncodingOfAJobWithHealthChecksIsFixed() throws Exception {
        Job s = Jobs.sample();
        Job j = new Job(
                s.id(),
                s.hostId(),
                s.type(),
                s.packages(),
                s.notBefore(),
                s.expires(),
                s.nonce(),
                java.util.List.of(
                        new HealthCheck(HealthCheck.Kind.COMMAND, "app-check"),
                        new HealthCheck(HealthCheck.Kind.TCP_PORT, "8080")));
        byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(JobEncoding.canonical(j));
        assertThat(java.util.HexFormat.of().formatHex(sha))
                .isEqualTo("22ec02bf066be09bc332f2d479e91f2afb20956e3d2f53a7958805fd372cc84b");
    }
}
