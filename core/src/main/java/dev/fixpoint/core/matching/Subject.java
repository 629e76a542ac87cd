package dev.fixpoint.core.matching;

import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.platform.Ecosystem;

/**
 * What of an installed package meets an advisory, by the rules of its ecosystem: Debian and Ubuntu
 * advisories name <em>source</em> packages and source versions; rpm distributions name binary
 * packages; Alpine names origin packages (whose version is the binary's); language ecosystems name
 * the package itself.
 *
 * @param name the name to look up (already in the ecosystem's {@link Ecosystem#matchName} form)
 * @param version the version to compare
 * @param matchedBy how it is matched, for evidence
 */
record Subject(Ecosystem ecosystem, String name, String version, String matchedBy) {

    static Subject of(InstalledPackage p) {
        Ecosystem e = p.ecosystem();
        return switch (e.family()) {
            case DEBIAN, UBUNTU -> new Subject(e, p.sourceName(), p.sourceVersion(), "source package");
            case ALPINE, WOLFI, CHAINGUARD -> new Subject(e, p.sourceName(), p.version(), "origin package");
            case ALMALINUX, ROCKY, RED_HAT, SUSE, OPENSUSE, MAGEIA ->
                new Subject(e, p.name(), p.version(), "binary package");
            default -> new Subject(e, e.matchName(p.name()), p.version(), "package name");
        };
    }

    /** The index key: the ecosystem's match key and the name. */
    String key() {
        return AdvisoryIndex.key(ecosystem, name);
    }
}
