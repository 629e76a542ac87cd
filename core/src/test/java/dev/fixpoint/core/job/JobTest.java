package dev.fixpoint.core.job;

import static dev.fixpoint.core.job.Jobs.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobTest {

    private static final PackageTarget P = new PackageTarget("openssl", "3.0.13-1~deb12u1", "amd64");

    private static Job job(String id, String host, JobType type, List<PackageTarget> pkgs, String nonce) {
        return new Job(id, host, type, pkgs, T0, T0.plusSeconds(60), nonce);
    }

    @Test
    void aWellFormedJobKeepsAnImmutableCopyOfItsPackages() {
        List<PackageTarget> pkgs = new java.util.ArrayList<>(List.of(P));
        Job j = job("0b6f1c1e-5d0a-4c3b-9a55-1f1f3c2d4e5f", "h", JobType.INSTALL, pkgs, "abcdefghijklmnop");
        pkgs.clear();
        assertThat(j.packages()).containsExactly(P);
        assertThatThrownBy(() -> j.packages().add(P)).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-job", "job 1", "job\n1", "../x", "a/b", "job;rm", "jöb", "j\u0000b"})
    void hostileIdsAreRefused(String id) {
        assertThatThrownBy(() -> job(id, "h", JobType.REBOOT, List.of(), "abcdefghijklmnop"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("id");
        assertThatThrownBy(() -> job("j", id, JobType.REBOOT, List.of(), "abcdefghijklmnop"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hostId");
    }

    @Test
    void idsAreBounded() {
        job("a".repeat(128), "h", JobType.REBOOT, List.of(), "abcdefghijklmnop");
        assertThatThrownBy(() -> job("a".repeat(129), "h", JobType.REBOOT, List.of(), "abcdefghijklmnop"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"short", "abcdefghijklmno=", "abcdefghijklmnop+", "abcdefghijklmnop\n"})
    void noncesAreLongEnoughUrlSafeTokens(String nonce) {
        assertThatThrownBy(() -> job("j", "h", JobType.REBOOT, List.of(), nonce))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nonce");
    }

    @Test
    void theTimeWindowMustBeOpen() {
        assertThatThrownBy(() -> new Job("j", "h", JobType.REBOOT, List.of(), T0, T0, "abcdefghijklmnop"))
                .hasMessageContaining("not before");
    }

    @Test
    void packagesExactlyWhenTheTypeNeedsThem() {
        assertThatThrownBy(() -> job("j", "h", JobType.INSTALL, List.of(), "abcdefghijklmnop"))
                .hasMessageContaining("at least one package");
        assertThatThrownBy(() -> job("j", "h", JobType.ROLLBACK, List.of(), "abcdefghijklmnop"))
                .hasMessageContaining("at least one package");
        assertThatThrownBy(() -> job("j", "h", JobType.REBOOT, List.of(P), "abcdefghijklmnop"))
                .hasMessageContaining("carries no packages");
        assertThatThrownBy(() -> job("j", "h", JobType.REFRESH_INVENTORY, List.of(P), "abcdefghijklmnop"))
                .hasMessageContaining("carries no packages");
    }

    @Test
    void aPackageOnlyOncePerArchitecture() {
        PackageTarget other = new PackageTarget("openssl", "3.0.11-1~deb12u2", "amd64");
        assertThatThrownBy(() -> job("j", "h", JobType.INSTALL, List.of(P, other), "abcdefghijklmnop"))
                .hasMessageContaining("\"openssl:amd64\" twice");
        job(
                "j",
                "h",
                JobType.INSTALL,
                List.of(P, new PackageTarget("openssl", "3.0.13-1~deb12u1", "i386")),
                "abcdefghijklmnop");
    }

    @Test
    void packageCountIsBounded() {
        List<PackageTarget> many = new java.util.ArrayList<>();
        for (int i = 0; i <= Job.MAX_PACKAGES; i++) {
            many.add(new PackageTarget("p" + i, "1.0", "all"));
        }
        assertThatThrownBy(() -> job("j", "h", JobType.INSTALL, many, "abcdefghijklmnop"))
                .hasMessageContaining("at most 1000");
    }
}
