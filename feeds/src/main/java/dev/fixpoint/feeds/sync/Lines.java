package dev.fixpoint.feeds.sync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Reads the lines of an index file (UTF-8), each and all of them bounded. */
final class Lines {
    private final InputStream in;
    private final String input;
    private final int maxLine;
    private final long maxBytes;
    private final byte[] line;
    private long read;
    private int number;

    Lines(InputStream in, String input, int maxLine, long maxBytes) {
        this.in = in;
        this.input = input;
        this.maxLine = maxLine;
        this.maxBytes = maxBytes;
        this.line = new byte[maxLine];
    }

    /** The next line without its line break ({@code \n} or {@code \r\n}), or null at the end. */
    String next() throws IOException {
        int n = 0;
        int b;
        while ((b = in.read()) >= 0) {
            if (++read > maxBytes) {
                throw new IOException(input + " is larger than the limit of " + maxBytes + " bytes");
            }
            if (b == '\n') {
                break;
            }
            if (n == maxLine) {
                throw new IOException(input + " line " + (number + 1) + " is longer than " + maxLine + " bytes");
            }
            line[n++] = (byte) b;
        }
        if (b < 0 && n == 0) {
            return null;
        }
        number++;
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        return new String(line, 0, n, StandardCharsets.UTF_8);
    }

    int number() {
        return number;
    }

    /** An RFC 3339 time ({@code Z} or an offset). */
    static Instant time(String s) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
