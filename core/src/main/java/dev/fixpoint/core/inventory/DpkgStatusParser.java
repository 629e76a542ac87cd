package dev.fixpoint.core.inventory;

import dev.fixpoint.core.platform.Ecosystem;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses dpkg's status database ({@code /var/lib/dpkg/status}, and the per-package files of
 * {@code /var/lib/dpkg/status.d/} that distroless images carry).
 *
 * <p>A package counts when its files are on disk: its {@code Status:} state is {@code installed},
 * {@code unpacked}, {@code half-configured}, {@code triggers-awaited} or {@code triggers-pending}.
 * {@code config-files}, {@code half-installed} and {@code not-installed} entries are skipped (their
 * code is gone or was never complete). Stanzas of {@code status.d} files carry no {@code Status:}
 * field and are all installed. The source package comes from {@code Source: name [(version)]};
 * without it, the source is the binary package itself.
 */
public final class DpkgStatusParser {

    private static final Set<String> ON_DISK =
            Set.of("installed", "unpacked", "half-configured", "triggers-awaited", "triggers-pending");

    private DpkgStatusParser() {}

    /** Parses a status file; {@code source} names it in errors and in {@link Inventory#origin()}. */
    public static Inventory parseStatus(Reader reader, Ecosystem ecosystem, String source) {
        List<InstalledPackage> out = new ArrayList<>();
        parse(reader, ecosystem, source, true, out);
        return new Inventory(ecosystem, out, source);
    }

    /** Parses the files of a {@code status.d} directory, each named in errors by {@code sources}. */
    public static Inventory parseStatusD(
            List<Reader> readers, List<String> sources, Ecosystem ecosystem, String origin) {
        List<InstalledPackage> out = new ArrayList<>();
        for (int i = 0; i < readers.size(); i++) {
            parse(readers.get(i), ecosystem, sources.get(i), false, out);
        }
        return new Inventory(ecosystem, out, origin);
    }

    private static void parse(
            Reader reader, Ecosystem ecosystem, String source, boolean statusRequired, List<InstalledPackage> out) {
        Lines lines = new Lines(reader, source);
        Map<String, String> fields = new LinkedHashMap<>();
        long stanzaLine = 0;
        String last = null;
        for (String line = lines.next(); ; line = lines.next()) {
            if (line == null || line.isBlank()) {
                if (!fields.isEmpty()) {
                    stanza(fields, ecosystem, source, stanzaLine, statusRequired, out);
                    fields.clear();
                }
                last = null;
                if (line == null) {
                    return;
                }
                continue;
            }
            if (fields.isEmpty()) {
                stanzaLine = lines.number();
            }
            char c = line.charAt(0);
            if (c == ' ' || c == '\t') {
                if (last == null) {
                    throw new InventoryParseException(source, lines.number(), "continuation line without a field");
                }
                continue; // continuation of a multi-line field; none of the fields used here spans lines
            }
            if (c == '#') {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new InventoryParseException(
                        source, lines.number(), "expected \"Field: value\", found \"" + excerpt(line) + "\"");
            }
            last = line.substring(0, colon);
            fields.put(last, line.substring(colon + 1).trim());
        }
    }

    private static void stanza(
            Map<String, String> f,
            Ecosystem ecosystem,
            String source,
            long line,
            boolean statusRequired,
            List<InstalledPackage> out) {
        String name = f.get("Package");
        if (name == null || name.isEmpty()) {
            throw new InventoryParseException(source, line, "stanza has no Package field");
        }
        String status = f.get("Status");
        if (status != null) {
            String[] words = status.split("\\s+");
            if (words.length != 3) {
                throw new InventoryParseException(
                        source, line, "package \"" + name + "\" has a malformed Status: \"" + excerpt(status) + "\"");
            }
            if (!ON_DISK.contains(words[2])) {
                return;
            }
        } else if (statusRequired) {
            throw new InventoryParseException(source, line, "package \"" + name + "\" has no Status field");
        }
        String version = f.get("Version");
        if (version == null || version.isEmpty()) {
            throw new InventoryParseException(source, line, "package \"" + name + "\" has no Version field");
        }
        String sourceName = name;
        String sourceVersion = version;
        String src = f.get("Source");
        if (src != null && !src.isEmpty()) {
            int paren = src.indexOf('(');
            if (paren > 0 && src.endsWith(")")) {
                sourceName = src.substring(0, paren).trim();
                sourceVersion = src.substring(paren + 1, src.length() - 1).trim();
            } else {
                sourceName = src.trim();
            }
        }
        out.add(new InstalledPackage(ecosystem, name, version, f.get("Architecture"), sourceName, sourceVersion));
    }

    static String excerpt(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
