package dev.fixpoint.app.remote;

import dev.fixpoint.app.UserInputException;
import dev.fixpoint.server.deploy.DeploymentSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The short forms {@code fixpoint deployments create} takes on its command line, read into the
 * {@link DeploymentSpec} the API takes. Only the syntax is checked here (exit 2, naming the option);
 * what the values mean (a group exists, percentages add up) is the server's to judge.
 */
final class DeploymentFlags {
    private DeploymentFlags() {}

    private static final Map<String, String> CHECK_KINDS = Map.of(
            "systemd", "SYSTEMD_UNIT",
            "tcp", "TCP_PORT",
            "http", "HTTP_GET",
            "command", "COMMAND");

    /** {@code name[:arch]=version}: an exact version to install. */
    static DeploymentSpec.Pkg pkg(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
            throw new UserInputException(
                    "--packages \"" + Text.safe(text, 200) + "\": expected NAME=VERSION or NAME:ARCH=VERSION");
        }
        String name = text.substring(0, eq).strip();
        String version = text.substring(eq + 1).strip();
        String arch = null;
        int colon = name.indexOf(':');
        if (colon >= 0) {
            arch = name.substring(colon + 1);
            name = name.substring(0, colon);
            if (name.isEmpty() || arch.isEmpty()) {
                throw new UserInputException(
                        "--packages \"" + Text.safe(text, 200) + "\": expected NAME:ARCH=VERSION with both given");
            }
        }
        return new DeploymentSpec.Pkg(name, version, arch);
    }

    /**
     * {@code name:group=ID}, {@code name:percent=5} or (the last ring) {@code name}, each optionally
     * followed by {@code :bake=MINUTES :min=RATIO :maxfail=N :maxfailratio=RATIO :concurrency=N}.
     */
    static DeploymentSpec.Ring ring(String text) {
        String[] parts = text.split(":", -1);
        String name = parts[0].strip();
        if (name.isEmpty()) {
            throw ringError(text, "the ring's name comes first");
        }
        String group = null;
        Double percent = null;
        Integer bake = null;
        Double min = null;
        Integer maxFail = null;
        Double maxFailRatio = null;
        Integer concurrency = null;
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw ringError(text, "\"" + p + "\" is not KEY=VALUE");
            }
            String key = p.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = p.substring(eq + 1).strip();
            if (!seen.add(key)) {
                throw ringError(text, key + " given twice");
            }
            switch (key) {
                case "group":
                    if (value.isEmpty()) {
                        throw ringError(text, "group= needs a group id");
                    }
                    group = value;
                    break;
                case "percent":
                    percent = decimal(text, key, value.endsWith("%") ? value.substring(0, value.length() - 1) : value);
                    break;
                case "bake":
                    bake = whole(text, key, value);
                    break;
                case "min":
                    min = decimal(text, key, value);
                    break;
                case "maxfail":
                    maxFail = whole(text, key, value);
                    break;
                case "maxfailratio":
                    maxFailRatio = decimal(text, key, value);
                    break;
                case "concurrency":
                    concurrency = whole(text, key, value);
                    break;
                default:
                    throw ringError(
                            text,
                            "unknown key \"" + key + "\"; use group, percent, bake, min, maxfail, maxfailratio or"
                                    + " concurrency");
            }
        }
        if (group != null && percent != null) {
            throw ringError(text, "give group= or percent=, not both");
        }
        return new DeploymentSpec.Ring(name, group, percent, bake, min, maxFail, maxFailRatio, concurrency);
    }

    /** Only the last ring may leave out both group and percent ("the rest"). */
    static void checkRings(List<DeploymentSpec.Ring> rings) {
        for (int i = 0; i < rings.size() - 1; i++) {
            DeploymentSpec.Ring r = rings.get(i);
            if (r.group() == null && r.percent() == null) {
                throw new UserInputException("--ring \"" + Text.safe(r.name(), 100) + "\": only the last ring may"
                        + " be \"the rest\" (no group= or percent=); this is ring " + (i + 1) + " of " + rings.size());
            }
        }
    }

    /** {@code systemd:UNIT}, {@code tcp:PORT}, {@code http:URL}, {@code command:NAME} (or the API's kinds). */
    static DeploymentSpec.Check check(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new UserInputException("--health \"" + Text.safe(text, 200)
                    + "\": expected KIND:TARGET, e.g. systemd:nginx.service, tcp:8080, http:http://127.0.0.1/health"
                    + " or command:NAME");
        }
        String kind = text.substring(0, colon).toLowerCase(Locale.ROOT);
        String target = text.substring(colon + 1);
        String apiKind = CHECK_KINDS.get(kind);
        if (apiKind == null && CHECK_KINDS.containsValue(kind.toUpperCase(Locale.ROOT))) {
            apiKind = kind.toUpperCase(Locale.ROOT);
        }
        if (apiKind == null) {
            throw new UserInputException("--health \"" + Text.safe(text, 200) + "\": unknown kind \""
                    + Text.safe(kind, 40) + "\"; use systemd, tcp, http or command");
        }
        return new DeploymentSpec.Check(apiKind, target);
    }

    /** {@code never}, {@code if-required} or {@code always}, as the API spells them. */
    static String reboot(String text) {
        String r = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        if (!Set.of("NEVER", "IF_REQUIRED", "ALWAYS").contains(r)) {
            throw new UserInputException("--reboot \"" + Text.safe(text, 40) + "\": use never, if-required or always");
        }
        return r;
    }

    /** {@code block}, {@code warn} or {@code off}, as the API spells them. */
    static String preflight(String text) {
        String r = text.strip().toUpperCase(Locale.ROOT);
        if (!Set.of("BLOCK", "WARN", "OFF").contains(r)) {
            throw new UserInputException("--preflight \"" + Text.safe(text, 40) + "\": use block, warn or off");
        }
        return r;
    }

    private static UserInputException ringError(String text, String why) {
        return new UserInputException("--ring \"" + Text.safe(text, 200) + "\": " + why
                + " (NAME:group=ID or NAME:percent=P, then :bake=MIN :min=RATIO :maxfail=N :concurrency=N; the"
                + " last ring may be NAME alone)");
    }

    private static Double decimal(String text, String key, String value) {
        if (!value.matches("\\d{1,9}(\\.\\d{1,9})?|\\.\\d{1,9}")) {
            throw ringError(text, key + "=\"" + Text.safe(value, 40) + "\" is not a number such as 5 or 0.9");
        }
        return Double.valueOf(value);
    }

    private static Integer whole(String text, String key, String value) {
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw ringError(text, key + "=\"" + Text.safe(value, 40) + "\" is not a whole number");
        }
    }
}
