package dev.fixpoint.server.inventory;

import dev.fixpoint.core.inventory.InstalledPackage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The encoding of a {@code host_inventory} row: a host's package rows in one deflated blob (ADR 8).
 * Hand-written because it is on the hot path of every changed inventory and must be cheap both ways:
 * a general serialiser would spend more on field names and reflection than on the data.
 *
 * <p>Layout: the magic {@code FP} and format 2 (4 bytes), the length of the plain encoding (4
 * bytes), then the plain encoding deflated. The plain encoding is the row count, then per row: the
 * ecosystem and the arch as dictionary references (each distinct value is spelt once, where it first
 * occurs), the name and the version, then the source name and the source version, each written only
 * when it differs from the name or the version (the common case on rpm and apk hosts, and for most
 * Debian binaries, is that they are equal). Every number is an unsigned LEB128 varint; every string
 * is its UTF-8 length and bytes, so any character survives.
 *
 * <p>A blob in another format (the first format of V6 began with its plain length) or damaged in
 * any way decodes to empty, and the caller reads {@code host_package}, the record, instead.
 */
final class InventorySnapshot {

    /** "FP", then the format number. Format 1 began with a plain length, always below 512 MiB. */
    private static final int MAGIC = 0x4650_0002;

    /** A plain encoding larger than this is refused (a host has at most 100,000 packages). */
    static final int MAX_PLAIN_BYTES = 256 << 20;

    private InventorySnapshot() {}

    static byte[] encode(Collection<InstalledPackage> packages) {
        Out out = new Out(packages.size() * 48 + 16);
        out.varint(packages.size());
        Map<String, Integer> dictionary = new HashMap<>();
        for (InstalledPackage p : packages) {
            out.reference(dictionary, p.ecosystem().name());
            out.reference(dictionary, p.arch() == null ? "" : p.arch());
            out.string(p.name());
            out.string(p.version());
            out.unlessSame(p.sourceName(), p.name());
            out.unlessSame(p.sourceVersion(), p.version());
        }
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(out.bytes, 0, out.size);
            deflater.finish();
            byte[] blob = new byte[8 + out.size / 3 + 64];
            putInt(blob, 0, MAGIC);
            putInt(blob, 4, out.size);
            int at = 8;
            while (!deflater.finished()) {
                if (at == blob.length) {
                    blob = Arrays.copyOf(blob, blob.length * 2);
                }
                at += deflater.deflate(blob, at, blob.length - at);
            }
            return Arrays.copyOf(blob, at);
        } finally {
            deflater.end();
        }
    }

    /** The rows a blob holds, or empty when it is in another format or damaged. */
    static Optional<List<InventoryStore.StoredRow>> decode(byte[] blob) {
        if (blob == null || blob.length < 8 || getInt(blob, 0) != MAGIC) {
            return Optional.empty();
        }
        int length = getInt(blob, 4);
        if (length < 1 || length > MAX_PLAIN_BYTES) {
            return Optional.empty();
        }
        // One spare byte shows a stream longer than stated; a stream is read to its end, so zlib has
        // checked its Adler-32 (any damaged byte fails it).
        byte[] plain = new byte[length + 1];
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(blob, 8, blob.length - 8);
            int at = 0;
            while (!inflater.finished()) {
                int n = inflater.inflate(plain, at, plain.length - at);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary() || at == plain.length)) {
                    return Optional.empty();
                }
                at += n;
            }
            if (at != length) {
                return Optional.empty();
            }
        } catch (DataFormatException e) {
            return Optional.empty();
        } finally {
            inflater.end();
        }
        In in = new In(plain, length);
        try {
            int rows = in.varint();
            List<InventoryStore.StoredRow> out = new ArrayList<>(Math.min(rows, length / 4 + 1));
            List<String> dictionary = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                String ecosystem = in.reference(dictionary);
                String arch = in.reference(dictionary);
                String name = in.string();
                String version = in.string();
                String sourceName = in.unlessSame(name);
                String sourceVersion = in.unlessSame(version);
                out.add(new InventoryStore.StoredRow(ecosystem, name, arch, version, sourceName, sourceVersion));
            }
            return in.at == length ? Optional.of(out) : Optional.empty();
        } catch (Malformed e) {
            return Optional.empty();
        }
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    /** A growable byte buffer (ByteArrayOutputStream synchronizes every write). */
    private static final class Out {
        byte[] bytes;
        int size;

        Out(int capacity) {
            bytes = new byte[capacity];
        }

        private void room(int n) {
            if (size + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
            }
        }

        void varint(int v) {
            room(5);
            while ((v & ~0x7f) != 0) {
                bytes[size++] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            bytes[size++] = (byte) v;
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length);
            room(b.length);
            System.arraycopy(b, 0, bytes, size, b.length);
            size += b.length;
        }

        /** 0: the same as {@code same}; otherwise the string, its length written plus one. */
        void unlessSame(String s, String same) {
            if (s.equals(same)) {
                varint(0);
                return;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length + 1);
            room(b.length);
            System.arraycopy(b, 0, bytes, size, b.length);
            size += b.length;
        }

        /** 0 and the string where it first occurs; its index plus one after that. */
        void reference(Map<String, Integer> dictionary, String s) {
            Integer known = dictionary.get(s);
            if (known != null) {
                varint(known + 1);
                return;
            }
            dictionary.put(s, dictionary.size());
            varint(0);
            string(s);
        }
    }

    /** Thrown inside decoding when the plain encoding does not parse. */
    private static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed() {
            super(null, null, false, false);
        }
    }

    private static final class In {
        final byte[] bytes;
        final int end;
        int at;

        In(byte[] bytes, int end) {
            this.bytes = bytes;
            this.end = end;
        }

        int varint() throws Malformed {
            int v = 0;
            for (int shift = 0; shift < 32; shift += 7) {
                if (at >= end) {
                    throw new Malformed();
                }
                byte b = bytes[at++];
                v |= (b & 0x7f) << shift;
                if (b >= 0) {
                    if (v < 0) {
                        throw new Malformed();
                    }
                    return v;
                }
            }
            throw new Malformed();
        }

        private String text(int length) throws Malformed {
            if (length < 0 || length > end - at) {
                throw new Malformed();
            }
            String s = new String(bytes, at, length, StandardCharsets.UTF_8);
            at += length;
            return s;
        }

        String string() throws Malformed {
            return text(varint());
        }

        String unlessSame(String same) throws Malformed {
            int n = varint();
            return n == 0 ? same : text(n - 1);
        }

        String reference(List<String> dictionary) throws Malformed {
            int n = varint();
            if (n == 0) {
                String s = string();
                dictionary.add(s);
                return s;
            }
            if (n > dictionary.size()) {
                throw new Malformed();
            }
            return dictionary.get(n - 1);
        }
    }
}
