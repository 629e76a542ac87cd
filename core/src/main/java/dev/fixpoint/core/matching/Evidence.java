package dev.fixpoint.core.matching;

import java.util.List;
import java.util.Objects;

/**
 * Why a package was judged as it was, in enough detail for a person to check the decision by hand.
 *
 * @param advisoryId the advisory's id
 * @param advisorySource the feed it came from ({@code OSV}, {@code CSAF Red Hat})
 * @param advisoryEcosystem the ecosystem the advisory entry names
 * @param advisoryPackage the package name the advisory entry names
 * @param matchedBy how the installed package met the advisory: {@code source package}, {@code binary
 *     package}, {@code origin package} or {@code package name}
 * @param scheme the version scheme that decided ({@code dpkg}, {@code rpm-evr}, ...), or null when
 *     none could be used
 * @param installedVersion the version compared (for Debian and Ubuntu, the source package's version)
 * @param fixedVersion the version that fixes it, or null
 * @param range the range or list that decided, rendered, or null
 * @param decisionPath the steps of the decision, in order, in words
 */
public record Evidence(
        String advisoryId,
        String advisorySource,
        String advisoryEcosystem,
        String advisoryPackage,
        String matchedBy,
        String scheme,
        String installedVersion,
        String fixedVersion,
        String range,
        List<String> decisionPath) {

    public Evidence {
        Objects.requireNonNull(advisoryId, "advisoryId");
        decisionPath = List.copyOf(decisionPath);
    }
}
