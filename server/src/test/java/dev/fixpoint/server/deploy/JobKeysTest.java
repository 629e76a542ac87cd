package dev.fixpoint.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.core.job.HealthCheck;
import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageTarget;
import dev.fixpoint.core.job.SignedJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobKeysTest {
    @TempDir
    Path tmp;

    /** Bouncy Castle signs for speed; the agent verifies with the JDK: the bytes must be the JDK's own. */
    @Test
    void signsExactlyAsTheJdkDoesAndKeepsItsKeyPrivateAcrossRestarts() throws Exception {
        JobKeys keys = JobKeys.loadOrCreate(tmp);
        Instant t = Instant.parse("2026-11-29T05:00:00Z");
        Job job = new Job(
                "job-1",
                "host-1",
                JobType.INSTALL,
                List.of(new PackageTarget("openssl", "3.0.13-1~deb12u1", "amd64")),
                t,
                t.plusSeconds(3600),
                "n0nce-0123456789ab",
                List.of(new HealthCheck(HealthCheck.Kind.TCP_PORT, "443")));
        SignedJob fast = keys.sign(job);
        assertThat(fast).isEqualTo(SignedJob.sign(job, keys.pair().getPrivate()));
        assertThat(fast.verify(keys.pair().getPublic())).isTrue();
        assertThat(keys.publicLine()).startsWith("ed25519 ");
        assertThat(Files.getPosixFilePermissions(tmp.resolve(JobKeys.PRIVATE)))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        JobKeys again = JobKeys.loadOrCreate(tmp);
        assertThat(again.publicLine()).isEqualTo(keys.publicLine());
        assertThat(again.sign(job)).isEqualTo(fast);
    }
}
