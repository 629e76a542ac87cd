package dev.fixpoint.agent.collect;

import dev.fixpoint.core.inventory.ApkInstalledParser;
import dev.fixpoint.core.inventory.DpkgStatusParser;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.inventory.InventoryParseException;
import dev.fixpoint.core.inventory.OsRelease;
import dev.fixpoint.core.inventory.RpmQueryParser;
import dev.fixpoint.core.platform.Ecosystem;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Collects what a root filesystem has installed: the live system ({@code /}), an unpacked container
 * image or a chroot. Reads {@code etc/os-release} (or {@code usr/lib/os-release}) for the ecosystem,
 * then the first package database present: dpkg ({@code var/lib/dpkg/status} and {@code status.d/}),
 * apk ({@code lib/apk/db/installed}) or rpm (through {@code rpm --root DIR -qa}, because the rpm
 * database is rpm's own SQLite or Berkeley DB format). Paths are resolved inside the root ({@link
 * RootFs}); the only program run is rpm, with an argument list and a timeout.
 */
public final class RootCollector {

    /** What rpm prints per package: the shape {@link RpmQueryParser} reads. */
    static final String RPM_QUERY_FORMAT = "%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\n";

    private static final List<String> RPM_DATABASES = List.of(
            "var/lib/rpm/rpmdb.sqlite",
            "var/lib/rpm/Packages",
            "var/lib/rpm/Packages.db",
            "usr/lib/sysimage/rpm/rpmdb.sqlite",
            "usr/lib/sysimage/rpm/Packages.db");

    private final Ecosystem os;
    private final String rpmCommand;
    private final Duration rpmTimeout;

    private RootCollector(Ecosystem os, String rpmCommand, Duration rpmTimeout) {
        this.os = os;
        this.rpmCommand = rpmCommand;
        this.rpmTimeout = rpmTimeout;
    }

    public static RootCollector create() {
        return new RootCollector(null, "rpm", Duration.ofMinutes(2));
    }

    /** Uses this ecosystem instead of the one os-release names (and when there is no os-release). */
    public RootCollector withOs(Ecosystem ecosystem) {
        return new RootCollector(ecosystem, rpmCommand, rpmTimeout);
    }

    /** The rpm program to run and how long it may take. */
    public RootCollector withRpmCommand(String command, Duration timeout) {
        return new RootCollector(os, command, timeout);
    }

    /**
     * What was collected.
     *
     * @param inventory the packages, with the ecosystem
     * @param database {@code dpkg}, {@code apk} or {@code rpm}
     */
    public record Collected(Inventory inventory, String database) {}

    public Collected collect(Path root) throws CollectException {
        if (!Files.isDirectory(root)) {
            throw new CollectException(root + " is not a directory");
        }
        RootFs fs = new RootFs(root);
        try {
            Ecosystem ecosystem = os != null ? os : ecosystemOf(fs);
            Optional<Path> status = fs.resolve("var/lib/dpkg/status");
            Optional<Path> statusD = fs.resolve("var/lib/dpkg/status.d");
            if (status.isPresent() || statusD.filter(Files::isDirectory).isPresent()) {
                return new Collected(dpkg(fs, status, statusD, ecosystem), "dpkg");
            }
            Optional<Path> apk = fs.resolve("lib/apk/db/installed");
            if (apk.isPresent()) {
                try (Reader r = reader(apk.get())) {
                    return new Collected(
                            ApkInstalledParser.parse(r, ecosystem, apk.get().toString()), "apk");
                }
            }
            for (String db : RPM_DATABASES) {
                if (fs.resolve(db).isPresent()) {
                    return new Collected(rpm(fs, ecosystem, db), "rpm");
                }
            }
            throw new CollectException("no package database found under " + fs.root()
                    + " (looked for var/lib/dpkg/status, lib/apk/db/installed and an rpm database)");
        } catch (IOException e) {
            throw new CollectException("cannot read " + root + ": " + e.getMessage(), e);
        } catch (InventoryParseException e) {
            throw new CollectException(e.getMessage(), e);
        }
    }

    private Ecosystem ecosystemOf(RootFs fs) throws IOException, CollectException {
        Optional<Path> file = fs.resolve("etc/os-release");
        if (file.isEmpty()) {
            file = fs.resolve("usr/lib/os-release");
        }
        if (file.isEmpty()) {
            throw new CollectException("no etc/os-release or usr/lib/os-release under " + fs.root()
                    + ": cannot tell which operating system's advisories apply; name it with --os");
        }
        OsRelease release;
        try (Reader r = reader(file.get())) {
            release = OsRelease.parse(r, file.get().toString());
        }
        OsRelease.Result result = release.ecosystem();
        if (result instanceof OsRelease.Result.Known k) {
            return k.ecosystem();
        }
        throw new CollectException(((OsRelease.Result.Unsupported) result).reason());
    }

    private static Inventory dpkg(RootFs fs, Optional<Path> status, Optional<Path> statusD, Ecosystem eco)
            throws IOException {
        List<Inventory> parts = new ArrayList<>();
        if (status.isPresent()) {
            try (Reader r = reader(status.get())) {
                parts.add(DpkgStatusParser.parseStatus(r, eco, status.get().toString()));
            }
        }
        if (statusD.isPresent() && Files.isDirectory(statusD.get())) {
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(statusD.get())) {
                for (Path p : ds) {
                    if (Files.isRegularFile(p) && !p.getFileName().toString().endsWith(".md5sums")) {
                        files.add(p);
                    }
                }
            }
            files.sort(null);
            for (Path p : files) {
                try (Reader r = reader(p)) {
                    parts.add(DpkgStatusParser.parseStatusD(List.of(r), List.of(p.toString()), eco, p.toString()));
                }
            }
        }
        List<dev.fixpoint.core.inventory.InstalledPackage> all = new ArrayList<>();
        parts.forEach(i -> all.addAll(i.packages()));
        return new Inventory(eco, all, fs.root().toString());
    }

    private Inventory rpm(RootFs fs, Ecosystem eco, String db) throws CollectException {
        List<String> cmd = new ArrayList<>(List.of(rpmCommand));
        if (!fs.root().toString().equals("/")) {
            cmd.addAll(List.of("--root", fs.root().toString()));
        }
        // The database directory as the root's own rpm knows it (Debian's rpm defaults to ~/.rpmdb).
        cmd.addAll(List.of("--dbpath", "/" + db.substring(0, db.lastIndexOf('/'))));
        cmd.addAll(List.of("-qa", "--queryformat", RPM_QUERY_FORMAT));
        if (rpmCommand.contains("/") ? !Files.isExecutable(Path.of(rpmCommand)) : !onPath(rpmCommand)) {
            throw new CollectException("found an rpm database (" + db + ") under " + fs.root()
                    + ", but cannot run \"" + rpmCommand + "\" to read it; install rpm, or list the packages on"
                    + " that system with rpm -qa --qf '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{ARCH}\\n'"
                    + " and scan with --rpm-list");
        }
        String stdout = Commands.run(cmd, rpmTimeout, java.util.Set.of(0));
        return RpmQueryParser.parse(new StringReader(stdout), eco, "rpm -qa in " + fs.root());
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static Reader reader(Path p) throws IOException {
        return new InputStreamReader(Files.newInputStream(p), StandardCharsets.UTF_8);
    }
}
