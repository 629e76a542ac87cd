package dev.fixpoint.bench.load;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A minimal blocking HTTP/1.1 client on one kept-alive (TLS) socket, for the measured phases of the
 * load generator. The JDK's {@code HttpClient} hands every exchange between its selector thread, its
 * executor and the caller, and in this one-JVM, two-core set-up those hand-offs and its allocation
 * took a fifth of the CPU the server should have had; real agents run on other machines. This client
 * writes a request with one flush and reads the answer on the calling thread. It is not a general
 * client: bodies are sent with Content-Length, answers read by Content-Length or chunked coding.
 */
final class RawHttp implements AutoCloseable {
    /** An answer: status code and body. */
    record Reply(int status, String body) {}

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String hostHeader;
    private boolean open = true;
    private long lastUsed = System.nanoTime();

    private RawHttp(Socket socket, String hostHeader) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        this.hostHeader = hostHeader;
    }

    static RawHttp connect(URI base, SSLContext ssl) throws IOException {
        int port = base.getPort() > 0 ? base.getPort() : base.getScheme().equals("https") ? 443 : 80;
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress(base.getHost(), port), 10_000);
        plain.setSoTimeout(60_000);
        Socket s = plain;
        if (base.getScheme().equals("https")) {
            SSLSocket tls = (SSLSocket) ssl.getSocketFactory().createSocket(plain, base.getHost(), port, true);
            tls.startHandshake();
            s = tls;
        }
        return new RawHttp(s, base.getHost() + ":" + port);
    }

    /**
     * Sends one request and reads its answer; on any error the connection is closed. {@code gzip}:
     * the body is gzip-compressed (sent with {@code Content-Encoding: gzip}).
     */
    Reply exchange(String method, String path, String bearer, byte[] body, boolean gzip) throws IOException {
        try {
            String head = method + " " + path + " HTTP/1.1\r\nHost: " + hostHeader
                    + (gzip ? "\r\nContent-Encoding: gzip" : "")
                    + "\r\nAuthorization: Bearer " + bearer
                    + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            Reply r = read();
            lastUsed = System.nanoTime();
            return r;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    boolean isOpen() {
        return open;
    }

    private Reply read() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equals("transfer-encoding")
                    && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
                open = false;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (long n = Long.parseLong(chunkSize(line()), 16); n > 0; n = Long.parseLong(chunkSize(line()), 16)) {
                copy(n, body);
                line();
            }
            for (String t = line(); !t.isEmpty(); t = line()) {
                // trailers: none expected
            }
        } else if (length >= 0) {
            copy(length, body);
        } else {
            throw new IOException("answer without Content-Length or chunked coding");
        }
        if (!open) {
            close();
        }
        return new Reply(code, body.toString(StandardCharsets.UTF_8));
    }

    private static String chunkSize(String line) {
        int semi = line.indexOf(';');
        return (semi < 0 ? line : line.substring(0, semi)).trim();
    }

    private void copy(long n, ByteArrayOutputStream to) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, 16 * 1024)];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(n, buf.length));
            if (r < 0) {
                throw new EOFException("connection closed in the middle of an answer");
            }
            to.write(buf, 0, r);
            n -= r;
        }
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (c == '\n') {
                int len = b.length();
                return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
            }
            if (b.length() > 16 * 1024) {
                throw new IOException("header line longer than 16 KiB");
            }
            b.append((char) c);
        }
    }

    @Override
    public void close() {
        open = false;
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /**
     * Idle connections shared by the generator's workers: one exchange at a time per connection. A
     * connection idle for longer than {@link #MAX_IDLE_NANOS} is closed rather than reused: the server
     * closes idle connections after 30 s, and a request sent as it does so would fail for the client's
     * reason, not the server's.
     */
    static final class Pool implements AutoCloseable {
        static final long MAX_IDLE_NANOS = 15_000_000_000L;
        private final URI base;
        private final SSLContext ssl;
        private final ConcurrentLinkedDeque<RawHttp> idle = new ConcurrentLinkedDeque<>();

        Pool(URI base, SSLContext ssl) {
            this.base = base;
            this.ssl = ssl;
        }

        Reply exchange(String method, String path, String bearer, byte[] body, boolean gzip) throws IOException {
            RawHttp c = idle.pollFirst();
            while (c != null && System.nanoTime() - c.lastUsed > MAX_IDLE_NANOS) {
                c.close();
                c = idle.pollFirst();
            }
            if (c == null) {
                c = connect(base, ssl);
            }
            Reply r = c.exchange(method, path, bearer, body, gzip);
            if (c.isOpen()) {
                idle.addFirst(c);
            }
            return r;
        }

        @Override
        public void close() {
            for (RawHttp c = idle.poll(); c != null; c = idle.poll()) {
                c.close();
            }
        }
    }
}
