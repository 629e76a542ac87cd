package dev.fixpoint.app.scan;

import dev.fixpoint.agent.collect.CollectException;
import dev.fixpoint.agent.collect.RootCollector;
import dev.fixpoint.app.UserInputException;
import dev.fixpoint.core.inventory.ApkInstalledParser;
import dev.fixpoint.core.inventory.DpkgStatusParser;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.inventory.InventoryParseException;
import dev.fixpoint.core.inventory.RpmQueryParser;
import dev.fixpoint.core.platform.Ecosystem;
import dev.fixpoint.feeds.FeedFormatException;
import dev.fixpoint.feeds.sbom.SbomReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** What {@code fixpoint scan} reads, and reading it. */
final class ScanInput {

    private ScanInput() {}

    /** The inventory read, and how the report names it. */
    record Loaded(Inventory inventory, String input, String kind) {}

    /** The mutually exclusive input options. */
    static final class Choice {
        @Option(
                names = "--root",
                paramLabel = "DIR",
                description = "A root filesystem: / (this machine), an unpacked image or a chroot.")
        Path root;

        @Option(names = "--dpkg-status", paramLabel = "FILE", description = "A dpkg status file (needs --os).")
        Path dpkgStatus;

        @Option(
                names = "--rpm-list",
                paramLabel = "FILE",
                description = "Output of rpm -qa --qf '%%{NAME}\\t%%{EPOCHNUM}:%%{VERSION}-%%{RELEASE}\\t%%{ARCH}\\n'"
                        + " (needs --os).")
        Path rpmList;

        @Option(names = "--apk-db", paramLabel = "FILE", description = "An apk installed database (needs --os).")
        Path apkDb;

        @Option(names = "--sbom", paramLabel = "FILE", description = "A CycloneDX or SPDX JSON SBOM.")
        Path sbom;

        Loaded load(String os) {
            Ecosystem eco = os == null ? null : ecosystem(os);
            if (dpkgStatus != null) {
                return file(
                        dpkgStatus, "dpkg-status", eco, "--dpkg-status", "Debian:12", DpkgStatusParser::parseStatus);
            }
            if (rpmList != null) {
                return file(rpmList, "rpm-list", eco, "--rpm-list", "AlmaLinux:9", RpmQueryParser::parse);
            }
            if (apkDb != null) {
                return file(apkDb, "apk-db", eco, "--apk-db", "Alpine:v3.18", ApkInstalledParser::parse);
            }
            if (sbom != null) {
                try (InputStream in = open(sbom)) {
                    SbomReader.Result r = SbomReader.read(in, sbom.toString(), eco);
                    return new Loaded(r.inventory(), sbom.toString(), "sbom");
                } catch (FeedFormatException e) {
                    throw new UserInputException(e.getMessage(), e);
                } catch (IOException e) {
                    throw new UserInputException("cannot read " + sbom + ": " + e.getMessage(), e);
                }
            }
            Path dir = root == null ? Path.of("/") : root;
            RootCollector collector = RootCollector.create();
            if (eco != null) {
                collector = collector.withOs(eco);
            }
            try {
                RootCollector.Collected c = collector.collect(dir);
                return new Loaded(c.inventory(), dir.toString(), "root (" + c.database() + ")");
            } catch (CollectException e) {
                throw new UserInputException(e.getMessage(), e);
            }
        }
    }

    @FunctionalInterface
    interface Parser {
        Inventory parse(Reader reader, Ecosystem ecosystem, String source);
    }

    private static Loaded file(Path file, String kind, Ecosystem eco, String option, String example, Parser parser) {
        if (eco == null) {
            throw new UserInputException(option + " needs --os to say which operating system the packages are from"
                    + " (e.g. --os " + example + ")");
        }
        try (Reader r = new InputStreamReader(open(file), StandardCharsets.UTF_8)) {
            return new Loaded(parser.parse(r, eco, file.toString()), file.toString(), kind);
        } catch (InventoryParseException e) {
            throw new UserInputException(e.getMessage(), e);
        } catch (IOException | UncheckedIOException e) {
            throw new UserInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new UserInputException(file + " is a directory, not a file");
        }
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new UserInputException(file + ": no such file");
        }
    }

    /** A known OS ecosystem, or a clear error. */
    static Ecosystem ecosystem(String name) {
        Ecosystem eco;
        try {
            eco = Ecosystem.of(name.strip());
        } catch (RuntimeException e) {
            throw new UserInputException("--os \"" + name + "\": " + e.getMessage());
        }
        if (!eco.family().distribution()
                || eco.release().isEmpty() && !List.of("Wolfi", "Chainguard").contains(eco.base())) {
            throw new UserInputException("unknown operating system \"" + name + "\" for --os: use an OSV ecosystem"
                    + " with its release, e.g. Debian:12, Ubuntu:22.04:LTS, AlmaLinux:9, Rocky Linux:9, Red Hat:9,"
                    + " Alpine:v3.18, SUSE:Linux Enterprise Server 15 SP5");
        }
        return eco;
    }
}
