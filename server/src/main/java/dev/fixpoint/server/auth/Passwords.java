package dev.fixpoint.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashing with Argon2id (RFC 9106), as PHC strings ({@code $argon2id$v=19$m=…,t=…,p=…$salt$hash}).
 * The JDK has no memory-hard KDF, hence Bouncy Castle's. Defaults follow OWASP's first recommended
 * set (19 MiB, 2 passes, 1 lane); the parameters live in each hash, so raising them later re-hashes at
 * the next login ({@link #needsRehash}).
 */
public final class Passwords {
    public static final int MEMORY_KIB = 19 * 1024;
    public static final int ITERATIONS = 2;
    public static final int PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    /** Longest accepted password: Argon2 takes any length, but a megabyte password is an attack. */
    public static final int MAX_LENGTH = 1024;

    private final SecureRandom random = new SecureRandom();

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] h = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(h);
    }

    /** Whether {@code password} matches {@code phc}, in time independent of where they differ. */
    public boolean verify(String password, String phc) {
        Matcher m = PHC.matcher(phc);
        if (!m.matches() || password.length() > MAX_LENGTH) {
            return false;
        }
        byte[] salt = B64D.decode(m.group(4));
        byte[] expected = B64D.decode(m.group(5));
        byte[] actual = derive(
                password,
                salt,
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)),
                expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    public boolean needsRehash(String phc) {
        return !phc.startsWith("$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$");
    }

    private static byte[] derive(String password, byte[] salt, int memory, int iterations, int parallelism) {
        return derive(password, salt, memory, iterations, parallelism, HASH_BYTES);
    }

    private static byte[] derive(String password, byte[] salt, int memory, int iterations, int parallelism, int len) {
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memory)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build());
        byte[] out = new byte[len];
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        try {
            g.generateBytes(pw, out);
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
        return out;
    }
}
