package dev.fixpoint.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.agent.exec.JobRejectedException.Reason;
import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.PackageTarget;
import dev.fixpoint.core.job.SignedJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobVerifierTest {
    static final Instant NOW = Instant.parse("2026-11-29T05:00:00Z");
    static final PackageTarget OPENSSL = new PackageTarget("openssl", "3.0.13-1~deb12u1", "amd64");

    @TempDir
    Path state;

    TestJobs keys;
    SeenJobs seen;
    JobVerifier verifier;

    @BeforeEach
    void setUp() throws Exception {
        keys = new TestJobs();
        seen = SeenJobs.open(state, 100);
        verifier = verifierAt(NOW);
    }

    private JobVerifier verifierAt(Instant now) {
        return new JobVerifier(
                keys.server.getPublic(),
                TestJobs.HOST,
                PackageFamily.DPKG,
                seen,
                Clock.fixed(now, ZoneOffset.UTC),
                Duration.ofSeconds(60));
    }

    private Reason rejection(JobVerifier v, SignedJob s) {
        try {
            v.verify(s);
        } catch (JobRejectedException e) {
            return e.reason();
        }
        throw new AssertionError("accepted " + s);
    }

    @Test
    void aSignedJobForThisHostInItsWindowIsAcceptedOnceAndRecorded() throws Exception {
        Job job = TestJobs.job(JobType.INSTALL, NOW, OPENSSL);
        VerifiedJob v = verifier.verify(keys.sign(job));
        assertThat(v.job()).isEqualTo(job);
        assertThat(v.family()).isEqualTo(PackageFamily.DPKG);
        assertThat(seen.contains(job.id())).isTrue();
        assertThat(rejection(verifier, keys.sign(job))).isEqualTo(Reason.REPLAYED);
    }

    @Test
    void unsignedTamperedAndForeignSignaturesAreRefusedAndNotRecorded() throws Exception {
        Job job = TestJobs.job(JobType.INSTALL, NOW, OPENSSL);
        SignedJob good = keys.sign(job);
        Job tampered = new Job(
                job.id(), job.hostId(), JobType.ROLLBACK, job.packages(), job.notBefore(), job.expires(), job.nonce());
        Job otherVersion = new Job(
                job.id(),
                job.hostId(),
                job.type(),
                List.of(new PackageTarget("openssl", "3.0.11-1~deb12u2", "amd64")),
                job.notBefore(),
                job.expires(),
                job.nonce());
        byte[] flipped = Base64.getDecoder().decode(good.signature());
        flipped[0] ^= 0x40;
        List<SignedJob> bad = List.of(
                new SignedJob(job, ""),
                new SignedJob(job, "AAAA"),
                new SignedJob(job, Base64.getEncoder().encodeToString(flipped)),
                new SignedJob(tampered, good.signature()),
                new SignedJob(otherVersion, good.signature()),
                SignedJob.sign(
                        job,
                        KeyPairGenerator.getInstance("Ed25519")
                                .generateKeyPair()
                                .getPrivate()));
        for (SignedJob s : bad) {
            assertThat(rejection(verifier, s)).as("%s", s).isEqualTo(Reason.BAD_SIGNATURE);
        }
        assertThat(seen.size()).isZero();
        verifier.verify(good); // the genuine job is still acceptable
    }

    @Test
    void aJobForAnotherHostIsRefused() {
        Job job =
                new Job("j1", "host-2", JobType.INSTALL, List.of(OPENSSL), NOW, NOW.plusSeconds(60), TestJobs.nonce());
        assertThat(rejection(verifier, keys.sign(job))).isEqualTo(Reason.WRONG_HOST);
    }

    @Test
    void theWindowIsEnforcedWithTheAllowedSkew() throws Exception {
        Job future = TestJobs.job("future", JobType.INSTALL, NOW.plusSeconds(61), NOW.plusSeconds(3600), OPENSSL);
        assertThat(rejection(verifier, keys.sign(future))).isEqualTo(Reason.NOT_YET_VALID);
        Job soon = TestJobs.job("soon", JobType.INSTALL, NOW.plusSeconds(60), NOW.plusSeconds(3600), OPENSSL);
        verifier.verify(keys.sign(soon));

        Job expired = TestJobs.job("expired", JobType.INSTALL, NOW.minusSeconds(3600), NOW.minusSeconds(60), OPENSSL);
        assertThat(rejection(verifier, keys.sign(expired))).isEqualTo(Reason.EXPIRED);
        Job justExpired =
                TestJobs.job("just-expired", JobType.INSTALL, NOW.minusSeconds(3600), NOW.minusSeconds(59), OPENSSL);
        verifier.verify(keys.sign(justExpired));
    }

    @Test
    void signedButHostilePackageStringsAreRefused() {
        for (PackageTarget t : List.of(
                new PackageTarget("-oAPT::Update::Pre-Invoke::=sh", "1.0", "amd64"),
                new PackageTarget("openssl;reboot", "1.0", "amd64"),
                new PackageTarget("openssl", "1.0\nreboot", "amd64"),
                new PackageTarget("../../tmp/x", "1.0", "amd64"),
                new PackageTarget("opensѕl", "1.0", "amd64"),
                new PackageTarget("openssl", "1.0", "amd64 all"))) {
            assertThat(rejection(verifier, keys.sign(TestJobs.job(JobType.INSTALL, NOW, t))))
                    .as("%s", t)
                    .isEqualTo(Reason.INVALID);
        }
        assertThat(seen.size()).isZero();
    }

    @Test
    void replaysAreRefusedAfterARestart() throws Exception {
        Job job = TestJobs.job(JobType.INSTALL, NOW, OPENSSL);
        verifier.verify(keys.sign(job));
        SeenJobs reopened = SeenJobs.open(state, 100);
        JobVerifier restarted = new JobVerifier(
                keys.server.getPublic(),
                TestJobs.HOST,
                PackageFamily.DPKG,
                reopened,
                Clock.fixed(NOW.plusSeconds(30), ZoneOffset.UTC),
                Duration.ofSeconds(60));
        assertThat(rejection(restarted, keys.sign(job))).isEqualTo(Reason.REPLAYED);
        // the same id with another nonce is the same job id: still refused
        Job again = new Job(
                job.id(), job.hostId(), job.type(), job.packages(), job.notBefore(), job.expires(), TestJobs.nonce());
        assertThat(rejection(restarted, keys.sign(again))).isEqualTo(Reason.REPLAYED);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(SeenJobs.FILE))))
                .isEqualTo("rw-------");
    }

    @Test
    void theStoreIsBoundedAndForgetsOnlyWhatHasExpired() throws Exception {
        seen = SeenJobs.open(state, 2);
        verifier = verifierAt(NOW);
        verifier.verify(keys.sign(TestJobs.job("a", JobType.INSTALL, NOW, NOW.plusSeconds(10), OPENSSL)));
        verifier.verify(keys.sign(TestJobs.job("b", JobType.INSTALL, NOW, NOW.plusSeconds(3600), OPENSSL)));
        assertThat(rejection(
                        verifier, keys.sign(TestJobs.job("c", JobType.INSTALL, NOW, NOW.plusSeconds(3600), OPENSSL))))
                .isEqualTo(Reason.REPLAY_STORE);
        // once "a" is past expiry plus skew it is forgotten, and its room reused
        JobVerifier later = verifierAt(NOW.plusSeconds(71));
        later.verify(keys.sign(TestJobs.job("c", JobType.INSTALL, NOW, NOW.plusSeconds(3600), OPENSSL)));
        assertThat(seen.contains("a")).isFalse();
        assertThat(seen.contains("b")).isTrue();
        assertThat(SeenJobs.open(state, 2).contains("c")).isTrue();
    }

    @Test
    void aCorruptStoreIsAnErrorNotAnEmptyStore() throws Exception {
        Files.writeString(state.resolve(SeenJobs.FILE), "garbage\n", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> SeenJobs.open(state, 10)).hasMessageContaining("not a seen-jobs store");
        Files.writeString(state.resolve(SeenJobs.FILE), "fixpoint-seen-jobs/1\nj1\tsoon\n", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> SeenJobs.open(state, 10)).hasMessageContaining("line 2");
    }

    @Test
    void anUnwritableStoreRefusesTheJob() throws Exception {
        SeenJobs blocked = SeenJobs.open(state.resolve("sub"), 10); // nothing there yet: an empty store
        Files.writeString(state.resolve("sub"), "x"); // now its directory cannot be created
        JobVerifier v = new JobVerifier(
                keys.server.getPublic(),
                TestJobs.HOST,
                PackageFamily.DPKG,
                blocked,
                Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ZERO);
        Job job = TestJobs.job(JobType.INSTALL, NOW, OPENSSL);
        assertThat(rejection(v, keys.sign(job))).isEqualTo(Reason.REPLAY_STORE);
        assertThat(blocked.contains(job.id())).isFalse();
    }

    @Test
    void onlyEd25519KeysAndSmallSkews() throws Exception {
        var rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic();
        assertThatThrownBy(() -> new JobVerifier(rsa, "h", PackageFamily.DPKG, seen))
                .hasMessageContaining("Ed25519");
        assertThatThrownBy(() -> new JobVerifier(
                        keys.server.getPublic(), "h", PackageFamily.DPKG, seen, Clock.systemUTC(), Duration.ofHours(1)))
                .hasMessageContaining("clock skew");
    }
}
