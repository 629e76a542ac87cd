package dev.fixpoint.core.job;

import java.time.Instant;
import java.util.List;

/** Sample jobs for the tests. */
final class Jobs {
    private Jobs() {}

    static final Instant T0 = Instant.parse("2026-11-29T05:00:00Z");

    static Job install(PackageTarget... targets) {
        return new Job(
                "job-1", "host-1", JobType.INSTALL, List.of(targets), T0, T0.plusSeconds(3600), "n0nce-0123456789ab");
    }

    static Job sample() {
        return install(new PackageTarget("openssl", "3.0.13-1~deb12u1", "amd64"));
    }
}
