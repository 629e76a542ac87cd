package dev.fixpoint.server.demo;

import dev.fixpoint.core.inventory.Inventory;
import dev.fixpoint.core.inventory.PendingUpdate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One simulated host of the demo fleet.
 *
 * @param hostname ends in {@code .simulated}
 * @param inventory its installed packages (real package lists, see {@link DemoFleet})
 * @param pendingUpdates what its package manager would install; for the hosts labelled {@code
 *     patch=behind} without a real package-manager listing, {@link DemoFleet#load} derives them from
 *     the advisories
 * @param rebootRequired simulated
 * @param runningKernel simulated
 * @param labels at least {@code simulated=true}, {@code role}, {@code env} ({@code prod}/{@code staging})
 *     and {@code patch} ({@code current}/{@code behind}), sorted by key
 */
public record DemoHost(
        String hostname,
        Inventory inventory,
        List<PendingUpdate> pendingUpdates,
        boolean rebootRequired,
        String runningKernel,
        Map<String, String> labels) {

    public DemoHost {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(inventory, "inventory");
        pendingUpdates = List.copyOf(pendingUpdates);
        labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    /** The host with these pending updates instead. */
    public DemoHost withPendingUpdates(List<PendingUpdate> updates) {
        return new DemoHost(hostname, inventory, updates, rebootRequired, runningKernel, labels);
    }
}
