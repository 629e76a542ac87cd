package dev.fixpoint.feeds.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.fixpoint.feeds.FeedFormatException;
import dev.fixpoint.feeds.FeedLoader;
import dev.fixpoint.feeds.FeedReadersTest;
import dev.fixpoint.feeds.Progress;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real download code against a real HTTP server on loopback, serving real feed files. */
class FeedSyncTest {

    @TempDir
    Path tmp;

    HttpServer server;
    final AtomicReference<byte[]> kev = new AtomicReference<>();
    final AtomicInteger status = new AtomicInteger(200);
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger notModified = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        kev.set(Files.readAllBytes(FeedReadersTest.resource("kev/kev-excerpt.json")));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/kev.json", ex -> {
            requests.incrementAndGet();
            byte[] body = kev.get();
            String etag = "\"" + java.util.Arrays.hashCode(body) + "\"";
            if (status.get() != 200) {
                ex.sendResponseHeaders(status.get(), -1);
            } else if (etag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                notModified.incrementAndGet();
                ex.sendResponseHeaders(304, -1);
            } else {
                ex.getResponseHeaders().add("ETag", etag);
                ex.getResponseHeaders().add("Last-Modified", "Fri, 07 Aug 2026 16:45:47 GMT");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    FeedSource source() {
        return new FeedSource(
                "cisa-kev.json",
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/kev.json"));
    }

    FeedSync sync() {
        return new FeedSync(HttpClient.newHttpClient(), Clock.systemUTC(), 1 << 20);
    }

    @Test
    void conditionalGetKeepsTheStoreCurrent() throws IOException {
        Path store = tmp.resolve("store");
        List<FeedSync.Result> first = sync().sync(List.of(source()), store);
        assertThat(first).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(FeedSync.Outcome.UPDATED);
            assertThat(r.state().etag()).isNotNull();
            assertThat(r.state().sha256()).hasSize(64);
        });
        assertThat(FeedLoader.load(List.of(store), Progress.none()).kev().size())
                .isEqualTo(2);

        List<FeedSync.Result> second = sync().sync(List.of(source()), store);
        assertThat(second.get(0).outcome()).isEqualTo(FeedSync.Outcome.NOT_MODIFIED);
        assertThat(notModified.get()).isEqualTo(1);

        kev.set(new String(kev.get(), StandardCharsets.UTF_8)
                .replace("2026.08.07", "2026.08.08")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(sync().sync(List.of(source()), store).get(0).outcome()).isEqualTo(FeedSync.Outcome.UPDATED);
        assertThat(FeedLoader.load(List.of(store), Progress.none()).kev().catalogVersion())
                .isEqualTo("2026.08.08");
        assertThat(FeedSync.readState(store)).containsKey("cisa-kev.json");
    }

    @Test
    void aFailingSourceKeepsTheLastGoodDataAndReportsTheError() throws IOException {
        Path store = tmp.resolve("store");
        sync().sync(List.of(source()), store);
        byte[] good = Files.readAllBytes(store.resolve("cisa-kev.json"));
        status.set(503);
        FeedSync.Result r = sync().sync(List.of(source()), store).get(0);
        assertThat(r.outcome()).isEqualTo(FeedSync.Outcome.FAILED);
        assertThat(r.state().lastError()).contains("HTTP 503");
        assertThat(r.state().sha256()).isNotNull();
        assertThat(r.state().lastSuccess()).isBefore(r.state().lastAttempt().plusNanos(1));
        assertThat(Files.readAllBytes(store.resolve("cisa-kev.json"))).isEqualTo(good);
        assertThat(FeedSync.readState(store).get("cisa-kev.json").lastError()).contains("HTTP 503");

        server.stop(0);
        FeedSync.Result down = sync().sync(List.of(source()), store).get(0);
        assertThat(down.outcome()).isEqualTo(FeedSync.Outcome.FAILED);
        assertThat(Files.readAllBytes(store.resolve("cisa-kev.json"))).isEqualTo(good);
    }

    @Test
    void bundlesCarryAVerifiedManifest() throws IOException {
        Path store = tmp.resolve("store");
        sync().sync(List.of(source()), store);
        Files.copy(FeedReadersTest.resource("osv/ALSA-2026:54662.json"), store.resolve("ALSA-2026-54662.json"));
        Path bundle = tmp.resolve("feeds.fpbundle");
        assertThat(Bundle.create(store, bundle, Instant.parse("2026-11-29T00:00:00Z")))
                .isEqualTo(2);

        Path airgapped = tmp.resolve("airgapped");
        assertThat(Bundle.importTo(bundle, airgapped, 1 << 20))
                .containsExactlyInAnyOrder("cisa-kev.json", "ALSA-2026-54662.json");
        var loaded = FeedLoader.load(List.of(airgapped), Progress.none());
        assertThat(loaded.kev().size()).isEqualTo(2);
        assertThat(loaded.advisories()).hasSize(1);
    }

    @Test
    void aTamperedBundleIsRefusedAndChangesNothing() throws IOException {
        Path store = tmp.resolve("store");
        sync().sync(List.of(source()), store);
        Path bundle = tmp.resolve("good.zip");
        Bundle.create(store, bundle, Instant.EPOCH);
        String manifest;
        try (var z = new java.util.zip.ZipFile(bundle.toFile())) {
            manifest = new String(z.getInputStream(z.getEntry("manifest.json")).readAllBytes(), StandardCharsets.UTF_8);
        }
        Path target = tmp.resolve("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("cisa-kev.json"), "previous");

        Path edited = zip("edited.zip", "manifest.json", manifest, "cisa-kev.json", "{\"tampered\": true}");
        assertThatThrownBy(() -> Bundle.importTo(edited, target, 1 << 20))
                .isInstanceOf(FeedFormatException.class)
                .hasMessageContaining("does not match the manifest");
        Path traversal = zip("traversal.zip", "manifest.json", manifest, "../evil.json", "{}");
        assertThatThrownBy(() -> Bundle.importTo(traversal, target, 1 << 20))
                .hasMessageContaining("not a plain file name");
        Path missing = zip("missing.zip", "manifest.json", manifest);
        assertThatThrownBy(() -> Bundle.importTo(missing, target, 1 << 20))
                .hasMessageContaining("in the manifest but not in the bundle");
        Path noManifest = zip("nomanifest.zip", "cisa-kev.json", "{}");
        assertThatThrownBy(() -> Bundle.importTo(noManifest, target, 1 << 20))
                .hasMessageContaining("the first entry must be manifest.json");
        assertThat(Files.readString(target.resolve("cisa-kev.json"))).isEqualTo("previous");
        try (var s = Files.list(target)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("cisa-kev.json");
        }
    }

    private Path zip(String name, String... entries) throws IOException {
        Path p = tmp.resolve(name);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
            for (int i = 0; i < entries.length; i += 2) {
                z.putNextEntry(new ZipEntry(entries[i]));
                z.write(entries[i + 1].getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return p;
    }
}
