package dev.fixpoint.core.inventory;

import dev.fixpoint.core.platform.Ecosystem;
import java.io.Reader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An {@code os-release} file (freedesktop.org): {@code KEY=value} lines, values optionally quoted
 * with shell rules. {@link #ecosystem()} maps it to the OSV ecosystem whose advisories apply, or says
 * why there is none; it never guesses from {@code ID_LIKE}.
 */
public final class OsRelease {

    private final Map<String, String> values;
    private final String source;

    private OsRelease(Map<String, String> values, String source) {
        this.values = Map.copyOf(values);
        this.source = source;
    }

    public static OsRelease parse(Reader reader, String source) {
        Lines lines = new Lines(reader, source);
        Map<String, String> values = new LinkedHashMap<>();
        for (String line = lines.next(); line != null; line = lines.next()) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw new InventoryParseException(
                        source, lines.number(), "expected KEY=value, found \"" + DpkgStatusParser.excerpt(l) + "\"");
            }
            values.put(l.substring(0, eq).strip(), unquote(l.substring(eq + 1).strip(), source, lines.number()));
        }
        return new OsRelease(values, source);
    }

    /** A value, e.g. {@code ID}, {@code VERSION_ID}. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** The operating system's ecosystem, or why Fixpoint cannot name one. */
    public Result ecosystem() {
        String id = values.getOrDefault("ID", "linux");
        String version = values.getOrDefault("VERSION_ID", "");
        String major = version.contains(".") ? version.substring(0, version.indexOf('.')) : version;
        switch (id) {
            case "debian":
                return version.isEmpty()
                        ? unsupported("Debian without VERSION_ID (testing or unstable): advisories are per stable"
                                + " release; give --os Debian:<release>")
                        : known("Debian:" + major);
            case "ubuntu": {
                if (version.isEmpty()) {
                    return unsupported("Ubuntu without VERSION_ID");
                }
                boolean lts = values.getOrDefault("VERSION", "").contains("LTS");
                return known("Ubuntu:" + version + (lts ? ":LTS" : ""));
            }
            case "almalinux":
                return requireVersion("AlmaLinux", major);
            case "rocky":
                return requireVersion("Rocky Linux", major);
            case "rhel":
                return requireVersion("Red Hat", major);
            case "alpine": {
                String[] p = version.split("\\.");
                return p.length >= 2 ? known("Alpine:v" + p[0] + "." + p[1]) : unsupported("Alpine without VERSION_ID");
            }
            case "wolfi":
                return known("Wolfi");
            case "chainguard":
                return known("Chainguard");
            case "opensuse-leap":
                return version.isEmpty()
                        ? unsupported("openSUSE Leap without VERSION_ID")
                        : known("openSUSE:Leap " + version);
            case "opensuse-tumbleweed":
                return known("openSUSE:Tumbleweed");
            case "sles": {
                String[] p = version.split("\\.");
                if (p.length == 0 || p[0].isEmpty()) {
                    return unsupported("SLES without VERSION_ID");
                }
                String sp = p.length > 1 && !p[1].equals("0") ? " SP" + p[1] : "";
                return known("SUSE:Linux Enterprise Server " + p[0] + sp);
            }
            default:
                return unsupported("Fixpoint has no advisory matching for this operating system (ID=" + id
                        + (version.isEmpty() ? "" : ", VERSION_ID=" + version)
                        + "); supported: Debian, Ubuntu, AlmaLinux, Rocky Linux, RHEL, Alpine, Wolfi, SUSE,"
                        + " openSUSE");
        }
    }

    private Result requireVersion(String base, String major) {
        return major.isEmpty() ? unsupported(base + " without VERSION_ID") : known(base + ":" + major);
    }

    private static Result known(String name) {
        return new Result.Known(Ecosystem.of(name));
    }

    private Result unsupported(String reason) {
        return new Result.Unsupported(source + ": " + reason);
    }

    /** Either the ecosystem, or why there is none. */
    public sealed interface Result {
        /** The os-release names a supported release. */
        record Known(Ecosystem ecosystem) implements Result {}

        /** It does not; {@code reason} says why, naming the file. */
        record Unsupported(String reason) implements Result {}
    }

    /** Shell-style unquoting as os-release(5) allows: double quotes with backslash escapes, single quotes. */
    private static String unquote(String v, String source, long line) {
        if (v.isEmpty()) {
            return v;
        }
        char q = v.charAt(0);
        if (q != '"' && q != '\'') {
            return v;
        }
        StringBuilder sb = new StringBuilder(v.length());
        int i = 1;
        for (; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == q) {
                break;
            }
            if (q == '"' && c == '\\' && i + 1 < v.length()) {
                char n = v.charAt(i + 1);
                if (n == '"' || n == '\\' || n == '$' || n == '`') {
                    sb.append(n);
                    i++;
                    continue;
                }
            }
            sb.append(c);
        }
        if (i >= v.length()) {
            throw new InventoryParseException(source, line, "unterminated quoted value");
        }
        return sb.toString();
    }
}
