package dev.fixpoint.app.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the operator commands print what the server says: aligned tables, short UTC times, counts.
 * Every text from the server goes through {@link #safe} first, so a host name or a detail can never
 * send control characters (terminal escapes) to the operator's terminal.
 */
final class Text {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    static final int MAX_CELL = 60;

    private Text() {}

    /** Control characters replaced by '?', cut to {@code max} characters; null as "-". */
    static String safe(String s, int max) {
        if (s == null) {
            return "-";
        }
        String cut = s.length() > max ? s.substring(0, max - 1) + "…" : s;
        StringBuilder sb = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || c == 0x202e) {
                sb.append('?');
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    /** A text field of a JSON object, made safe; "-" when missing, null or empty. */
    static String field(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
            return "-";
        }
        return safe(v.asText(), 2000);
    }

    /** An instant as "2026-12-01 02:00:00Z"; "-" when missing. */
    static String time(JsonNode n) {
        if (n == null || n.isNull() || n.asText().isEmpty()) {
            return "-";
        }
        try {
            return TIME.format(Instant.parse(n.asText()));
        } catch (DateTimeParseException e) {
            return safe(n.asText(), 40);
        }
    }

    static String time(Instant t) {
        return TIME.format(t);
    }

    /** {@code {"pending":3,"succeeded":1}} as "pending 3, succeeded 1"; "-" when empty. */
    static String counts(JsonNode map) {
        if (map == null || !map.isObject() || map.isEmpty()) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            parts.add(safe(e.getKey(), 40) + " " + e.getValue().asLong());
        }
        return String.join(", ", parts);
    }

    /** The text values of a JSON array, made safe and joined by ", "; "-" when empty. */
    static String list(JsonNode array) {
        if (array == null || !array.isArray() || array.isEmpty()) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        array.forEach(v -> parts.add(safe(v.asText(), 200)));
        return String.join(", ", parts);
    }

    /** Rows under a header, columns aligned with two spaces between them; cells cut to {@link #MAX_CELL}. */
    static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        for (List<String> r : rows) {
            List<String> cells = new ArrayList<>();
            for (String c : r) {
                cells.add(safe(c, MAX_CELL));
            }
            all.add(cells);
        }
        for (List<String> r : all) {
            for (int i = 0; i < r.size(); i++) {
                width[i] =
                        Math.max(width[i], r.get(i).codePointCount(0, r.get(i).length()));
            }
        }
        for (List<String> r : all) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                String c = r.get(i);
                sb.append(c);
                if (i < r.size() - 1) {
                    sb.append(" ".repeat(width[i] - c.codePointCount(0, c.length()) + 2));
                }
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    /** "key: value" lines with the values aligned. */
    static void fields(PrintWriter out, List<String[]> kv) {
        int w = 0;
        for (String[] p : kv) {
            w = Math.max(w, p[0].length());
        }
        for (String[] p : kv) {
            out.println("  " + p[0] + ":" + " ".repeat(w - p[0].length() + 1) + p[1]);
        }
    }

    /** Under a page that is not the whole list: which part it is, and how to see the rest. */
    static void pageFooter(PrintWriter out, JsonNode page) {
        long total = page.path("total").asLong();
        int offset = page.path("offset").asInt();
        int n = page.path("items").size();
        if (n == 0 && total == 0) {
            return;
        }
        if (offset > 0 || offset + n < total) {
            out.println("(" + (n == 0 ? "none" : (offset + 1) + "-" + (offset + n)) + " of " + total
                    + (offset + n < total ? "; --offset " + (offset + n) + " for more" : "") + ")");
        }
    }
}
