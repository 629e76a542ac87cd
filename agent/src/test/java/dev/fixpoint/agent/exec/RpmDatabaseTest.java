package dev.fixpoint.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.core.job.PackageTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading rpm's answer to the executor's query; DnfExecutorRealTest checks it against real rpm. */
class RpmDatabaseTest {
    static final PackageTarget SSL = new PackageTarget("openssl-libs", "1:3.0.7-27.el9", "x86_64");
    static final PackageTarget GLIBC32 = new PackageTarget("glibc", "2.34-83.el9", "i686");
    static final PackageTarget KERNEL = new PackageTarget("kernel", "5.14.0-427.el9", "x86_64");
    static final PackageTarget GONE = new PackageTarget("gone", "1-1", "noarch");

    @Test
    void everyInstalledBuildOfTheNameAndArchitectureWithAZeroEpochLeftOut() throws Exception {
        String out = "openssl-libs\t1\t3.0.7\t24.el9\tx86_64\n"
                + "glibc\t0\t2.34\t83.el9\tx86_64\n"
                + "glibc\t0\t2.34\t83.el9\ti686\n"
                + "kernel\t0\t5.14.0\t284.el9\tx86_64\n"
                + "kernel\t0\t5.14.0\t362.el9\tx86_64\n"
                + "package gone is not installed\n";
        assertThat(RpmDatabase.parse(List.of(SSL, GLIBC32, KERNEL, GONE), 1, out, ""))
                .containsExactly(
                        List.of("1:3.0.7-24.el9"),
                        List.of("2.34-83.el9"),
                        List.of("5.14.0-284.el9", "5.14.0-362.el9"),
                        List.of());
    }

    /** rpm reads an argument as a label: "foo-1.0" also finds package foo at version 1.0, which is not "foo-1.0". */
    @Test
    void onlyLinesOfExactlyTheTargetsNameCount() throws Exception {
        PackageTarget label = new PackageTarget("foo-1.0", "2-1", "noarch");
        assertThat(RpmDatabase.parse(List.of(label), 0, "foo\t0\t1.0\t1\tnoarch\n", ""))
                .containsExactly(List.of());
    }

    @Test
    void anythingElseIsAnErrorNotAnEmptyAnswer() {
        assertThatThrownBy(() -> RpmDatabase.parse(List.of(SSL), 0, "openssl-libs 1:3.0.7-24.el9 x86_64\n", ""))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unexpected line from rpm -q");
        assertThatThrownBy(() -> RpmDatabase.parse(List.of(SSL), 0, "openssl-libs\t(none)\t3\t1\tx86_64\n", ""))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> RpmDatabase.parse(List.of(SSL), 1, "", "rpm: --root: No such file or directory\n"))
                .isInstanceOf(IOException.class)
                .hasMessage("rpm -q exited 1: rpm: --root: No such file or directory");
        assertThatThrownBy(() -> RpmDatabase.parse(
                        List.of(SSL),
                        1,
                        "package openssl-libs is not installed\n",
                        "error: cannot open Packages index\n"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot open Packages index");
    }

    @Test
    void theQueryIsAnArgumentListWithEachNameOnce() {
        RpmDatabase host = new RpmDatabase("rpm", Path.of("/"), Duration.ofSeconds(5));
        assertThat(host.argv(List.of(SSL, GLIBC32, new PackageTarget("glibc", "2.34-83.el9", "x86_64"))))
                .containsExactly("rpm", "-q", "--qf", RpmDatabase.QUERY_FORMAT, "--", "openssl-libs", "glibc");
        assertThat(new RpmDatabase("/bin/rpm", Path.of("/srv/el9"), Duration.ofSeconds(5)).argv(List.of(GONE)))
                .containsExactly(
                        "/bin/rpm", "--root", "/srv/el9", "-q", "--qf", RpmDatabase.QUERY_FORMAT, "--", "gone");
        assertThat(RpmDatabase.QUERY_FORMAT).isEqualTo("%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n");
    }
}
