package dev.fixpoint.core.inventory;

/**
 * A package database or os-release file is malformed. The message names the input, the line and what
 * is wrong, e.g. {@code status:12: package "libc6" has no Version field}.
 */
public final class InventoryParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;

    public InventoryParseException(String source, long line, String problem) {
        super(source + (line > 0 ? ":" + line : "") + ": " + problem);
        this.source = source;
        this.line = line;
    }

    /** The input, as the caller named it. */
    public String source() {
        return source;
    }

    /** The 1-based line, or 0 when the problem is not on one line. */
    public long line() {
        return line;
    }
}
