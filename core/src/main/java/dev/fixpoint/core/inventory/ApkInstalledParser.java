package dev.fixpoint.core.inventory;

import dev.fixpoint.core.platform.Ecosystem;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses apk's installed database ({@code /lib/apk/db/installed}): blank-line separated records of
 * one-letter fields; this reads {@code P:} (name), {@code V:} (version), {@code A:} (architecture) and
 * {@code o:} (origin: the aport the package was built from, which Alpine's advisories name).
 */
public final class ApkInstalledParser {

    private ApkInstalledParser() {}

    public static Inventory parse(Reader reader, Ecosystem ecosystem, String source) {
        Lines lines = new Lines(reader, source);
        List<InstalledPackage> out = new ArrayList<>();
        String name = null;
        String version = null;
        String arch = null;
        String origin = null;
        long start = 0;
        for (String line = lines.next(); ; line = lines.next()) {
            if (line == null || line.isEmpty()) {
                if (name != null || version != null) {
                    if (name == null || name.isEmpty()) {
                        throw new InventoryParseException(source, start, "record has no P: (package name)");
                    }
                    if (version == null || version.isEmpty()) {
                        throw new InventoryParseException(
                                source, start, "package \"" + name + "\" has no V: (version)");
                    }
                    out.add(new InstalledPackage(ecosystem, name, version, arch, origin, version));
                }
                name = version = arch = origin = null;
                if (line == null) {
                    return new Inventory(ecosystem, out, source);
                }
                continue;
            }
            if (name == null && version == null) {
                start = lines.number();
            }
            if (line.length() < 2 || line.charAt(1) != ':') {
                throw new InventoryParseException(
                        source,
                        lines.number(),
                        "expected \"X:value\", found \"" + DpkgStatusParser.excerpt(line) + "\"");
            }
            String value = line.substring(2);
            switch (line.charAt(0)) {
                case 'P' -> name = value;
                case 'V' -> version = value;
                case 'A' -> arch = value;
                case 'o' -> origin = value;
                default -> {}
            }
        }
    }
}
