package dev.fixpoint.server.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.feeds.BoundedInputStream;
import dev.fixpoint.feeds.FeedFormatException;
import dev.fixpoint.feeds.sync.Bundle;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The offline feed snapshot shipped inside the server ({@code snapshot.fpbundle} beside this class,
 * built by {@code tools/snapshot/build.sh}; see docs/feeds.md, "Bundled snapshot"). A new server with
 * an empty feed store imports it, verified like any bundle, so findings appear without internet
 * access; {@code fixpoint feeds sync} later replaces its files (they carry the sync sources' names).
 */
public final class Snapshot {

    /** The classpath resource holding the bundle. */
    static final String RESOURCE = "snapshot.fpbundle";

    /** No bundle entry may be larger (the largest, osv-almalinux.zip, is 3.5 MB; room for a richer snapshot). */
    private static final long MAX_ENTRY_BYTES = 256L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SYNC_STATE = "sync-state.json";

    private Snapshot() {}

    /**
     * What the bundled snapshot holds, as its manifest says.
     *
     * @param created when the bundle was built
     * @param files its feed files
     * @param bytes the size of the bundle (compressed)
     */
    public record SnapshotInfo(Instant created, List<BundledFile> files, long bytes) {
        public SnapshotInfo {
            files = List.copyOf(files);
        }
    }

    /** A file in the snapshot: its name in the store, SHA-256 (hex) and size once installed. */
    public record BundledFile(String name, String sha256, long bytes) {}

    /** The bundled snapshot, or empty when this build carries none. */
    public static Optional<SnapshotInfo> bundled() {
        return Optional.ofNullable(resource()).map(Snapshot::info);
    }

    /**
     * Imports the bundled snapshot into {@code feedStore} when the store has no feed files (it is
     * created if missing); a store that has any is left untouched.
     *
     * @return the snapshot's creation time when it was installed; empty when the store already had
     *     feeds or this build carries no snapshot
     * @throws FeedFormatException when the bundle fails verification (the store is unchanged)
     */
    public static Optional<Instant> installIfEmpty(Path feedStore) throws IOException {
        return installIfEmpty(feedStore, resource());
    }

    static Optional<Instant> installIfEmpty(Path feedStore, URL bundle) throws IOException {
        if (bundle == null || hasFeedFiles(feedStore)) {
            return Optional.empty();
        }
        Files.createDirectories(feedStore);
        // Bundle.importTo verifies a file; the hidden name keeps FeedLoader and hasFeedFiles off it.
        Path copy = Files.createTempFile(feedStore, ".snapshot-", ".fpbundle");
        try {
            try (InputStream in = bundle.openStream()) {
                Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Instant created = info(copy.toUri().toURL()).created();
            Bundle.importTo(copy, feedStore, MAX_ENTRY_BYTES);
            return Optional.of(created);
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    /** Whether the store holds a feed file: any regular, non-hidden file but the sync state. */
    static boolean hasFeedFiles(Path store) throws IOException {
        if (!Files.isDirectory(store)) {
            return false;
        }
        try (Stream<Path> s = Files.list(store)) {
            return s.anyMatch(p -> {
                String name = p.getFileName().toString();
                return Files.isRegularFile(p) && !name.startsWith(".") && !name.equals(SYNC_STATE);
            });
        }
    }

    private static URL resource() {
        return Snapshot.class.getResource(RESOURCE);
    }

    /** Reads the manifest (the bundle's first entry) and the bundle's size. */
    static SnapshotInfo info(URL bundle) {
        String input = bundle.toString();
        byte[] bytes;
        try (InputStream in = bundle.openStream()) {
            bytes = in.readAllBytes(); // a few MB, briefly
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the feed snapshot " + input + ": " + e.getMessage(), e);
        }
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry first = z.getNextEntry();
            if (first == null || !first.getName().equals("manifest.json")) {
                throw new FeedFormatException(input, 0, 0, "the first entry must be manifest.json");
            }
            JsonNode m = JSON.readTree(new BoundedInputStream(
                    BoundedInputStream.keepOpen(z), 16L << 20, input + "!manifest.json", "manifest"));
            if (!Bundle.FORMAT.equals(m.path("format").asText())) {
                throw new FeedFormatException(input, 0, 0, "manifest.json: format is not " + Bundle.FORMAT);
            }
            List<BundledFile> files = new ArrayList<>();
            for (JsonNode f : m.path("files")) {
                files.add(new BundledFile(
                        f.path("path").asText(),
                        f.path("sha256").asText(),
                        f.path("bytes").asLong()));
            }
            try {
                return new SnapshotInfo(Instant.parse(m.path("created").asText()), files, bytes.length);
            } catch (DateTimeParseException e) {
                throw new FeedFormatException(input, 0, 0, "manifest.json: created is not a time", e);
            }
        } catch (IOException e) {
            throw new FeedFormatException(input, 0, 0, "not a feed bundle: " + e.getMessage(), e);
        }
    }
}
