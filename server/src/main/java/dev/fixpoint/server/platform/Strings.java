package dev.fixpoint.server.platform;

/** Small text helpers for messages that quote user input. */
public final class Strings {
    private Strings() {}

    /** The input cut to 80 characters with control characters replaced, safe to quote in an error. */
    public static String clip(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 80; i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return s.length() > 80 ? sb + "…" : sb.toString();
    }
}
