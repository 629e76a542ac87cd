package dev.fixpoint.feeds;

/**
 * A feed file is malformed: the message names the input (file, or {@code file!entry} inside an
 * archive), the position when known, and what is wrong, e.g. {@code epss.csv:17: EPSS score "x" is not
 * a number}.
 */
public final class FeedFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String input;
    private final long line;
    private final long column;
    private final String problem;

    public FeedFormatException(String input, long line, long column, String problem) {
        this(input, line, column, problem, null);
    }

    public FeedFormatException(String input, long line, long column, String problem, Throwable cause) {
        super(input + (line > 0 ? ":" + line + (column > 0 ? ":" + column : "") : "") + ": " + problem, cause);
        this.input = input;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    public String input() {
        return input;
    }

    /** 1-based, or 0 when unknown. */
    public long line() {
        return line;
    }

    /** 1-based, or 0 when unknown. */
    public long column() {
        return column;
    }

    public String problem() {
        return problem;
    }
}
