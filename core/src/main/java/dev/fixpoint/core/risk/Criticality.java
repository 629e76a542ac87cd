package dev.fixpoint.core.risk;

import java.util.Locale;

/** How much the host matters to its owner's mission. Unknown hosts are {@link #MEDIUM}. */
public enum Criticality {
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    /** Parses {@code low}, {@code medium}, {@code high}, {@code critical}; names the accepted values. */
    public static Criticality parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown criticality \"" + text + "\": use low, medium, high or critical");
        }
    }
}
