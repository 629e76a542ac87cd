package dev.fixpoint.feeds.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.feeds.FeedLoader;
import dev.fixpoint.feeds.FeedReadersTest;
import dev.fixpoint.feeds.Progress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * osv.dev's per-ecosystem export, served from real AlmaLinux records (test resources {@code sync/osv})
 * by a real HTTP server on loopback: {@code all.zip} and {@code modified_id.csv} are built from them here,
 * as osv.dev builds them (entries {@code <ID>.json}; lines {@code <modified>,<ID>}, newest first).
 */
class OsvEcosystemSyncTest {

    static final String BASE = "/osv/AlmaLinux";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    StaticServer server;
    final Map<String, String> records = new TreeMap<>(); // id -> JSON text

    @BeforeEach
    void start() throws IOException {
        server = new StaticServer();
        try (Stream<Path> s =
                Files.list(FeedReadersTest.resource("").resolve("../sync/osv").normalize())) {
            for (Path p : s.sorted().toList()) {
                String text = Files.readString(p);
                records.put(JSON.readTree(text).get("id").asText(), text);
            }
        }
        publish();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Builds all.zip, modified_id.csv and the per-record files from {@link #records}. */
    void publish() throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            for (Map.Entry<String, String> r : records.entrySet()) {
                z.putNextEntry(new ZipEntry(r.getKey() + ".json"));
                z.write(r.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
                server.files.put(BASE + "/" + r.getKey() + ".json", r.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        server.files.put(BASE + "/all.zip", zip.toByteArray());
        List<String[]> lines = new ArrayList<>();
        for (Map.Entry<String, String> r : records.entrySet()) {
            lines.add(new String[] {JSON.readTree(r.getValue()).get("modified").asText(), r.getKey()});
        }
        lines.sort(Comparator.comparing((String[] l) -> Instant.parse(l[0])).reversed());
        csv(lines.stream().map(l -> l[0] + "," + l[1]).collect(Collectors.joining("\n", "", "\n")));
    }

    void csv(String text) {
        server.files.put(BASE + "/modified_id.csv", text.getBytes(StandardCharsets.UTF_8));
    }

    /** A changed record: new modified time and summary, as osv.dev would republish it. */
    void change(String id, String modified) throws IOException {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(records.get(id));
        node.put("modified", modified);
        node.put("summary", "Updated: " + node.path("summary").asText());
        records.put(id, JSON.writeValueAsString(node));
    }

    FeedSource source() {
        return new FeedSource("osv-almalinux.zip", java.net.URI.create("osv:" + server.uri(BASE)));
    }

    FeedSync sync(int maxChanges) {
        return new FeedSync(HttpClient.newHttpClient(), Clock.systemUTC(), 1 << 20, maxChanges);
    }

    FeedSync.Result run(Path store) throws IOException {
        return sync(100).sync(List.of(source()), store).get(0);
    }

    static Map<String, Advisory> load(Path store) {
        return FeedLoader.load(List.of(store), Progress.none()).advisories().stream()
                .collect(Collectors.toMap(Advisory::id, a -> a));
    }

    @Test
    void theConfigurationSyntaxNamesTheKind() {
        FeedSource s = new FeedSource(
                "osv-rocky.zip",
                java.net.URI.create("osv:https://osv-vulnerabilities.storage.googleapis.com/Rocky%20Linux"));
        assertThat(s.kind()).isEqualTo(FeedSource.Kind.OSV_ECOSYSTEM);
        assertThat(s.location()).hasToString("https://osv-vulnerabilities.storage.googleapis.com/Rocky%20Linux");
        assertThat(FeedSource.defaults())
                .filteredOn(d -> d.name().startsWith("osv-"))
                .allSatisfy(d -> assertThat(d.kind()).isEqualTo(FeedSource.Kind.OSV_ECOSYSTEM));
        assertThat(new FeedSource("kev.json", java.net.URI.create("https://example.org/kev.json")).kind())
                .isEqualTo(FeedSource.Kind.FILE);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new FeedSource("x", java.net.URI.create("osv:ftp://example.org/Debian")))
                .hasMessageContaining("needs an https or http URL");
    }

    @Test
    void firstSyncTakesAllZipThenOnlyTheChangedRecords() throws IOException {
        Path store = tmp.resolve("store");
        FeedSync.Result first = run(store);
        assertThat(first.outcome()).isEqualTo(FeedSync.Outcome.UPDATED);
        assertThat(first.state().total()).isEqualTo(20);
        assertThat(first.state().fetched()).isEqualTo(20);
        assertThat(first.state().highWaterMark()).isEqualTo(Instant.parse("2026-05-26T12:29:05Z"));
        assertThat(server.requestsUnder(BASE)).containsExactly(BASE + "/all.zip");
        assertThat(load(store)).hasSize(20).containsKey("ALSA-2024:1502");

        // Nothing changed: the index is read up to the mark (its first line), nothing else.
        server.requests.clear();
        assertThat(run(store).outcome()).isEqualTo(FeedSync.Outcome.NOT_MODIFIED);
        assertThat(server.requests).containsExactly(BASE + "/modified_id.csv");
        // The index has not changed since: 304.
        server.requests.clear();
        FeedSync.Result same = run(store);
        assertThat(same.outcome()).isEqualTo(FeedSync.Outcome.NOT_MODIFIED);
        assertThat(same.state().etag()).isNotNull();
        assertThat(server.requests).containsExactly(BASE + "/modified_id.csv");

        change("ALSA-2024:1502", "2026-12-01T10:00:00Z");
        change("ALSA-2022:5527", "2026-12-01T09:00:00.5Z");
        publish();
        server.requests.clear();
        FeedSync.Result second = run(store);
        assertThat(second.outcome()).isEqualTo(FeedSync.Outcome.UPDATED);
        assertThat(second.state().fetched()).isEqualTo(2);
        assertThat(second.state().total()).isEqualTo(20);
        assertThat(second.state().highWaterMark()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(server.requests)
                .containsExactly(
                        BASE + "/modified_id.csv", BASE + "/ALSA-2024:1502.json", BASE + "/ALSA-2022:5527.json");
        Map<String, Advisory> loaded = load(store);
        assertThat(loaded).hasSize(20);
        assertThat(loaded.get("ALSA-2024:1502").summary()).startsWith("Updated: ");
        assertThat(loaded.get("ALSA-2022:5527").modified()).isEqualTo(Instant.parse("2026-12-01T09:00:00.5Z"));
        assertThat(loaded.get("ALSA-2023:1067").summary()).doesNotStartWith("Updated: ");
        assertThat(second.state().sha256()).isNotEqualTo(first.state().sha256());
        assertThat(FeedSync.readState(store).get("osv-almalinux.zip").highWaterMark())
                .isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        try (Stream<Path> s = Files.list(store)) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("osv-almalinux.zip", FeedSync.STATE_FILE);
        }
    }

    @Test
    void moreChangesThanTheLimitFetchAllZipAgain() throws IOException {
        Path store = tmp.resolve("store");
        sync(1).sync(List.of(source()), store);
        change("ALSA-2024:1502", "2026-12-01T10:00:00Z");
        change("ALSA-2022:5527", "2026-12-01T09:00:00Z");
        publish();
        server.requests.clear();
        FeedSync.Result r = sync(1).sync(List.of(source()), store).get(0);
        assertThat(r.outcome()).isEqualTo(FeedSync.Outcome.UPDATED);
        assertThat(server.requests).containsExactly(BASE + "/modified_id.csv", BASE + "/all.zip");
        assertThat(r.state().highWaterMark()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(load(store).get("ALSA-2022:5527").summary()).startsWith("Updated: ");
    }

    @Test
    void aFailureKeepsTheLastGoodZipAndMark() throws IOException {
        Path store = tmp.resolve("store");
        FeedSync.Result good = run(store);
        byte[] zip = Files.readAllBytes(store.resolve("osv-almalinux.zip"));

        // A record the index lists cannot be fetched: nothing is replaced, the mark stays.
        change("ALSA-2024:1502", "2026-12-01T10:00:00Z");
        change("ALSA-2022:5527", "2026-12-01T09:00:00Z");
        publish();
        server.files.remove(BASE + "/ALSA-2022:5527.json");
        FeedSync.Result r = run(store);
        assertThat(r.outcome()).isEqualTo(FeedSync.Outcome.FAILED);
        assertThat(r.state().lastError()).contains("HTTP 404").contains("ALSA-2022:5527");
        assertThat(r.state().highWaterMark()).isEqualTo(good.state().highWaterMark());
        assertThat(r.state().sha256()).isEqualTo(good.state().sha256());
        assertThat(r.state().lastSuccess()).isEqualTo(good.state().lastSuccess());
        assertThat(Files.readAllBytes(store.resolve("osv-almalinux.zip"))).isEqualTo(zip);
        assertThat(load(store).get("ALSA-2024:1502").summary()).doesNotStartWith("Updated: ");

        // A record that is not the one asked for is refused too.
        publish();
        server.files.put(BASE + "/ALSA-2022:5527.json", server.files.get(BASE + "/ALSA-2024:1502.json"));
        assertThat(run(store).state().lastError()).contains("does not hold the record ALSA-2022:5527");
        assertThat(Files.readAllBytes(store.resolve("osv-almalinux.zip"))).isEqualTo(zip);

        // The server down.
        server.status.set(503);
        assertThat(run(store).state().lastError()).contains("HTTP 503");
        assertThat(Files.readAllBytes(store.resolve("osv-almalinux.zip"))).isEqualTo(zip);

        // Back: both changes arrive, nothing was lost.
        server.status.set(200);
        publish();
        FeedSync.Result back = run(store);
        assertThat(back.outcome()).isEqualTo(FeedSync.Outcome.UPDATED);
        assertThat(back.state().fetched()).isEqualTo(2);
        assertThat(back.state().lastError()).isNull();
        assertThat(load(store).get("ALSA-2022:5527").summary()).startsWith("Updated: ");
        try (Stream<Path> s = Files.list(store)) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith(".")))
                    .isEmpty();
        }
    }

    @Test
    void hostileIdsAreRefusedBeforeTheyBecomeUrlsOrNames() throws IOException {
        Path store = tmp.resolve("store");
        run(store);
        byte[] zip = Files.readAllBytes(store.resolve("osv-almalinux.zip"));
        String current = new String(server.files.get(BASE + "/modified_id.csv"), StandardCharsets.UTF_8);
        for (String hostile : List.of(
                "../x",
                "..%2Fx",
                "a/b",
                "/etc/passwd",
                "ALSA-2024:1502/../../x",
                "A".repeat(101),
                "http://evil.example/x",
                "x y")) {
            csv("2027-01-01T00:00:00Z," + hostile + "\n" + current);
            server.requests.clear();
            FeedSync.Result r = run(store);
            assertThat(r.outcome()).as(hostile).isEqualTo(FeedSync.Outcome.FAILED);
            assertThat(r.state().lastError()).as(hostile).contains("refusing the ID");
            assertThat(server.requests).as(hostile).containsExactly(BASE + "/modified_id.csv");
            assertThat(Files.readAllBytes(store.resolve("osv-almalinux.zip"))).isEqualTo(zip);
        }
        // An absurdly long line is refused as it is read, not held.
        csv("2027-01-01T00:00:00Z," + "A".repeat(1 << 20) + "\n" + current);
        FeedSync.Result r = run(store);
        assertThat(r.outcome()).isEqualTo(FeedSync.Outcome.FAILED);
        assertThat(r.state().lastError()).contains("longer than 512 bytes");
        // Not an index at all.
        csv("<html>not found</html>\n");
        assertThat(run(store).state().lastError()).contains("expected \"<RFC 3339 time>,<ID>\"");
        assertThat(Files.readAllBytes(store.resolve("osv-almalinux.zip"))).isEqualTo(zip);
        assertThat(load(store)).hasSize(20);
    }

    @Test
    void anUnreadableAllZipIsNotInstalled() throws IOException {
        Path store = tmp.resolve("store");
        Files.createDirectories(store);
        Files.writeString(store.resolve("osv-almalinux.zip"), "previous");
        server.files.put(BASE + "/all.zip", "{\"not\": \"a zip\"}".getBytes(StandardCharsets.UTF_8));
        FeedSync.Result r = run(store);
        assertThat(r.outcome()).isEqualTo(FeedSync.Outcome.FAILED);
        assertThat(r.state().highWaterMark()).isNull();
        assertThat(Files.readString(store.resolve("osv-almalinux.zip"))).isEqualTo("previous");
    }
}
