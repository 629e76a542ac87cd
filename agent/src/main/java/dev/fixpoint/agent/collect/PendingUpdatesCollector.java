package dev.fixpoint.agent.collect;

import dev.fixpoint.core.inventory.InventoryParseException;
import dev.fixpoint.core.inventory.PendingUpdate;
import dev.fixpoint.core.inventory.PendingUpdatesParser;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Asks the live system's package manager which updates are pending, with read-only simulations only:
 * {@code apt-get -s upgrade} (no lock taken), {@code dnf check-update} plus {@code dnf updateinfo list
 * --security}, {@code apk version -l <}.
 */
public final class PendingUpdatesCollector {

    private final Duration timeout;

    public PendingUpdatesCollector(Duration timeout) {
        this.timeout = timeout;
    }

    /** Pending updates according to the package database kind ({@code dpkg}, {@code rpm}, {@code apk}). */
    public List<PendingUpdate> collect(String database) throws CollectException {
        try {
            switch (database) {
                case "dpkg" -> {
                    String out = Commands.run(
                            List.of("apt-get", "-s", "-o", "Debug::NoLocking=1", "upgrade"), timeout, Set.of(0));
                    return PendingUpdatesParser.apt(new StringReader(out), "apt-get -s upgrade");
                }
                case "rpm" -> {
                    // check-update exits 100 when updates are available, 0 when there are none.
                    String updates = Commands.run(List.of("dnf", "-q", "check-update"), timeout, Set.of(0, 100));
                    String security =
                            Commands.run(List.of("dnf", "-q", "updateinfo", "list", "--security"), timeout, Set.of(0));
                    return PendingUpdatesParser.dnf(
                            new StringReader(updates), new StringReader(security), "dnf check-update");
                }
                case "apk" -> {
                    String out = Commands.run(List.of("apk", "version", "-l", "<"), timeout, Set.of(0));
                    return PendingUpdatesParser.apk(new StringReader(out), "apk version -l <");
                }
                default -> throw new CollectException("no pending-update query for package database " + database);
            }
        } catch (InventoryParseException e) {
            throw new CollectException(e.getMessage(), e);
        }
    }
}
