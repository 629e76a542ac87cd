package dev.fixpoint.agent.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.EdECKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

/**
 * The server's job-signing key, pinned in the state directory at enrollment: {@code job-key.pub}, mode
 * 0600, one line {@code ed25519 <base64 of the X.509 SubjectPublicKeyInfo>}. Only this key's
 * signatures make a job acceptable; it changes only when the agent enrolls again.
 */
public final class JobKeyFile {
    public static final String FILE = "job-key.pub";

    private static final String PREFIX = "ed25519 ";

    private JobKeyFile() {}

    /** Writes the pin atomically. */
    public static void pin(Path stateDir, PublicKey key) throws IOException {
        requireEd25519(key);
        String line = format(key) + "\n";
        AtomicFiles.write(stateDir.resolve(FILE), line.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The pinned key; empty when none was pinned (the agent then accepts no job at all).
     *
     * @throws IOException when the file cannot be read or does not hold an Ed25519 key
     */
    public static Optional<PublicKey> load(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(text));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " " + e.getMessage(), e);
        }
    }

    /** Removes the pin: the agent accepts no job until it enrolls with a server that sends a key. */
    public static void remove(Path stateDir) throws IOException {
        Files.deleteIfExists(stateDir.resolve(FILE));
    }

    /** The one-line form, {@code ed25519 <base64 X.509 SubjectPublicKeyInfo>}, as enrollment delivers it. */
    public static String format(PublicKey key) {
        requireEd25519(key);
        return PREFIX + Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /**
     * Reads the one-line form (surrounding blanks ignored).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static PublicKey parse(String line) {
        String text = line.strip();
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("does not start with \"" + PREFIX.strip() + "\"");
        }
        try {
            byte[] der = Base64.getDecoder().decode(text.substring(PREFIX.length()));
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
            requireEd25519(key);
            return key;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("does not hold an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    static void requireEd25519(PublicKey key) {
        if (!(key instanceof EdECKey)
                || !"Ed25519".equalsIgnoreCase(((EdECKey) key).getParams().getName())) {
            throw new IllegalArgumentException("the job key must be an Ed25519 public key, not " + key.getAlgorithm());
        }
    }
}
