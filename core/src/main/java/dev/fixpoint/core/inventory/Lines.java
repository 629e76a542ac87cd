package dev.fixpoint.core.inventory;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;

/**
 * Reads lines with a bound on their length, so a hostile file cannot make a parser hold an unbounded
 * line in memory. Accepts {@code \n} and {@code \r\n} endings.
 */
final class Lines {
    static final int MAX_LINE = 1 << 20;

    private final Reader in;
    private final String source;
    private final char[] buf = new char[8192];
    private int pos;
    private int len;
    private long number;

    Lines(Reader in, String source) {
        this.in = in;
        this.source = source;
    }

    /** The next line without its ending, or null at the end of the input. */
    String next() {
        StringBuilder sb = null;
        while (true) {
            if (pos == len) {
                try {
                    len = in.read(buf);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
                }
                pos = 0;
                if (len <= 0) {
                    len = 0;
                    if (sb == null) {
                        return null;
                    }
                    number++;
                    return strip(sb);
                }
            }
            int start = pos;
            while (pos < len && buf[pos] != '\n') {
                pos++;
            }
            if (sb == null) {
                sb = new StringBuilder();
            }
            sb.append(buf, start, pos - start);
            if (sb.length() > MAX_LINE) {
                throw new InventoryParseException(
                        source, number + 1, "line longer than " + MAX_LINE + " characters: not a package database");
            }
            if (pos < len) {
                pos++;
                number++;
                return strip(sb);
            }
        }
    }

    /** The number of the line {@link #next} returned last (1-based). */
    long number() {
        return number;
    }

    private static String strip(StringBuilder sb) {
        int n = sb.length();
        if (n > 0 && sb.charAt(n - 1) == '\r') {
            sb.setLength(n - 1);
        }
        return sb.toString();
    }
}
