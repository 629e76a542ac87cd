package dev.fixpoint.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.core.job.InvalidJobException;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageTarget;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackageManagerArgvTest {
    static final Instant NOW = Instant.parse("2026-11-29T05:00:00Z");

    @Test
    void aptInstallNeverDowngradesNorRemovesAndKeepsConfigFiles() throws Exception {
        assertThat(PackageManagerArgv.apt(
                        "apt-get",
                        TestJobs.job(
                                JobType.INSTALL,
                                NOW,
                                new PackageTarget("openssl", "3.0.13-1~deb12u1", "amd64"),
                                new PackageTarget("tzdata", "2024a-0+deb12u1", "all")),
                        List.of("Dir::Etc::SourceParts=/dev/null")))
                .containsExactly(
                        "apt-get",
                        "install",
                        "-y",
                        "-q",
                        "--no-install-recommends",
                        "--no-remove",
                        "-o",
                        "Dpkg::Options::=--force-confold",
                        "-o",
                        "Dpkg::Options::=--force-confdef",
                        "-o",
                        "Dir::Etc::SourceParts=/dev/null",
                        "--",
                        "openssl:amd64=3.0.13-1~deb12u1",
                        "tzdata=2024a-0+deb12u1");
    }

    @Test
    void aptRollbackAllowsDowngrades() throws Exception {
        List<String> argv = PackageManagerArgv.apt(
                "/usr/bin/apt-get",
                TestJobs.job(JobType.ROLLBACK, NOW, new PackageTarget("openssl", "1:3.0.11-1~deb12u2", "arm64")),
                List.of());
        assertThat(argv).contains("--allow-downgrades").endsWith("--", "openssl:arm64=1:3.0.11-1~deb12u2");
        assertThat(argv.indexOf("--allow-downgrades")).isLessThan(argv.indexOf("--"));
    }

    @Test
    void dnfNamesExactBuildsAndDowngradesForRollback() throws Exception {
        PackageTarget ssl = new PackageTarget("openssl-libs", "1:3.0.7-27.el9", "x86_64");
        PackageTarget tz = new PackageTarget("tzdata", "2024a-1.el9", "noarch");
        assertThat(PackageManagerArgv.dnf(TestJobs.job(JobType.INSTALL, NOW, ssl, tz)))
                .containsExactly(
                        "dnf",
                        "-y",
                        "-q",
                        "--setopt=install_weak_deps=False",
                        "--setopt=exit_on_lock=True",
                        "install",
                        "--",
                        "openssl-libs-1:3.0.7-27.el9.x86_64",
                        "tzdata-2024a-1.el9.noarch");
        assertThat(PackageManagerArgv.dnf(TestJobs.job(JobType.ROLLBACK, NOW, ssl)))
                .containsExactly(
                        "dnf",
                        "-y",
                        "-q",
                        "--setopt=install_weak_deps=False",
                        "--setopt=exit_on_lock=True",
                        "downgrade",
                        "--",
                        "openssl-libs-1:3.0.7-27.el9.x86_64");
    }

    @Test
    void apkPinsExactVersions() throws Exception {
        assertThat(PackageManagerArgv.apk(TestJobs.job(
                        JobType.ROLLBACK,
                        NOW,
                        new PackageTarget("openssl", "3.1.4-r5", "x86_64"),
                        new PackageTarget("busybox", "1.36.1-r15", "x86_64"))))
                .containsExactly(
                        "apk", "add", "--quiet", "--no-progress", "--", "openssl=3.1.4-r5", "busybox=1.36.1-r15");
    }

    @Test
    void dnfAndApkTakeTheAgentsOwnOptionsBeforeTheCommandsEnd() throws Exception {
        PackageTarget ssl = new PackageTarget("openssl-libs", "1:3.0.7-27.el9", "x86_64");
        assertThat(PackageManagerArgv.dnf(
                        "/usr/bin/dnf5",
                        TestJobs.job(JobType.ROLLBACK, NOW, ssl),
                        List.of("--installroot=/srv/root", "--setopt=reposdir=/etc/fixpoint/repos")))
                .containsExactly(
                        "/usr/bin/dnf5",
                        "-y",
                        "-q",
                        "--setopt=install_weak_deps=False",
                        "--setopt=exit_on_lock=True",
                        "--installroot=/srv/root",
                        "--setopt=reposdir=/etc/fixpoint/repos",
                        "downgrade",
                        "--",
                        "openssl-libs-1:3.0.7-27.el9.x86_64");
        assertThat(PackageManagerArgv.apk(
                        "/sbin/apk",
                        TestJobs.job(JobType.INSTALL, NOW, new PackageTarget("openssl", "3.1.4-r5", "x86_64")),
                        List.of("--root=/srv/alpine", "--no-cache")))
                .containsExactly(
                        "/sbin/apk",
                        "add",
                        "--quiet",
                        "--no-progress",
                        "--root=/srv/alpine",
                        "--no-cache",
                        "--",
                        "openssl=3.1.4-r5");
    }

    @Test
    void extraDnfAndApkOptionsAreSingleLongOptionsAndNeverTheRoot() {
        PackageManagerArgv.checkDnfOption("--setopt=reposdir=/tmp/x");
        PackageManagerArgv.checkDnfOption("--nogpgcheck");
        PackageManagerArgv.checkApkOption("--repositories-file=/etc/fixpoint/repositories");
        for (String bad : List.of(
                "-C",
                "install",
                "--",
                "--setopt=a b",
                "--setopt=a\nb",
                "--Setopt=x",
                "--installroot=/",
                "--installroot",
                "--x=é")) {
            assertThatThrownBy(() -> PackageManagerArgv.checkDnfOption(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        PackageManagerArgv.checkApkOption("--installroot=/x"); // not apk's
        for (String bad : List.of("-p", "--root=/", "--root", "add", "--x y")) {
            assertThatThrownBy(() -> PackageManagerArgv.checkApkOption(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void eachBuilderChecksItsOwnGrammar() {
        PackageTarget deb = new PackageTarget("openssl", "3.0.13-1~deb12u1", "amd64");
        assertThatThrownBy(() -> PackageManagerArgv.dnf(TestJobs.job(JobType.INSTALL, NOW, deb)))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("arch");
        assertThatThrownBy(() -> PackageManagerArgv.apk(TestJobs.job(JobType.INSTALL, NOW, deb)))
                .isInstanceOf(InvalidJobException.class);
        assertThatThrownBy(() -> PackageManagerArgv.apt(
                        "apt-get",
                        TestJobs.job(JobType.INSTALL, NOW, new PackageTarget("-oAPT::Get::Foo=1", "1.0", "amd64")),
                        List.of()))
                .isInstanceOf(InvalidJobException.class);
        assertThatThrownBy(() -> PackageManagerArgv.apt("apt-get", TestJobs.job(JobType.REBOOT, NOW), List.of()))
                .hasMessageContaining("no package-manager command");
    }

    @Test
    void extraAptOptionsAreKeyValueWithoutBlanks() {
        PackageManagerArgv.checkAptOption("Dir::State::Lists=/tmp/x/lists");
        for (String bad : List.of("-o", "--allow-unauthenticated", "Key=a b", "Key=a\nb", "=x", "Key")) {
            assertThatThrownBy(() -> PackageManagerArgv.checkAptOption(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
