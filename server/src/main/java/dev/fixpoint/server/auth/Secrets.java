package dev.fixpoint.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random bearer secrets (256 bits, base64url, with a type prefix such as {@code fpt_}) and their
 * stored form, SHA-256. A secret of that entropy cannot be guessed, so a fast hash suffices and makes
 * the lookup an index probe; only the digest is ever stored.
 */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    public static final String API_TOKEN = "fpt_";
    public static final String ENROLLMENT_TOKEN = "fpe_";
    public static final String AGENT_CREDENTIAL = "fpa_";
    public static final String SESSION = "fps_";

    private Secrets() {}

    public static String generate(String prefix) {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public static String digest(String secret) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first characters shown in lists so a user can tell tokens apart; not enough to use. */
    public static String displayPrefix(String secret) {
        return secret.substring(0, Math.min(secret.length(), 10));
    }

    /** Whether {@code s} has the shape of a secret of this kind (cheap check before any lookup). */
    public static boolean looksLike(String s, String prefix) {
        return s != null
                && s.length() == prefix.length() + 43
                && s.startsWith(prefix)
                && s.substring(prefix.length())
                        .chars()
                        .allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_');
    }
}
