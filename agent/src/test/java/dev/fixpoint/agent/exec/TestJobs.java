package dev.fixpoint.agent.exec;

import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageTarget;
import dev.fixpoint.core.job.SignedJob;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A server job key and signed jobs for the tests. */
final class TestJobs {
    static final String HOST = "host-1";

    final KeyPair server;

    TestJobs() {
        try {
            server = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static Job job(String id, JobType type, Instant notBefore, Instant expires, PackageTarget... targets) {
        return new Job(id, HOST, type, List.of(targets), notBefore, expires, nonce());
    }

    static Job job(JobType type, Instant now, PackageTarget... targets) {
        return job(UUID.randomUUID().toString(), type, now.minusSeconds(5), now.plusSeconds(3600), targets);
    }

    SignedJob sign(Job job) {
        try {
            return SignedJob.sign(job, server.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String nonce() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
