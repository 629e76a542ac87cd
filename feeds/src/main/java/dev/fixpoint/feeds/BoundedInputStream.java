package dev.fixpoint.feeds;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Fails with a {@link FeedFormatException} once more than {@code max} bytes have been read. */
public final class BoundedInputStream extends FilterInputStream {
    private final long max;
    private final String input;
    private final String what;
    private long count;

    public BoundedInputStream(InputStream in, long max, String input, String what) {
        super(in);
        this.max = max;
        this.input = input;
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            add(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            add(n);
        }
        return n;
    }

    /** A view of {@code in} whose {@code close()} leaves it open (for the entries of an archive). */
    public static InputStream keepOpen(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public void close() {}
        };
    }

    public long count() {
        return count;
    }

    private void add(long n) {
        count += n;
        if (count > max) {
            throw new FeedFormatException(input, 0, 0, what + " is larger than the limit of " + max + " bytes");
        }
    }
}
