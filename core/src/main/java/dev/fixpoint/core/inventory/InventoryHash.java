package dev.fixpoint.core.inventory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The canonical hash of an inventory, computed alike by the agent and the server (docs/agent-protocol.md):
 * SHA-256 over a header line and one line per package, sorted, so the same packages in any order hash
 * alike and an agent can say "unchanged" without sending its package list.
 */
public final class InventoryHash {

    public static final String HEADER = "fixpoint-inventory/1";

    private InventoryHash() {}

    public static String of(Inventory inventory) {
        List<String> lines = new ArrayList<>(inventory.packages().size());
        for (InstalledPackage p : inventory.packages()) {
            lines.add(String.join(
                    "\t",
                    p.ecosystem().name(),
                    p.name(),
                    p.arch() == null ? "" : p.arch(),
                    p.version(),
                    p.sourceName(),
                    p.sourceVersion()));
        }
        lines.sort(null);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
        String eco = inventory.ecosystem() == null ? "" : inventory.ecosystem().name();
        sha.update((HEADER + "\t" + eco + "\n").getBytes(StandardCharsets.UTF_8));
        for (String l : lines) {
            sha.update((l + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
