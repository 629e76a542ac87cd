package dev.fixpoint.agent.exec;

import dev.fixpoint.core.job.InvalidJobException;
import dev.fixpoint.core.job.Job;
import dev.fixpoint.core.job.JobType;
import dev.fixpoint.core.job.PackageFamily;
import dev.fixpoint.core.job.PackageTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The argument lists that install or roll back a job's packages, one per package manager. Each builder
 * checks the job against its family's grammar again (whoever calls it), ends the options with {@code
 * --}, and puts each package in one argument. The result goes to {@link ProcessBuilder} as is: no
 * shell ever sees it.
 */
public final class PackageManagerArgv {
    private PackageManagerArgv() {}

    /** {@code Key=Value} for {@code apt-get -o}: an apt configuration key, a value without blanks. */
    private static final Pattern APT_OPTION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:_.-]*=[\\x21-\\x7e]*");

    /**
     * {@code apt-get install -y -q --no-install-recommends --no-remove -o
     * Dpkg::Options::=--force-confold -o Dpkg::Options::=--force-confdef [--allow-downgrades] [-o
     * option …] -- name[:arch]=version …}, with {@code --allow-downgrades} for ROLLBACK only (an INSTALL
     * never downgrades: apt refuses), and {@code :arch} left out for {@code all} packages.
     *
     * @param aptOptions extra {@code Key=Value} configuration from the agent's own settings (never from
     *     the server), each passed as {@code -o Key=Value}
     */
    public static List<String> apt(String aptGet, Job job, List<String> aptOptions) throws InvalidJobException {
        check(job, PackageFamily.DPKG);
        List<String> argv = new ArrayList<>(List.of(
                aptGet,
                "install",
                "-y",
                "-q",
                "--no-install-recommends",
                "--no-remove",
                "-o",
                "Dpkg::Options::=--force-confold",
                "-o",
                "Dpkg::Options::=--force-confdef"));
        if (job.type() == JobType.ROLLBACK) {
            argv.add("--allow-downgrades");
        }
        for (String o : aptOptions) {
            argv.add("-o");
            argv.add(o);
        }
        argv.add("--");
        for (PackageTarget p : job.packages()) {
            argv.add(p.name() + (p.arch().equals("all") ? "" : ":" + p.arch()) + "=" + p.version());
        }
        return argv;
    }

    /** Checks extra apt options: {@code Key=Value}, printable ASCII without blanks. */
    public static void checkAptOption(String o) {
        if (!APT_OPTION.matcher(o).matches()) {
            throw new IllegalArgumentException("not an apt Key=Value option: \"" + JobJson.printable(o) + "\"");
        }
    }

    /**
     * INSTALL: {@code dnf -y -q --setopt=install_weak_deps=False install -- name-[epoch:]version-release.arch
     * …}; ROLLBACK: the same with {@code downgrade}. dnf reads {@code name-epoch:version-release.arch}
     * as one exact build (NEVRA).
     */
    public static List<String> dnf(Job job) throws InvalidJobException {
        check(job, PackageFamily.RPM);
        List<String> argv = new ArrayList<>(List.of(
                "dnf",
                "-y",
                "-q",
                "--setopt=install_weak_deps=False",
                job.type() == JobType.ROLLBACK ? "downgrade" : "install",
                "--"));
        for (PackageTarget p : job.packages()) {
            argv.add(p.name() + "-" + p.version() + "." + p.arch());
        }
        return argv;
    }

    /**
     * INSTALL and ROLLBACK alike: {@code apk add --quiet --no-progress -- name=version …} (apk moves a
     * package to the version its {@code =} constraint names, up or down). The architecture is not part
     * of an apk dependency: it must be the host's, which the executor checks. Note that apk records the
     * constraint in {@code /etc/apk/world}, pinning the package until a later job changes it.
     */
    public static List<String> apk(Job job) throws InvalidJobException {
        check(job, PackageFamily.APK);
        List<String> argv = new ArrayList<>(List.of("apk", "add", "--quiet", "--no-progress", "--"));
        for (PackageTarget p : job.packages()) {
            argv.add(p.name() + "=" + p.version());
        }
        return argv;
    }

    private static void check(Job job, PackageFamily family) throws InvalidJobException {
        if (!job.type().hasPackages()) {
            throw new InvalidJobException("a " + job.type() + " job has no package-manager command");
        }
        family.check(job);
    }
}
