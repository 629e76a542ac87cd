package dev.fixpoint.agent.run;

import dev.fixpoint.agent.client.Protocol;
import dev.fixpoint.agent.client.ServerClient;
import dev.fixpoint.agent.collect.CollectException;
import dev.fixpoint.agent.collect.HostFacts;
import dev.fixpoint.agent.collect.RootCollector;
import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.inventory.InventoryHash;
import dev.fixpoint.core.inventory.PendingUpdate;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects one report from the collect root: the inventory (and its canonical hash), the host facts, and
 * the pending updates, rendered as the protocol's check-in and inventory bodies.
 */
final class Reporter {

    /** Asks the package manager which updates are pending. */
    interface PendingUpdates {
        List<PendingUpdate> collect(String database) throws CollectException;
    }

    /**
     * A collected report: the check-in body, and the inventory body to send when the server wants it.
     *
     * @param database the package database it was read from ({@code dpkg}, {@code rpm}, {@code apk})
     */
    record Report(String inventoryHash, byte[] checkin, byte[] inventory, int packages, String database) {}

    private final Path root;
    private final RootCollector collector;
    private final PendingUpdates pending;
    private final Clock wall;
    private final PrintWriter log;
    private final String hostname;

    /** @param pending the pending-update query, or null not to ask (a root other than the live system) */
    Reporter(Path root, RootCollector collector, PendingUpdates pending, Clock wall, PrintWriter log) {
        this(root, collector, pending, wall, log, null);
    }

    /** @param hostname the host name to report instead of the root's own ({@code enroll --hostname}), or null */
    Reporter(Path root, RootCollector collector, PendingUpdates pending, Clock wall, PrintWriter log, String hostname) {
        this.root = root;
        this.collector = collector;
        this.pending = pending;
        this.wall = wall;
        this.log = log;
        this.hostname = hostname;
    }

    Path root() {
        return root;
    }

    /** The boot id to report now ({@link HostFacts#bootId}). */
    String bootId() {
        return HostFacts.bootId(root);
    }

    Report collect() throws CollectException {
        RootCollector.Collected collected = collector.collect(root);
        HostFacts facts = HostFacts.collect(root, collected);
        Inventory inv = collected.inventory();
        String hash = InventoryHash.of(inv);
        String ecosystem = inv.ecosystem() == null ? null : inv.ecosystem().name();

        List<Protocol.Update> updates = null;
        if (pending != null) {
            try {
                updates = new ArrayList<>();
                for (PendingUpdate u : pending.collect(collected.database())) {
                    updates.add(new Protocol.Update(
                            u.name(), u.arch(), u.installed(), u.available(), u.origin(), u.security()));
                }
            } catch (CollectException e) {
                updates = null;
                log.println("pending updates unknown this time: " + e.getMessage());
            }
        }
        Protocol.Checkin checkin = new Protocol.Checkin(
                wall.instant().truncatedTo(ChronoUnit.SECONDS).toString(),
                hostname != null ? hostname : facts.hostname(),
                new Protocol.Os(facts.osId(), facts.osVersionId(), facts.osPrettyName(), ecosystem),
                new Protocol.Kernel(facts.kernelRunning(), facts.kernelsInstalled()),
                facts.rebootRequired(),
                facts.rebootReasons(),
                hash,
                inv.packages().size(),
                updates,
                bootId());
        List<Protocol.Package> packages = new ArrayList<>(inv.packages().size());
        for (InstalledPackage p : inv.packages()) {
            packages.add(new Protocol.Package(p.name(), p.version(), p.arch(), p.sourceName(), p.sourceVersion()));
        }
        Protocol.InventoryUpload upload = new Protocol.InventoryUpload(hash, ecosystem, collected.database(), packages);
        return new Report(
                hash, ServerClient.json(checkin), ServerClient.json(upload), packages.size(), collected.database());
    }
}
