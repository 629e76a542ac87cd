package dev.fixpoint.agent.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the beginning and the end of a process's output, at most {@code head + tail} bytes however
 * much it writes (apt can write megabytes): what went wrong is usually at the end, what was attempted
 * at the beginning.
 */
final class BoundedOutput {
    private final byte[] head;
    private final byte[] tail;
    private int headLen;
    private long tailWritten;
    private long total;

    BoundedOutput(int headBytes, int tailBytes) {
        this.head = new byte[headBytes];
        this.tail = new byte[tailBytes];
    }

    /** Reads {@code in} to its end. */
    void drain(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            write(buf, n);
        }
    }

    synchronized void write(byte[] b, int len) {
        total += len;
        int i = 0;
        while (i < len && headLen < head.length) {
            head[headLen++] = b[i++];
        }
        for (; i < len; i++) {
            if (tail.length > 0) {
                tail[(int) (tailWritten % tail.length)] = b[i];
            }
            tailWritten++;
        }
    }

    synchronized long total() {
        return total;
    }

    /** The kept text, with a marker where bytes were left out. Invalid UTF-8 becomes U+FFFD. */
    synchronized String text() {
        StringBuilder s = new StringBuilder(new String(head, 0, headLen, StandardCharsets.UTF_8));
        if (tailWritten == 0) {
            return s.toString();
        }
        int kept = (int) Math.min(tailWritten, tail.length);
        byte[] t = new byte[kept];
        int start = (int) ((tailWritten - kept) % Math.max(1, tail.length));
        for (int k = 0; k < kept; k++) {
            t[k] = tail[(start + k) % tail.length];
        }
        long omitted = tailWritten - kept;
        if (omitted > 0) {
            s.append("\n[… ").append(omitted).append(" bytes left out …]\n");
        }
        return s.append(new String(t, StandardCharsets.UTF_8)).toString();
    }
}
