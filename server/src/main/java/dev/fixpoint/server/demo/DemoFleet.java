package dev.fixpoint.server.demo;

import dev.fixpoint.core.inventory.ApkInstalledParser;
import dev.fixpoint.core.inventory.DpkgStatusParser;
import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.inventory.PendingUpdate;
import dev.fixpoint.core.inventory.PendingUpdatesParser;
import dev.fixpoint.core.inventory.RpmQueryParser;
import dev.fixpoint.core.matching.AdvisoryIndex;
import dev.fixpoint.core.matching.MatchState;
import dev.fixpoint.core.matching.Matcher;
import dev.fixpoint.core.matching.Verdict;
import dev.fixpoint.core.platform.Ecosystem;
import dev.fixpoint.core.version.InvalidVersionException;
import dev.fixpoint.core.version.VersionScheme;
import dev.fixpoint.core.version.VersionSchemes;
import dev.fixpoint.server.inventory.InventoryStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.jdbi.v3.core.Jdbi;

/**
 * The simulated fleet of {@code fixpoint server --demo}: eight hosts named {@code
 * demo-<os>-<role>-<n>.simulated} and labelled {@code simulated=true}. No such machines exist.
 *
 * <p>What is real: every package list (Debian 12 minbase, the packages of osv-scanner's Ubuntu 22.04
 * test image, Red Hat's UBI 9.2 read as AlmaLinux 9, an Alpine 3.18 apk database; see {@code
 * SOURCES.md} beside the data) and the Debian pending updates ({@code apt-get -s upgrade} on a real
 * Debian 12 machine). What is simulated, deterministically so the fleet is the same every time:
 *
 * <ul>
 *   <li>variation: a {@code -2} host lacks every {@value #DROP_EVERY}th package of its list (by name);
 *       the Debian host labelled {@code patch=behind} has the packages of the real apt listing at the
 *       versions that machine had installed, and that listing as its pending updates;
 *   <li>pending updates of the other {@code patch=behind} hosts ({@link #load}): for each package the
 *       advisories say is affected with a fix, an update to the newest fixed version, as if the
 *       distribution's repository had it (origin marked {@code (simulated)}; apk cannot say whether an
 *       update is a security one, so Alpine's are not flagged);
 *   <li>running kernels, reboot-required state, roles and environments.
 * </ul>
 */
public final class DemoFleet {

    static final Ecosystem DEBIAN_12 = Ecosystem.of("Debian:12");
    static final Ecosystem UBUNTU_2204 = Ecosystem.of("Ubuntu:22.04:LTS");
    static final Ecosystem ALMALINUX_9 = Ecosystem.of("AlmaLinux:9");
    static final Ecosystem ALPINE_318 = Ecosystem.of("Alpine:v3.18");

    /** A {@code -2} host lacks every this-many-th package (sorted by name) of its model. */
    static final int DROP_EVERY = 7;

    private DemoFleet() {}

    /**
     * A demo host as loaded.
     *
     * @param hostId the server's id of the host
     * @param host the host, with the pending updates recorded for it
     * @param ingest what ingesting its inventory did
     * @param pendingFindingsOpened security-update findings opened from its pending updates
     */
    public record Loaded(String hostId, DemoHost host, InventoryStore.Result ingest, int pendingFindingsOpened) {}

    /** The fleet, in a stable order; read from the classpath each call. */
    public static List<DemoHost> hosts() {
        Inventory debian = dpkg("debian-12-minbase.status.gz", DEBIAN_12);
        List<PendingUpdate> apt;
        try (Reader r = reader("debian-12-apt-get-s-upgrade.txt")) {
            apt = PendingUpdatesParser.apt(r, "apt-get -s upgrade");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Inventory ubuntu = ubuntuImage("ubuntu-22.04-image.osv-query-results.tsv");
        Inventory alma;
        try (Reader r = reader("ubi9-9.2-x86_64.rpm-nevra.tsv")) {
            alma = RpmQueryParser.parse(r, ALMALINUX_9, "demo: UBI 9.2 packages as AlmaLinux 9");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Inventory alpine;
        try (Reader r = reader("alpine-3.18-scalibr.installed")) {
            alpine = ApkInstalledParser.parse(r, ALPINE_318, "demo: Alpine 3.18 apk database");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<PendingUpdate> debianPending = apt.stream()
                .filter(u -> debian.packages().stream().anyMatch(p -> p.name().equals(u.name())))
                .toList();
        return List.of(
                host("demo-debian12-web-1", debian, List.of(), false, "6.1.0-41-amd64", "web", "prod", "current"),
                host(
                        "demo-debian12-web-2",
                        rolledBack(debian, debianPending),
                        debianPending,
                        true,
                        "6.1.0-31-amd64",
                        "web",
                        "prod",
                        "behind"),
                host(
                        "demo-debian12-db-1",
                        thinned(debian),
                        List.of(),
                        false,
                        "6.1.0-41-amd64",
                        "db",
                        "staging",
                        "current"),
                host("demo-ubuntu2204-app-1", ubuntu, List.of(), false, "5.15.0-153-generic", "app", "prod", "behind"),
                host(
                        "demo-ubuntu2204-app-2",
                        thinned(ubuntu),
                        List.of(),
                        true,
                        "5.15.0-143-generic",
                        "app",
                        "staging",
                        "behind"),
                host(
                        "demo-alma9-api-1",
                        alma,
                        List.of(),
                        true,
                        "5.14.0-284.11.1.el9_2.x86_64",
                        "api",
                        "prod",
                        "behind"),
                host(
                        "demo-alma9-api-2",
                        thinned(alma),
                        List.of(),
                        false,
                        "5.14.0-284.11.1.el9_2.x86_64",
                        "api",
                        "staging",
                        "behind"),
                host("demo-alpine318-proxy-1", alpine, List.of(), false, "6.1.100-0-lts", "proxy", "prod", "behind"));
    }

    /**
     * Ingests the fleet through the inventory store, one transaction per host, as agents' reports
     * would be: the host, its inventory (findings judged against {@code index}), its pending updates.
     * Loading again changes nothing but the hosts' last-seen time.
     */
    public static List<Loaded> load(Jdbi jdbi, InventoryStore store, AdvisoryIndex index, Instant now) {
        List<Loaded> out = new ArrayList<>();
        for (DemoHost demo : hosts()) {
            DemoHost host = demo.pendingUpdates().isEmpty()
                            && "behind".equals(demo.labels().get("patch"))
                    ? demo.withPendingUpdates(pendingFromAdvisories(demo.inventory(), index))
                    : demo;
            out.add(jdbi.inTransaction(h -> {
                String id = store.host(h, host.hostname(), now);
                InventoryStore.Result r = store.ingest(h, id, host.inventory(), index, now);
                int[] pending = store.recordPendingUpdates(
                        h, id, host.inventory().ecosystem(), host.pendingUpdates(), index, now);
                h.createUpdate("UPDATE host SET simulated = 1, kernel_running = :k, reboot_required = :r,"
                                + " os_name = :os WHERE id = :id")
                        .bind("k", host.runningKernel() == null ? "" : host.runningKernel())
                        .bind("r", host.rebootRequired() ? 1 : 0)
                        .bind("os", host.inventory().ecosystem().name() + " (simulated)")
                        .bind("id", id)
                        .execute();
                h.createUpdate("DELETE FROM host_label WHERE host_id = :id")
                        .bind("id", id)
                        .execute();
                for (var l : host.labels().entrySet()) {
                    h.createUpdate("INSERT INTO host_label (host_id, name, value) VALUES (:id, :n, :v)")
                            .bind("id", id)
                            .bind("n", l.getKey())
                            .bind("v", l.getValue())
                            .execute();
                }
                return new Loaded(id, host, r, pending[0]);
            }));
        }
        return out;
    }

    /**
     * Simulated pending updates: for each package that an advisory says is affected and fixed, an
     * update to the newest fixed version (as if the repository had it), in package order.
     */
    static List<PendingUpdate> pendingFromAdvisories(Inventory inventory, AdvisoryIndex index) {
        Matcher matcher = new Matcher(index);
        Ecosystem.Family family = inventory.ecosystem().family();
        Boolean security = family == Ecosystem.Family.ALPINE ? null : Boolean.TRUE;
        String origin = origin(family) + " (simulated)";
        List<PendingUpdate> out = new ArrayList<>();
        for (InstalledPackage p : inventory.packages()) {
            String newest = null;
            VersionScheme scheme = null;
            for (Verdict v : matcher.evaluate(p)) {
                String fixed = v.result().fixedVersion();
                Optional<VersionScheme> s =
                        Optional.ofNullable(v.result().evidence().scheme()).flatMap(VersionSchemes::byName);
                if (v.result().state() != MatchState.AFFECTED || fixed == null || s.isEmpty()) {
                    continue;
                }
                try {
                    if (newest == null || s.get().compare(fixed, newest) > 0) {
                        newest = fixed;
                        scheme = s.get();
                    }
                } catch (InvalidVersionException e) {
                    // a version its scheme cannot order is no update to offer
                }
            }
            if (newest != null && scheme != null) {
                out.add(new PendingUpdate(p.name(), p.arch(), p.version(), newest, origin, security));
            }
        }
        return out;
    }

    private static String origin(Ecosystem.Family family) {
        return switch (family) {
            case UBUNTU -> "Ubuntu:22.04/jammy-security";
            case ALMALINUX -> "baseos";
            case ALPINE -> "main";
            default -> family.name().toLowerCase(java.util.Locale.ROOT) + "-security";
        };
    }

    private static DemoHost host(
            String name,
            Inventory inventory,
            List<PendingUpdate> pending,
            boolean reboot,
            String kernel,
            String role,
            String env,
            String patch) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("simulated", "true");
        labels.put("role", role);
        labels.put("env", env);
        labels.put("patch", patch);
        labels.put("os", inventory.ecosystem().name());
        return new DemoHost(name + ".simulated", inventory, pending, reboot, kernel, labels);
    }

    /** The inventory without every {@link #DROP_EVERY}th package by name: a sibling that is not identical. */
    static Inventory thinned(Inventory inv) {
        List<InstalledPackage> sorted = new ArrayList<>(inv.packages());
        sorted.sort(
                java.util.Comparator.comparing(InstalledPackage::name).thenComparing(p -> String.valueOf(p.arch())));
        List<InstalledPackage> kept = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            if (i % DROP_EVERY != DROP_EVERY - 1) {
                kept.add(sorted.get(i));
            }
        }
        return new Inventory(inv.ecosystem(), kept, inv.origin() + " (every " + DROP_EVERY + "th package removed)");
    }

    /**
     * The inventory with each package the updates name set back to the version the update replaces (the
     * real installed version of the machine that printed the listing); the source version follows,
     * without a binNMU suffix where the source version differed from the binary's.
     */
    static Inventory rolledBack(Inventory inv, List<PendingUpdate> updates) {
        Map<String, String> installed = new LinkedHashMap<>();
        for (PendingUpdate u : updates) {
            if (u.installed() != null) {
                installed.put(u.name(), u.installed());
            }
        }
        List<InstalledPackage> out = new ArrayList<>();
        for (InstalledPackage p : inv.packages()) {
            String v = installed.get(p.name());
            if (v == null) {
                out.add(p);
                continue;
            }
            String source = p.sourceVersion().equals(p.version()) ? v : v.replaceFirst("\\+b\\d+$", "");
            out.add(new InstalledPackage(p.ecosystem(), p.name(), v, p.arch(), p.sourceName(), source));
        }
        return new Inventory(inv.ecosystem(), out, inv.origin() + " (as installed before the apt listing's updates)");
    }

    private static Inventory dpkg(String resource, Ecosystem ecosystem) {
        try (InputStream raw = stream(resource);
                Reader r = new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8)) {
            return DpkgStatusParser.parseStatus(r, ecosystem, "demo: Debian 12 minbase dpkg status");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The osv-scanner query list: {@code ecosystem, name, version, ids} rows after a header; repeats dropped. */
    private static Inventory ubuntuImage(String resource) {
        Map<String, InstalledPackage> packages = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(reader(resource))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split("\t", -1);
                if (line.startsWith("#") || f.length < 3 || f[0].equals("ecosystem")) {
                    continue;
                }
                packages.putIfAbsent(f[1], new InstalledPackage(UBUNTU_2204, f[1], f[2], null));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Inventory(UBUNTU_2204, List.copyOf(packages.values()), "demo: Ubuntu 22.04 image packages");
    }

    private static Reader reader(String resource) {
        return new InputStreamReader(stream(resource), StandardCharsets.UTF_8);
    }

    private static InputStream stream(String resource) {
        InputStream in = DemoFleet.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("demo data missing from the classpath: " + resource);
        }
        return in;
    }
}
