package dev.fixpoint.feeds.sync;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP server on loopback serving files from a map, with ETags and a log of every request. */
final class StaticServer implements AutoCloseable {
    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger status = new AtomicInteger(200);
    private final HttpServer server;

    StaticServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getRawPath();
            requests.add(path);
            byte[] body = files.get(path);
            if (status.get() != 200) {
                ex.sendResponseHeaders(status.get(), -1);
            } else if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                String etag = "\"" + java.util.Arrays.hashCode(body) + "\"";
                if (etag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                    ex.sendResponseHeaders(304, -1);
                } else {
                    ex.getResponseHeaders().add("ETag", etag);
                    ex.sendResponseHeaders(200, body.length);
                    try (OutputStream o = ex.getResponseBody()) {
                        o.write(body);
                    }
                }
            }
            ex.close();
        });
        server.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Requests for paths starting with {@code prefix} since the log was last cleared. */
    List<String> requestsUnder(String prefix) {
        return requests.stream().filter(p -> p.startsWith(prefix)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
