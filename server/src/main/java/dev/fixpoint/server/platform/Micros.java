package dev.fixpoint.server.platform;

import java.time.Instant;

/**
 * Times as the schema stores them: microseconds since the epoch in a BIGINT, the same on SQLite and
 * PostgreSQL (ADR 4).
 */
public final class Micros {
    private Micros() {}

    public static long of(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    public static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
