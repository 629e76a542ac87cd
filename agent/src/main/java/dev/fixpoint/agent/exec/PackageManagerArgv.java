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
     * An option of the agent's own dnf or apk configuration: one long option, {@code --name} or {@code
     * --name=value}, printable ASCII without blanks.
     */
    private static final Pattern LONG_OPTION = Pattern.compile("--[a-z][a-z0-9_-]*(?:=[\\x21-\\x7e]*)?");

    /** {@link #dnf(String, Job, List)} with the program {@code dnf} and no extra options. */
    public static List<String> dnf(Job job) throws InvalidJobException {
        return dnf("dnf", job, List.of());
    }

    /**
     * INSTALL: {@code dnf -y -q --setopt=install_weak_deps=False --setopt=exit_on_lock=True [option …]
     * install -- name-[epoch:]version-release.arch …}; ROLLBACK: the same with {@code downgrade}. dnf reads
     * {@code name-epoch:version-release.arch} as one exact build (NEVRA). {@code exit_on_lock} makes dnf 4
     * fail at once rather than wait while another dnf holds its locks (dnf 5 fails anyway).
     *
     * @param options extra long options from the agent's own settings (never from the server), e.g.
     *     {@code --installroot=…} or {@code --setopt=reposdir=…}, placed before the command
     */
    public static List<String> dnf(String dnf, Job job, List<String> options) throws InvalidJobException {
        check(job, PackageFamily.RPM);
        List<String> argv = new ArrayList<>(
                List.of(dnf, "-y", "-q", "--setopt=install_weak_deps=False", "--setopt=exit_on_lock=True"));
        argv.addAll(options);
        argv.add(job.type() == JobType.ROLLBACK ? "downgrade" : "install");
        argv.add("--");
        for (PackageTarget p : job.packages()) {
            argv.add(p.name() + "-" + p.version() + "." + p.arch());
        }
        return argv;
    }

    /**
     * Checks an extra dnf option of the agent's configuration: one long option without blanks, and not
     * {@code --installroot} (the executor's root directory says that, for rpm as well).
     */
    public static void checkDnfOption(String o) {
        checkLongOption(o, "dnf", "--installroot");
    }

    /** {@link #apk(String, Job, List)} with the program {@code apk} and no extra options. */
    public static List<String> apk(Job job) throws InvalidJobException {
        return apk("apk", job, List.of());
    }

    /**
     * INSTALL and ROLLBACK alike: {@code apk add --quiet --no-progress [option …] -- name=version …} (apk
     * moves a package to the version its {@code =} constraint names, up or down, so the executor checks
     * that an INSTALL would not go down). The architecture is not part of an apk dependency: it must be
     * the host's, which the executor checks. Note that apk records the constraint in {@code
     * /etc/apk/world}, pinning the package until a later job changes it. apk never asks a question here:
     * it is interactive only when standard input, output and error are all terminals.
     *
     * @param options extra long options from the agent's own settings (never from the server), e.g.
     *     {@code --root=…} or {@code --repositories-file=…}
     */
    public static List<String> apk(String apk, Job job, List<String> options) throws InvalidJobException {
        check(job, PackageFamily.APK);
        List<String> argv = new ArrayList<>(List.of(apk, "add", "--quiet", "--no-progress"));
        argv.addAll(options);
        argv.add("--");
        for (PackageTarget p : job.packages()) {
            argv.add(p.name() + "=" + p.version());
        }
        return argv;
    }

    /**
     * Checks an extra apk option of the agent's configuration: one long option without blanks, and not
     * {@code --root} (the executor's root directory says that, for the database it reads as well).
     */
    public static void checkApkOption(String o) {
        checkLongOption(o, "apk", "--root");
    }

    private static void checkLongOption(String o, String program, String reserved) {
        if (!LONG_OPTION.matcher(o).matches()) {
            throw new IllegalArgumentException(
                    "not a " + program + " long option --name[=value]: \"" + JobJson.printable(o) + "\"");
        }
        if (o.equals(reserved) || o.startsWith(reserved + "=")) {
            throw new IllegalArgumentException(
                    reserved + " is the executor's root directory, not an extra " + program + " option");
        }
    }

    private static void check(Job job, PackageFamily family) throws InvalidJobException {
        if (!job.type().changesPackages()) {
            throw new InvalidJobException("a " + job.type() + " job has no package-manager command");
        }
        family.check(job);
    }
}
