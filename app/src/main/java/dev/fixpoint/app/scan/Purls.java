package dev.fixpoint.app.scan;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURLBuilder;
import dev.fixpoint.core.inventory.InstalledPackage;
import dev.fixpoint.core.platform.Ecosystem;
import java.util.Locale;
import java.util.Optional;

/** Package URLs (purl spec) for installed packages, as scanners and SBOM tools spell them. */
final class Purls {

    private Purls() {}

    /** The purl of an installed package, or empty when its ecosystem has no purl type. */
    static Optional<String> of(InstalledPackage p) {
        Ecosystem eco = p.ecosystem();
        Ecosystem.Family family = eco.family();
        String type = family.purlType();
        if (type == null) {
            return Optional.empty();
        }
        try {
            PackageURLBuilder b = PackageURLBuilder.aPackageURL().withType(type);
            String name = p.name();
            String version = p.version();
            switch (type) {
                case "deb", "apk" -> {
                    b.withNamespace(distroNamespace(family));
                    distroQualifier(b, eco);
                }
                case "rpm" -> {
                    b.withNamespace(distroNamespace(family));
                    int colon = version.indexOf(':');
                    if (colon > 0 && version.substring(0, colon).chars().allMatch(Character::isDigit)) {
                        b.withQualifier("epoch", version.substring(0, colon));
                        version = version.substring(colon + 1);
                    }
                    distroQualifier(b, eco);
                }
                case "npm", "golang" -> {
                    int slash = name.lastIndexOf('/');
                    if (slash > 0) {
                        b.withNamespace(name.substring(0, slash));
                        name = name.substring(slash + 1);
                    }
                }
                case "maven" -> {
                    int colon = name.indexOf(':');
                    if (colon > 0) {
                        b.withNamespace(name.substring(0, colon));
                        name = name.substring(colon + 1);
                    }
                }
                default -> {}
            }
            b.withName(name).withVersion(version);
            if (p.arch() != null && !p.arch().isEmpty() && family.distribution()) {
                b.withQualifier("arch", p.arch());
            }
            return Optional.of(b.build().canonicalize());
        } catch (MalformedPackageURLException e) {
            return Optional.empty(); // a name the purl spec cannot express: the component goes without
        }
    }

    private static String distroNamespace(Ecosystem.Family family) {
        return switch (family) {
            case RED_HAT -> "redhat";
            case ROCKY -> "rocky";
            default -> family.base().toLowerCase(Locale.ROOT).replace(" ", "");
        };
    }

    private static void distroQualifier(PackageURLBuilder b, Ecosystem eco) {
        String release = eco.release();
        if (release != null && !release.isEmpty()) {
            String r = release.startsWith("v") ? release.substring(1) : release;
            b.withQualifier("distro", distroNamespace(eco.family()) + "-" + r.replace(":LTS", ""));
        }
    }
}
