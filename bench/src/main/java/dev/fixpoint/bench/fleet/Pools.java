package dev.fixpoint.bench.fleet;

import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.core.advisory.Affected;
import dev.fixpoint.core.advisory.Event;
import dev.fixpoint.core.advisory.Range;
import dev.fixpoint.core.inventory.DpkgStatusParser;
import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.platform.Ecosystem;
import dev.fixpoint.feeds.FeedLoader;
import dev.fixpoint.feeds.Progress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tukaani.xz.XZInputStream;

/** The real package data the synthetic fleet is drawn from (also used by the load generator). */
public record Pools(List<Pkg> debian, List<Pkg> alma, List<Advisory> almaAdvisories) {

    /** A package a host may have, at the pool's (newest) version. */
    public record Pkg(
            Ecosystem ecosystem,
            String name,
            String version,
            String arch,
            String sourceName,
            String sourceVersion,
            boolean fromSecurityArchive,
            boolean base) {}

    public static Pools load(Path data) throws IOException {
        Map<String, Pkg> debian = new LinkedHashMap<>();
        Path packages = data.resolve("debian-archive/bookworm-security/main/binary-amd64/Packages.xz");
        try (InputStream in = new XZInputStream(Files.newInputStream(packages))) {
            for (Pkg p : debianIndex(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                debian.putIfAbsent(p.name() + ":" + p.arch(), p);
            }
        }
        Path status = data.resolve("inventories/debian-12-minbase-debootstrap/var/lib/dpkg/status");
        for (InstalledPackage ip : DebianStatus.read(status, FleetBench.DEBIAN).packages()) {
            Pkg known = debian.get(ip.name() + ":" + ip.arch());
            if (known != null) {
                debian.put(
                        ip.name() + ":" + ip.arch(),
                        new Pkg(
                                known.ecosystem(),
                                known.name(),
                                known.version(),
                                known.arch(),
                                known.sourceName(),
                                known.sourceVersion(),
                                true,
                                true));
                continue;
            }
            debian.putIfAbsent(
                    ip.name() + ":" + ip.arch(),
                    new Pkg(
                            ip.ecosystem(),
                            ip.name(),
                            ip.version(),
                            ip.arch(),
                            ip.sourceName(),
                            ip.sourceVersion(),
                            false,
                            true));
        }

        List<Advisory> alma = AlmaOsv.read(data.resolve("osv/almalinux/almalinux9"));
        Map<String, Pkg> rpm = new LinkedHashMap<>();
        Path ubi = data.resolve("inventories/rhel-ubi9-9.2-spdx-sbom/ubi9-9.2-x86_64.rpm-nevra.tsv");
        for (String line : Files.readAllLines(ubi, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (line.startsWith("#") || f.length < 3) {
                continue;
            }
            rpm.putIfAbsent(f[0], new Pkg(FleetBench.ALMA, f[0], f[1], f[2], f[0], f[1], false, true));
        }
        // Every binary an AlmaLinux 9 advisory fixes, at the highest fixed version (rpm-evr order).
        dev.fixpoint.core.version.VersionScheme evr =
                dev.fixpoint.core.version.VersionSchemes.byName("rpm-evr").orElseThrow();
        for (Advisory a : alma) {
            for (Affected af : a.affected()) {
                for (Range r : af.ranges()) {
                    for (Event e : r.events()) {
                        if (e.kind() == Event.Kind.FIXED) {
                            String name = af.pkg().name();
                            Pkg old = rpm.get(name);
                            if (old == null || newer(evr, e.version(), old.version())) {
                                rpm.put(
                                        name,
                                        new Pkg(
                                                FleetBench.ALMA,
                                                name,
                                                e.version(),
                                                "x86_64",
                                                name,
                                                e.version(),
                                                true,
                                                old != null && old.base()));
                            }
                        }
                    }
                }
            }
        }
        return new Pools(List.copyOf(debian.values()), List.copyOf(rpm.values()), alma);
    }

    private static boolean newer(dev.fixpoint.core.version.VersionScheme s, String a, String b) {
        try {
            return s.compare(a, b) > 0;
        } catch (dev.fixpoint.core.version.InvalidVersionException e) {
            return false;
        }
    }

    /** The stanzas of a Debian {@code Packages} index: name, version, architecture, source. */
    static List<Pkg> debianIndex(Reader reader) throws IOException {
        List<Pkg> out = new ArrayList<>();
        BufferedReader in = new BufferedReader(reader);
        Map<String, String> f = new LinkedHashMap<>();
        for (String line = in.readLine(); ; line = in.readLine()) {
            if (line == null || line.isEmpty()) {
                if (f.containsKey("Package") && f.containsKey("Version")) {
                    String version = f.get("Version");
                    String source = f.getOrDefault("Source", f.get("Package"));
                    String sourceVersion = version;
                    int paren = source.indexOf(" (");
                    if (paren > 0 && source.endsWith(")")) {
                        sourceVersion = source.substring(paren + 2, source.length() - 1);
                        source = source.substring(0, paren);
                    }
                    out.add(new Pkg(
                            FleetBench.DEBIAN,
                            f.get("Package"),
                            version,
                            f.get("Architecture"),
                            source,
                            sourceVersion,
                            true,
                            false));
                }
                f.clear();
                if (line == null) {
                    return out;
                }
                continue;
            }
            if (!Character.isWhitespace(line.charAt(0))) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    f.put(line.substring(0, colon), line.substring(colon + 1).trim());
                }
            }
        }
    }

    /** The product's own readers, so the benchmark exercises what a scan uses. */
    static final class DebianStatus {
        static Inventory read(Path status, Ecosystem eco) throws IOException {
            try (Reader r = Files.newBufferedReader(status, StandardCharsets.UTF_8)) {
                return DpkgStatusParser.parseStatus(r, eco, status.toString());
            }
        }
    }

    static final class AlmaOsv {
        static List<Advisory> read(Path dir) {
            return FeedLoader.load(List.of(dir), Progress.none()).advisories();
        }
    }
}
