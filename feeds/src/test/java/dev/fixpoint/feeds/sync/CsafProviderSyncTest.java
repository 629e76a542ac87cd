package dev.fixpoint.feeds.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.feeds.FeedLoader;
import dev.fixpoint.feeds.FeedReadersTest;
import dev.fixpoint.feeds.Progress;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CSAF provider served by a real HTTP server on loopback: SUSE's real advisory and VEX directories
 * (documents, their real {@code .sha256} and {@code .asc} files, their real {@code changes.csv} lines) and a
 * Red Hat directory with year subdirectories, listed by a {@code provider-metadata.json} that also has a
 * ROLIE distribution (ignored).
 */
class CsafProviderSyncTest {

    static final String SUSE = "/csaf/suse/";
    static final String VEX = "/csaf/suse-vex/";
    static final String REDHAT = "/csaf/redhat/";
    static final String OPENSUSE_DOC = "opensuse-su-2016_1623-1.json";

    @TempDir
    Path tmp;

    StaticServer server;
    Path resources;

    @BeforeEach
    void start() throws IOException {
        server = new StaticServer();
        resources = FeedReadersTest.resource("").resolve("../sync/csaf").normalize();
        for (String dir : List.of("suse", "suse-vex")) {
            try (Stream<Path> s = Files.list(resources.resolve(dir))) {
                for (Path p : s.toList()) {
                    server.files.put("/csaf/" + dir + "/" + p.getFileName(), Files.readAllBytes(p));
                }
            }
        }
        // Red Hat: documents in year directories, one with a .sha256 (written here), one without.
        byte[] rhsa = Files.readAllBytes(FeedReadersTest.resource("csaf/rhsa-2023_5835.json"));
        server.files.put(REDHAT + "2023/rhsa-2023_5835.json", rhsa);
        server.files.put(
                REDHAT + "2023/rhsa-2023_5835.json.sha256", (sha256(rhsa) + "  rhsa-2023_5835.json\n").getBytes());
        server.files.put(
                REDHAT + "2023/cve-2023-20862.json",
                Files.readAllBytes(FeedReadersTest.resource("csaf/CVE-2023-20862.json")));
        redhatChanges("\"2023/cve-2023-20862.json\",\"2024-06-06T20:21:41+00:00\"\n"
                + "\"2023/rhsa-2023_5835.json\",\"2024-05-09T13:19:44+00:00\"\n");
        server.files.put(
                "/csaf/provider-metadata.json",
                ("{\"canonical_url\": \"" + server.uri("/csaf/provider-metadata.json")
                                + "\", \"distributions\": ["
                                + "{\"directory_url\": \"" + server.uri(SUSE) + "\"},"
                                + "{\"directory_url\": \"" + server.uri(VEX) + "\"},"
                                + "{\"directory_url\": \"" + server.uri(REDHAT) + "\"},"
                                + "{\"rolie\": {\"feeds\": [{\"url\": \"" + server.uri("/csaf/feed.json") + "\"}]}}],"
                                + " \"role\": \"csaf_trusted_provider\"}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    void redhatChanges(String text) {
        server.files.put(REDHAT + "changes.csv", text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] b) {
        return HexFormat.of().formatHex(FeedSync.sha256().digest(b));
    }

    FeedSource source() {
        return new FeedSource("csaf-provider", URI.create("csaf:" + server.uri("/csaf/provider-metadata.json")));
    }

    FeedSync.Result run(Path store, int maxChanges) throws IOException {
        return new FeedSync(HttpClient.newHttpClient(), Clock.systemUTC(), 8 << 20, maxChanges)
                .sync(List.of(source()), store)
                .get(0);
    }

    FeedSync.Result run(Path store) throws IOException {
        return run(store, 100);
    }

    static Map<String, Advisory> load(Path store) {
        return FeedLoader.load(List.of(store), Progress.none()).advisories().stream()
                .collect(Collectors.toMap(Advisory::id, a -> a));
    }

    /** Document requests (not indexes, metadata or hash files). */
    List<String> documentRequests() {
        return server.requests.stream()
                .filter(p -> p.endsWith(".json") && !p.endsWith("provider-metadata.json"))
                .toList();
    }

    @Test
    void firstSyncMirrorsEveryDirectoryThenOnlyWhatChanged() throws IOException {
        Path store = tmp.resolve("store");
        FeedSync.Result first = run(store);
        assertThat(first.outcome()).isEqualTo(FeedSync.Outcome.UPDATED);
        assertThat(first.state().lastError()).isNull();
        assertThat(first.state().fetched()).isEqualTo(5);
        assertThat(first.state().total()).isEqualTo(5);
        assertThat(first.state().cursors()).containsOnlyKeys("suse", "suse-vex", "redhat");
        assertThat(first.state().cursors().get("suse").highWaterMark())
                .isEqualTo(Instant.parse("2016-07-06T12:21:45Z"));
        assertThat(first.state().highWaterMark()).isEqualTo(Instant.parse("2024-06-06T20:21:41Z"));
        assertThat(Files.readAllBytes(store.resolve("csaf-provider/suse/" + OPENSUSE_DOC)))
                .isEqualTo(server.files.get(SUSE + OPENSUSE_DOC));
        assertThat(store.resolve("csaf-provider/redhat/2023/rhsa-2023_5835.json"))
                .isRegularFile();
        assertThat(load(store))
                .containsOnlyKeys("openSUSE-SU-2016:1623-1", "SUSE-SU-2015:0011-2", "RHSA-2023:5835", "CVE-2023-20862");
        // SUSE's VEX document for CVE-1999-0003 is stored (5 documents) but has no product tree or
        // vulnerabilities: the loader skips it as nothing to match.
        assertThat(store.resolve("csaf-provider/suse-vex/cve-1999-0003.json")).isRegularFile();
        assertThat(server.requests).doesNotContain("/csaf/feed.json"); // ROLIE is not read

        // Nothing changed: conditional GETs of the indexes only.
        server.requests.clear();
        FeedSync.Result same = run(store);
        assertThat(same.outcome()).isEqualTo(FeedSync.Outcome.NOT_MODIFIED);
        assertThat(same.state().fetched()).isZero();
        assertThat(same.state().total()).isEqualTo(5);
        assertThat(documentRequests()).isEmpty();

        // SUSE republishes one advisory: only it (and its .sha256) is fetched.
        byte[] changed = new String(server.files.get(SUSE + OPENSUSE_DOC), StandardCharsets.UTF_8)
                .replace("Security update for Chromium", "Security update for Chromium (revised)")
                .getBytes(StandardCharsets.UTF_8);
        server.files.put(SUSE + OPENSUSE_DOC, changed);
        server.files.put(SUSE + OPENSUSE_DOC + ".sha256", (sha256(changed) + "  " + OPENSUSE_DOC + "\n").getBytes());
        server.files.put(
                SUSE + "changes.csv",
                new String(server.files.get(SUSE + "changes.csv"), StandardCharsets.UTF_8)
                        .replace("2016-07-06T12:21:45Z", "2026-11-30T08:00:00Z")
                        .getBytes(StandardCharsets.UTF_8));
        server.requests.clear();
        FeedSync.Result second = run(store);
        assertThat(second.outcome()).isEqualTo(FeedSync.Outcome.UPDATED);
        assertThat(second.state().fetched()).isEqualTo(1);
        assertThat(documentRequests()).containsExactly(SUSE + OPENSUSE_DOC);
        assertThat(server.requests).contains(SUSE + OPENSUSE_DOC + ".sha256");
        assertThat(load(store).get("openSUSE-SU-2016:1623-1").summary()).contains("(revised)");
    }

    @Test
    void aWrongSha256IsRefusedAndTheOldCopyKept() throws IOException {
        Path store = tmp.resolve("store");
        run(store);
        Path copy = store.resolve("csaf-provider/suse/" + OPENSUSE_DOC);
        byte[] good = Files.readAllBytes(copy);

        // The document changes but its .sha256 does not (tampered, or published half-way).
        server.files.put(
                SUSE + OPENSUSE_DOC,
                new String(good, StandardCharsets.UTF_8)
                        .replace("Security update for Chromium", "Tampered")
                        .getBytes(StandardCharsets.UTF_8));
        server.files.put(
                SUSE + "changes.csv",
                new String(server.files.get(SUSE + "changes.csv"), StandardCharsets.UTF_8)
                        .replace("2016-07-06T12:21:45Z", "2026-11-30T08:00:00Z")
                        .getBytes(StandardCharsets.UTF_8));
        FeedSync.Result r = run(store);
        assertThat(r.outcome()).isEqualTo(FeedSync.Outcome.FAILED);
        assertThat(r.state().lastError()).contains("SHA256 mismatch").contains(OPENSUSE_DOC);
        assertThat(Files.readAllBytes(copy)).isEqualTo(good);
        assertThat(r.state().cursors().get("suse").failed()).containsOnlyKeys(OPENSUSE_DOC);
        assertThat(load(store).get("openSUSE-SU-2016:1623-1").summary()).doesNotContain("Tampered");
        try (Stream<Path> s = Files.walk(store)) {
            assertThat(s.filter(p -> p.getFileName().toString().endsWith(".tmp")))
                    .isEmpty();
        }

        // The provider fixes its .sha256: the refused document is retried and installed.
        byte[] fixed = server.files.get(SUSE + OPENSUSE_DOC);
        server.files.put(SUSE + OPENSUSE_DOC + ".sha256", (sha256(fixed) + "  " + OPENSUSE_DOC + "\n").getBytes());
        server.requests.clear();
        FeedSync.Result retried = run(store);
        assertThat(retried.outcome()).isEqualTo(FeedSync.Outcome.UPDATED);
        assertThat(retried.state().lastError()).isNull();
        assertThat(retried.state().cursors().get("suse").failed()).isEmpty();
        assertThat(documentRequests()).containsExactly(SUSE + OPENSUSE_DOC);
        assertThat(Files.readAllBytes(copy)).isEqualTo(fixed);

        // A document that does not read as CSAF is refused the same way.
        server.files.put(REDHAT + "2023/cve-2023-20862.json", "{\"document\": {}}".getBytes());
        redhatChanges("\"2023/cve-2023-20862.json\",\"2026-12-01T00:00:00Z\"\n");
        FeedSync.Result unreadable = run(store);
        assertThat(unreadable.state().lastError()).contains("not a CSAF document Fixpoint reads");
        assertThat(load(store)).containsKey("CVE-2023-20862");
    }

    @Test
    void traversalAndForeignPathsAreRefused() throws IOException {
        Path store = tmp.resolve("store");
        server.files.put("/csaf/evil.json", server.files.get(SUSE + OPENSUSE_DOC));
        redhatChanges("\"../evil.json\",\"2026-01-01T00:00:00Z\"\n"
                + "\"2023/../../evil.json\",\"2026-01-01T00:00:00Z\"\n"
                + "\"/etc/evil.json\",\"2026-01-01T00:00:00Z\"\n"
                + "\"http://evil.example/evil.json\",\"2026-01-01T00:00:00Z\"\n"
                + "\"2023\\\\..\\\\evil.json\",\"2026-01-01T00:00:00Z\"\n"
                + "\".hidden.json\",\"2026-01-01T00:00:00Z\"\n"
                + "\"2023/rhsa-2023_5835.json.asc\",\"2026-01-01T00:00:00Z\"\n"
                + "\"" + "a/".repeat(10) + "x.json\",\"2026-01-01T00:00:00Z\"\n"
                + "\"2023/rhsa-2023_5835.json\",\"2024-05-09T13:19:44+00:00\"\n");
        FeedSync.Result r = run(store);
        // The good document of that directory, and the other directories, are still installed.
        assertThat(r.outcome()).isEqualTo(FeedSync.Outcome.UPDATED);
        assertThat(r.state().lastError()).startsWith("8 problem(s)").contains("refusing the path \"../evil.json\"");
        assertThat(server.requests).noneMatch(p -> p.contains("evil") || p.contains("hidden") || p.endsWith(".asc"));
        assertThat(store.resolve("csaf-provider/redhat/2023/rhsa-2023_5835.json"))
                .isRegularFile();
        try (Stream<Path> s = Files.walk(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("evil"));
        }
        assertThat(load(store)).hasSize(3);
        assertThat(CsafProviderSync.invalidPath("2024/rhsa-2024_0001.json")).isNull();
        assertThat(CsafProviderSync.invalidPath("x".repeat(600) + ".json")).contains("longer than 512");
    }

    @Test
    void aProviderWithManyChangesIsTakenInStepsAndAFailingOneKeepsItsDocuments() throws IOException {
        Path store = tmp.resolve("store");
        // Two documents per sync: the oldest first, the mark moving only past what was taken.
        FeedSync.Result one = run(store, 2);
        assertThat(one.state().fetched()).isEqualTo(2);
        assertThat(run(store, 2).state().fetched()).isEqualTo(2);
        FeedSync.Result three = run(store, 2);
        assertThat(three.state().fetched()).isEqualTo(1);
        assertThat(three.state().total()).isEqualTo(5);
        FeedSync.Result quiet = run(store, 2);
        assertThat(quiet.outcome()).isEqualTo(FeedSync.Outcome.NOT_MODIFIED);
        assertThat(load(store)).hasSize(4);

        // The provider down: everything stays, the error is reported, the last success kept.
        server.status.set(503);
        FeedSync.Result down = run(store);
        assertThat(down.outcome()).isEqualTo(FeedSync.Outcome.FAILED);
        assertThat(down.state().lastError()).contains("HTTP 503");
        assertThat(down.state().lastSuccess()).isEqualTo(quiet.state().lastSuccess());
        assertThat(down.state().cursors()).isEqualTo(quiet.state().cursors());
        assertThat(load(store)).hasSize(4);

        // A directory URL works as a source on its own.
        server.status.set(200);
        FeedSync.Result dir = new FeedSync(HttpClient.newHttpClient(), Clock.systemUTC(), 8 << 20)
                .sync(List.of(FeedSource.csaf("suse-vex", server.uri(VEX))), store)
                .get(0);
        assertThat(dir.state().total()).isEqualTo(1);
        assertThat(dir.state().cursors()).containsOnlyKeys("suse-vex");
    }

    @Test
    void metadataWithoutDirectoriesIsAnError() throws IOException {
        server.files.put(
                "/csaf/provider-metadata.json",
                "{\"distributions\": [{\"rolie\": {\"feeds\": []}}]}".getBytes(StandardCharsets.UTF_8));
        FeedSync.Result r = run(tmp.resolve("store"));
        assertThat(r.outcome()).isEqualTo(FeedSync.Outcome.FAILED);
        assertThat(r.state().lastError()).contains("only ROLIE feed distributions");
        server.files.put(
                "/csaf/provider-metadata.json",
                "{\"distributions\": [{\"directory_url\": \"file:///etc/\"}]}".getBytes(StandardCharsets.UTF_8));
        assertThat(run(tmp.resolve("store")).state().lastError()).contains("refusing directory_url");
    }
}
