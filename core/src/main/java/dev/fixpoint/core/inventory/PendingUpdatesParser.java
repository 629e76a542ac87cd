package dev.fixpoint.core.inventory;

import java.io.Reader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what package managers print about pending updates, so the agent never interprets anything but
 * its fixed, read-only queries:
 *
 * <ul>
 *   <li>apt: {@code apt-get -s upgrade} (or {@code dist-upgrade}) — {@code Inst name [installed]
 *       (available Origin:release/suite[, ...] [arch])}; an update is a security update when one of
 *       its archives is a {@code -security} suite (Debian-Security, Ubuntu's {@code jammy-security});
 *   <li>dnf/yum: {@code dnf check-update} — {@code name.arch  [epoch:]version-release  repository},
 *       with the security flag from {@code dnf updateinfo list --security} ({@code ID  Type/Sec.
 *       name-[epoch:]version-release.arch});
 *   <li>apk: {@code apk version -l '<'} — {@code name-version  <  available}; apk has no security
 *       flag.
 * </ul>
 */
public final class PendingUpdatesParser {

    private static final Pattern APT_INST =
            Pattern.compile("^Inst (\\S+) (?:\\[([^\\]]*)\\] )?\\((\\S+) ([^\\[]*?)\\s*\\[([^\\]]+)\\]\\).*$");
    private static final Pattern DNF_LINE = Pattern.compile("^(\\S+)\\.(\\S+)\\s+(\\S+)\\s+(\\S+)\\s*$");
    private static final Pattern APK_LINE = Pattern.compile("^(\\S+?)-(\\d\\S*)\\s+<\\s+(\\S+)\\s*$");

    private PendingUpdatesParser() {}

    public static List<PendingUpdate> apt(Reader reader, String source) {
        Lines lines = new Lines(reader, source);
        List<PendingUpdate> out = new ArrayList<>();
        for (String line = lines.next(); line != null; line = lines.next()) {
            if (!line.startsWith("Inst ")) {
                continue;
            }
            Matcher m = APT_INST.matcher(line);
            if (!m.matches()) {
                throw new InventoryParseException(
                        source, lines.number(), "unexpected apt line: \"" + DpkgStatusParser.excerpt(line) + "\"");
            }
            String origins = m.group(4).strip();
            boolean security = false;
            for (String archive : origins.split(",\\s*")) {
                String a = archive.toLowerCase(Locale.ROOT);
                if (a.endsWith("-security") || a.contains("-security:") || a.contains("security/")) {
                    security = true;
                }
            }
            out.add(new PendingUpdate(m.group(1), m.group(5), m.group(2), m.group(3), origins, security));
        }
        return out;
    }

    /**
     * {@code dnf check-update} output, with the package names (and NEVRAs) {@code dnf updateinfo list
     * --security} printed, or null when that was not asked.
     */
    public static List<PendingUpdate> dnf(Reader checkUpdate, Reader securityInfo, String source) {
        Set<String> secure = null;
        if (securityInfo != null) {
            secure = new HashSet<>();
            Lines info = new Lines(securityInfo, source + " (updateinfo)");
            for (String line = info.next(); line != null; line = info.next()) {
                String[] f = line.strip().split("\\s+");
                if (f.length >= 3 && f[1].contains("/Sec")) {
                    secure.add(nameOfNevra(f[2]));
                }
            }
        }
        Lines lines = new Lines(checkUpdate, source);
        List<PendingUpdate> out = new ArrayList<>();
        for (String line = lines.next(); line != null; line = lines.next()) {
            if (line.startsWith("Obsoleting") || line.startsWith("Security:")) {
                break; // the list of obsoleted packages follows; not updates of installed ones
            }
            if (line.isBlank() || line.startsWith("Last metadata") || line.startsWith(" ")) {
                continue;
            }
            Matcher m = DNF_LINE.matcher(line);
            if (!m.matches() || !Character.isDigit(m.group(3).charAt(0))) {
                continue; // headers and messages dnf prints around the list
            }
            String evr = m.group(3);
            if (evr.startsWith("0:")) {
                evr = evr.substring(2);
            }
            out.add(new PendingUpdate(
                    m.group(1),
                    m.group(2),
                    null,
                    evr,
                    m.group(4),
                    secure == null ? null : secure.contains(m.group(1))));
        }
        return out;
    }

    public static List<PendingUpdate> apk(Reader reader, String source) {
        Lines lines = new Lines(reader, source);
        List<PendingUpdate> out = new ArrayList<>();
        for (String line = lines.next(); line != null; line = lines.next()) {
            Matcher m = APK_LINE.matcher(line.strip());
            if (m.matches()) {
                out.add(new PendingUpdate(m.group(1), null, m.group(2), m.group(3), null, null));
            }
        }
        return out;
    }

    /** {@code openssl-1:3.0.7-27.el9.x86_64} → {@code openssl}. */
    static String nameOfNevra(String nevra) {
        String s = nevra;
        int dot = s.lastIndexOf('.');
        if (dot > 0) {
            s = s.substring(0, dot);
        }
        int r = s.lastIndexOf('-');
        int v = r > 0 ? s.lastIndexOf('-', r - 1) : -1;
        return v > 0 ? s.substring(0, v) : s;
    }
}
