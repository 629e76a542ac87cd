package dev.fixpoint.feeds.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fixpoint.feeds.BoundedInputStream;
import dev.fixpoint.feeds.FeedFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Offline feed bundles for air-gapped sites: a zip holding the feed files of a store and a {@code
 * manifest.json} first ({@code format}, {@code created}, and per file its {@code path}, {@code sha256}
 * and {@code bytes}). Importing verifies everything before anything is installed: the manifest comes
 * first, every file is listed and matches its digest and size, no name leaves the store, nothing is
 * missing or extra; only then do the files replace the store's, so a bad bundle changes nothing.
 */
public final class Bundle {

    public static final String FORMAT = "fixpoint-feed-bundle/1";
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Bundle() {}

    /** Writes the store's feed files (not its state) into a bundle; returns how many. */
    public static int create(Path store, Path bundle, Instant created) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(store)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> SAFE_NAME.matcher(p.getFileName().toString()).matches())
                    .filter(p -> !p.getFileName().toString().equals(FeedSync.STATE_FILE))
                    .sorted()
                    .toList();
        }
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", FORMAT);
        manifest.put("created", created.toString());
        ArrayNode list = manifest.putArray("files");
        for (Path f : files) {
            MessageDigest sha = FeedSync.sha256();
            try (InputStream in = new DigestInputStream(Files.newInputStream(f), sha)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            list.addObject()
                    .put("path", f.getFileName().toString())
                    .put("sha256", HexFormat.of().formatHex(sha.digest()))
                    .put("bytes", Files.size(f));
        }
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(bundle))) {
            z.putNextEntry(new ZipEntry("manifest.json"));
            z.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            z.closeEntry();
            for (Path f : files) {
                z.putNextEntry(new ZipEntry(f.getFileName().toString()));
                Files.copy(f, z);
                z.closeEntry();
            }
        }
        return files.size();
    }

    /**
     * Verifies a bundle and installs its files into the store.
     *
     * @return the names installed
     * @throws FeedFormatException naming the bundle (and entry) and what is wrong; the store is unchanged
     */
    public static List<String> importTo(Path bundle, Path store, long maxEntryBytes) throws IOException {
        String input = bundle.toString();
        Files.createDirectories(store);
        Path staging = Files.createTempDirectory(store, ".import");
        try {
            Map<String, JsonNode> expected = null;
            List<String> seen = new ArrayList<>();
            try (ZipInputStream z = new ZipInputStream(Files.newInputStream(bundle))) {
                for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                    String name = e.getName();
                    InputStream entry = new BoundedInputStream(
                            BoundedInputStream.keepOpen(z), maxEntryBytes, input + "!" + name, "bundle entry");
                    if (expected == null) {
                        if (!name.equals("manifest.json")) {
                            throw new FeedFormatException(
                                    input, 0, 0, "the first entry must be manifest.json, found \"" + name + "\"");
                        }
                        expected = manifest(JSON.readTree(entry), input);
                        continue;
                    }
                    if (!SAFE_NAME.matcher(name).matches()) {
                        throw new FeedFormatException(
                                input,
                                0,
                                0,
                                "entry \"" + name + "\" is not a plain file name"
                                        + " (paths and traversal are refused)");
                    }
                    JsonNode want = expected.get(name);
                    if (want == null) {
                        throw new FeedFormatException(input, 0, 0, "entry \"" + name + "\" is not in the manifest");
                    }
                    if (seen.contains(name)) {
                        throw new FeedFormatException(input, 0, 0, "entry \"" + name + "\" appears twice");
                    }
                    MessageDigest sha = FeedSync.sha256();
                    long n;
                    try (OutputStream out = Files.newOutputStream(staging.resolve(name))) {
                        n = new DigestInputStream(entry, sha).transferTo(out);
                    }
                    String digest = HexFormat.of().formatHex(sha.digest());
                    if (!digest.equals(want.path("sha256").asText())
                            || n != want.path("bytes").asLong(-1)) {
                        throw new FeedFormatException(
                                input,
                                0,
                                0,
                                "entry \"" + name + "\" does not match the manifest" + " (sha256 " + digest + ", " + n
                                        + " bytes)");
                    }
                    seen.add(name);
                }
            }
            if (expected == null) {
                throw new FeedFormatException(input, 0, 0, "not a feed bundle: empty or not a zip");
            }
            for (String name : expected.keySet()) {
                if (!seen.contains(name)) {
                    throw new FeedFormatException(
                            input, 0, 0, "\"" + name + "\" is in the manifest but not in the bundle");
                }
            }
            for (String name : seen) {
                FeedSync.move(staging.resolve(name), store.resolve(name));
            }
            return seen;
        } finally {
            try (Stream<Path> s = Files.list(staging)) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(staging);
        }
    }

    private static Map<String, JsonNode> manifest(JsonNode m, String input) {
        if (!FORMAT.equals(m.path("format").asText())) {
            throw new FeedFormatException(input, 0, 0, "manifest.json: format is not " + FORMAT);
        }
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode f : m.path("files")) {
            String path = f.path("path").asText("");
            if (!SAFE_NAME.matcher(path).matches()
                    || !f.path("sha256").asText("").matches("[0-9a-f]{64}")) {
                throw new FeedFormatException(input, 0, 0, "manifest.json: bad file entry " + f);
            }
            out.put(path, f);
        }
        return out;
    }
}
