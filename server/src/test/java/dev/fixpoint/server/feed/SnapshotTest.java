package dev.fixpoint.server.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fixpoint.core.advisory.Advisory;
import dev.fixpoint.feeds.FeedFormatException;
import dev.fixpoint.feeds.FeedKind;
import dev.fixpoint.feeds.FeedLoader;
import dev.fixpoint.feeds.LoadedFeeds;
import dev.fixpoint.feeds.Progress;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot committed in the server's resources: real data, verified on import, never over a store's own. */
class SnapshotTest {

    @TempDir
    Path tmp;

    @Test
    void theBundledSnapshotIsSmallAndHoldsTheSyncSourcesFiles() {
        Snapshot.SnapshotInfo info = Snapshot.bundled().orElseThrow();
        assertThat(info.bytes()).isPositive().isLessThan(8L << 20);
        assertThat(info.created()).isAfter(Instant.parse("2026-08-01T00:00:00Z"));
        assertThat(info.files())
                .extracting(Snapshot.BundledFile::name)
                .contains("cisa-kev.json", "epss_scores-current.csv.gz", "osv-almalinux.zip", "SOURCES.md");
    }

    @Test
    void anEmptyStoreGetsTheSnapshotAndFeedLoaderFindsRealData() throws Exception {
        Path store = tmp.resolve("feeds"); // not there yet: created
        Optional<Instant> installed = Snapshot.installIfEmpty(store);
        assertThat(installed).contains(Snapshot.bundled().orElseThrow().created());

        LoadedFeeds feeds = FeedLoader.load(List.of(store), Progress.none());
        assertThat(feeds.advisories()).hasSizeGreaterThan(1_000);
        assertThat(feeds.kev().size()).isGreaterThan(1_000);
        assertThat(feeds.kev().catalogVersion()).isEqualTo("2026.08.07");
        assertThat(feeds.epss().size()).isGreaterThan(100_000);
        assertThat(feeds.files().get(FeedKind.OSV)).isEqualTo(7); // AlmaLinux, Debian, Ubuntu, Alpine, Rocky, RH, SUSE
        assertThat(feeds.skipped()).singleElement().asString().endsWith("SOURCES.md");
        assertThat(feeds.advisories())
                .extracting(Advisory::id)
                .contains("RLSA-2023:0005", "USN-7095-1", "ALPINE-CVE-2023-46850", "DSA-135");
        // Known real values: Log4Shell is in KEV and scored by EPSS.
        assertThat(feeds.kev().get("CVE-2021-44228")).isPresent();
        assertThat(feeds.epss().get("CVE-2021-44228").orElseThrow().probability())
                .isGreaterThan(0.9);
        try (Stream<Path> s = Files.list(store)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    @Test
    void aStoreWithFeedsIsLeftUntouched() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("feeds"));
        Files.writeString(store.resolve("mine.json"), "{}", StandardCharsets.UTF_8);
        assertThat(Snapshot.installIfEmpty(store)).isEmpty();
        try (Stream<Path> s = Files.list(store)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("mine.json");
        }
        assertThat(Files.readString(store.resolve("mine.json"))).isEqualTo("{}");
    }

    @Test
    void aStoreWithOnlySyncStateCountsAsEmpty() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("feeds"));
        Files.writeString(store.resolve("sync-state.json"), "{}", StandardCharsets.UTF_8);
        assertThat(Snapshot.hasFeedFiles(store)).isFalse();
    }

    @Test
    void aTamperedSnapshotIsRefusedAndTheStoreStaysEmpty() throws Exception {
        // The same bundle with one byte of the KEV catalogue changed; the manifest is kept as it was.
        Path tampered = tmp.resolve("tampered.fpbundle");
        try (InputStream in = Objects.requireNonNull(Snapshot.class.getResourceAsStream(Snapshot.RESOURCE));
                ZipInputStream zin = new ZipInputStream(in);
                OutputStream raw = Files.newOutputStream(tampered);
                ZipOutputStream zout = new ZipOutputStream(raw)) {
            for (ZipEntry e = zin.getNextEntry(); e != null; e = zin.getNextEntry()) {
                byte[] data = zin.readAllBytes();
                if (e.getName().equals("cisa-kev.json")) {
                    String s = new String(data, StandardCharsets.UTF_8);
                    data = s.replaceFirst("\"cveID\": \"CVE-", "\"cveID\": \"CVX-")
                            .getBytes(StandardCharsets.UTF_8);
                    assertThat(new String(data, StandardCharsets.UTF_8)).isNotEqualTo(s);
                }
                zout.putNextEntry(new ZipEntry(e.getName()));
                zout.write(data);
                zout.closeEntry();
            }
        }
        Path store = tmp.resolve("feeds");
        assertThatThrownBy(() -> Snapshot.installIfEmpty(store, tampered.toUri().toURL()))
                .isInstanceOf(FeedFormatException.class)
                .hasMessageContaining("cisa-kev.json")
                .hasMessageContaining("does not match the manifest");
        assertThat(Snapshot.hasFeedFiles(store)).isFalse();
        try (Stream<Path> s = Files.list(store)) {
            assertThat(s).isEmpty();
        }
    }
}
