package dev.fixpoint.core.job;

/** Quoting hostile input for error messages: printable ASCII kept, everything else escaped, cut short. */
final class Strings {
    private Strings() {}

    private static final int MAX = 80;

    /** {@code "value"} with control and non-ASCII characters as {@code \\uXXXX}, cut at 80 characters. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX) + 8).append('"');
        int n = Math.min(s.length(), MAX);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        if (s.length() > MAX) {
            b.append("…(").append(s.length()).append(" chars)");
        }
        return b.append('"').toString();
    }
}
