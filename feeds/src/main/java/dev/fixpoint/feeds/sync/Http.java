package dev.fixpoint.feeds.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/** The HTTP requests of the incremental sources: bounded GETs, conditional where asked. */
final class Http {

    /** A response other than the one expected. */
    static final class StatusException extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;

        StatusException(int status, URI uri) {
            super("HTTP " + status + " from " + uri);
            this.status = status;
        }
    }

    /** A 200 or 304 response; the body must be closed. */
    record Response(int status, String etag, String lastModified, InputStream body) {
        boolean notModified() {
            return status == 304;
        }
    }

    /** A body written to a file: its SHA-256 and SHA-512 and size. */
    record Stored(String sha256, String sha512, long bytes) {}

    private final HttpClient client;

    Http(HttpClient client) {
        this.client = client;
    }

    /** GET; 200 or (with validators) 304, anything else fails. */
    Response get(URI uri, String etag, String lastModified) throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMinutes(10))
                .header("User-Agent", "fixpoint-feed-sync")
                .GET();
        if (etag != null) {
            req.header("If-None-Match", etag);
        }
        if (lastModified != null) {
            req.header("If-Modified-Since", lastModified);
        }
        HttpResponse<InputStream> resp = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        int status = resp.statusCode();
        if (status == 304 && (etag != null || lastModified != null)) {
            resp.body().close();
            return new Response(304, etag, lastModified, InputStream.nullInputStream());
        }
        if (status != 200) {
            resp.body().close();
            throw new StatusException(status, uri);
        }
        return new Response(
                200,
                resp.headers().firstValue("ETag").orElse(null),
                resp.headers().firstValue("Last-Modified").orElse(null),
                resp.body());
    }

    /** GET into memory, at most {@code max} bytes. */
    byte[] bytes(URI uri, int max) throws IOException, InterruptedException {
        try (InputStream in = get(uri, null, null).body()) {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw new IOException(uri + " is larger than the limit of " + max + " bytes");
            }
            return b;
        }
    }

    /** GET into {@code file}, at most {@code max} bytes, with its digests. */
    Stored download(URI uri, Path file, long max) throws IOException, InterruptedException {
        try (InputStream in = get(uri, null, null).body()) {
            return write(in, file, max, uri.toString());
        }
    }

    static Stored write(InputStream in, Path file, long max, String what) throws IOException {
        MessageDigest sha256 = FeedSync.sha256();
        MessageDigest sha512 = digest("SHA-512");
        long n = 0;
        try (InputStream d = new DigestInputStream(new DigestInputStream(in, sha256), sha512);
                OutputStream out = Files.newOutputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = d.read(buf)) > 0; ) {
                n += r;
                if (n > max) {
                    throw new IOException(what + " is larger than the limit of " + max + " bytes");
                }
                out.write(buf, 0, r);
            }
        }
        return new Stored(
                HexFormat.of().formatHex(sha256.digest()), HexFormat.of().formatHex(sha512.digest()), n);
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
