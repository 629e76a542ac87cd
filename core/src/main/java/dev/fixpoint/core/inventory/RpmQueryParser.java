package dev.fixpoint.core.inventory;

import dev.fixpoint.core.platform.Ecosystem;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the output of {@code rpm -qa --qf '%{NAME}\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\t%{ARCH}\n'}:
 * one package per line, tab-separated name, {@code [epoch:]version-release} and architecture, with an
 * optional fourth column, the source rpm ({@code %{SOURCERPM}}, e.g. {@code openssl-3.0.7-27.el9.src.rpm}).
 *
 * <p>An epoch of {@code 0}, an empty epoch and rpm's {@code (none)} are all "no epoch" and are dropped,
 * so versions read as advisories spell them ({@code 1:3.0.7-27.el9}, {@code 2.3.1-3.el9}). Blank lines
 * and {@code #} comments are skipped, and so are {@code gpg-pubkey} entries (keys, not software).
 */
public final class RpmQueryParser {

    private RpmQueryParser() {}

    public static Inventory parse(Reader reader, Ecosystem ecosystem, String source) {
        Lines lines = new Lines(reader, source);
        List<InstalledPackage> out = new ArrayList<>();
        for (String line = lines.next(); line != null; line = lines.next()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length < 3 || f.length > 4) {
                throw new InventoryParseException(
                        source,
                        lines.number(),
                        "expected NAME<TAB>[EPOCH:]VERSION-RELEASE<TAB>ARCH[<TAB>SOURCERPM], found " + f.length
                                + " column(s): \"" + DpkgStatusParser.excerpt(line) + "\"");
            }
            String name = f[0].trim();
            if (name.isEmpty()) {
                throw new InventoryParseException(source, lines.number(), "empty package name");
            }
            if (name.equals("gpg-pubkey")) {
                continue;
            }
            String evr = normaliseEvr(f[1].trim(), source, lines.number(), name);
            String arch = f[2].trim();
            String sourceName = null;
            String sourceVersion = null;
            if (f.length == 4) {
                String[] srpm = splitSourceRpm(f[3].trim());
                if (srpm != null) {
                    sourceName = srpm[0];
                    sourceVersion = srpm[1];
                }
            }
            out.add(new InstalledPackage(
                    ecosystem,
                    name,
                    evr,
                    arch.isEmpty() || arch.equals("(none)") ? null : arch,
                    sourceName,
                    sourceVersion));
        }
        return new Inventory(ecosystem, out, source);
    }

    private static String normaliseEvr(String evr, String source, long line, String name) {
        String e = evr;
        int colon = e.indexOf(':');
        if (colon >= 0) {
            String epoch = e.substring(0, colon);
            String rest = e.substring(colon + 1);
            if (epoch.isEmpty() || epoch.equals("(none)") || epoch.chars().allMatch(c -> c == '0')) {
                e = rest;
            } else if (!epoch.chars().allMatch(Character::isDigit) || epoch.length() > 10) {
                throw new InventoryParseException(
                        source, line, "package \"" + name + "\" has a malformed epoch \"" + epoch + "\"");
            }
        }
        int dash = e.lastIndexOf('-');
        int start = e.indexOf(':') + 1;
        if (dash <= start || dash == e.length() - 1) {
            throw new InventoryParseException(
                    source, line, "package \"" + name + "\" has no VERSION-RELEASE: \"" + evr + "\"");
        }
        return e;
    }

    /** {@code name-version-release.src.rpm} → {name, version-release}, or null when it is not one. */
    static String[] splitSourceRpm(String srpm) {
        String s = srpm;
        if (s.endsWith(".src.rpm")) {
            s = s.substring(0, s.length() - ".src.rpm".length());
        } else if (s.endsWith(".nosrc.rpm")) {
            s = s.substring(0, s.length() - ".nosrc.rpm".length());
        } else {
            return null;
        }
        int r = s.lastIndexOf('-');
        int v = r > 0 ? s.lastIndexOf('-', r - 1) : -1;
        if (v <= 0) {
            return null;
        }
        return new String[] {s.substring(0, v), s.substring(v + 1)};
    }
}
