package dev.fixpoint.core.risk;

import java.util.Locale;

/**
 * How reachable the host is, as SSVC's System Exposure: {@link #SMALL} (internal only), {@link
 * #CONTROLLED} (reachable through controls), {@link #OPEN} (internet-facing). Unknown hosts are
 * {@link #CONTROLLED}.
 */
public enum Exposure {
    SMALL,
    CONTROLLED,
    OPEN;

    /** Parses {@code internal}/{@code small}, {@code controlled}, {@code internet}/{@code open}. */
    public static Exposure parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "internal", "small" -> SMALL;
            case "controlled" -> CONTROLLED;
            case "internet", "internet-facing", "open" -> OPEN;
            default ->
                throw new IllegalArgumentException(
                        "unknown exposure \"" + text + "\": use internal, controlled or internet");
        };
    }
}
