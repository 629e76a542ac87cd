package dev.fixpoint.agent.client;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The SHA-256 of a certificate's DER encoding: the identity the agent pins its server by.
 *
 * @param hex 64 lower-case hexadecimal digits, no separators
 */
public record Fingerprint(String hex) {

    public Fingerprint {
        if (hex == null || !hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a canonical SHA-256 fingerprint: " + hex);
        }
    }

    /**
     * Reads a fingerprint as an operator types it: hex, with or without colons, either case.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    public static Fingerprint parse(String text) {
        String t = text == null ? "" : text.strip();
        String digits = t.replace(":", "").toLowerCase(Locale.ROOT);
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (Character.digit(c, 16) < 0) {
                throw new IllegalArgumentException("\"" + printable(t) + "\" is not a SHA-256 fingerprint: '"
                        + printable(String.valueOf(c)) + "' is not a hexadecimal digit");
            }
        }
        if (digits.length() != 64) {
            throw new IllegalArgumentException("\"" + printable(t) + "\" is not a SHA-256 fingerprint: expected 64"
                    + " hexadecimal digits (colons optional), found " + digits.length());
        }
        return new Fingerprint(digits);
    }

    public static Fingerprint of(X509Certificate certificate) {
        try {
            return new Fingerprint(HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode certificate " + certificate.getSubjectX500Principal(), e);
        }
    }

    /** Upper-case pairs separated by colons, as {@code keytool} and {@code openssl} print it. */
    public String display() {
        StringBuilder sb = new StringBuilder(95);
        for (int i = 0; i < hex.length(); i += 2) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(hex, i, i + 2);
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return display();
    }

    private static String printable(String s) {
        String cut = s.length() > 120 ? s.substring(0, 120) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
