package dev.fixpoint.feeds;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON plumbing shared by the readers: a parser bounded by {@link Limits}, and typed accessors for
 * records read as trees that fail with the input, the record's position and a path to the bad field.
 */
public final class Json {

    private final ObjectMapper mapper;
    private final String input;

    public Json(Limits limits, String input) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth())
                        .maxStringLength(limits.maxStringLength())
                        .maxNumberLength(1000)
                        .build())
                .build();
        this.mapper = new ObjectMapper(factory);
        this.input = input;
    }

    public String input() {
        return input;
    }

    public JsonParser parser(InputStream in) throws IOException {
        return mapper.getFactory().createParser(in);
    }

    /** Reads the value at the parser's current token as a tree. */
    public JsonNode tree(JsonParser p) throws IOException {
        return mapper.readTree(p);
    }

    /** An error at the parser's position. */
    public FeedFormatException error(JsonParser p, String problem) {
        JsonLocation l = p.currentTokenLocation();
        return new FeedFormatException(input, l.getLineNr(), l.getColumnNr(), problem);
    }

    /** Turns Jackson's exceptions into errors naming the input and position. */
    public FeedFormatException error(IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            JsonLocation l = j.getLocation();
            String msg = j.getOriginalMessage();
            if (e instanceof StreamConstraintsException) {
                msg = "exceeds a safety limit: " + msg;
            }
            return new FeedFormatException(
                    input, l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(), "malformed JSON: " + msg, e);
        }
        return new FeedFormatException(input, 0, 0, "cannot read: " + e.getMessage(), e);
    }

    /** A record read as a tree, with where it started, for field errors. */
    public record Node(JsonNode node, Json json, long line, long column) {

        public FeedFormatException error(String path, String problem) {
            return new FeedFormatException(json.input, line, column, (path.isEmpty() ? "" : path + ": ") + problem);
        }

        /** A string field, or null when absent or null. Anything else is an error. */
        public String text(JsonNode parent, String field, String path) {
            JsonNode v = parent.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                throw error(
                        path + field,
                        "expected a string, found " + v.getNodeType().name().toLowerCase());
            }
            return v.textValue();
        }

        public String requiredText(JsonNode parent, String field, String path) {
            String s = text(parent, field, path);
            if (s == null || s.isEmpty()) {
                throw error(path + field, "missing");
            }
            return s;
        }

        /** An array field's elements (empty when absent); anything but an array is an error. */
        public List<JsonNode> array(JsonNode parent, String field, String path) {
            JsonNode v = parent.get(field);
            if (v == null || v.isNull()) {
                return List.of();
            }
            if (!v.isArray()) {
                throw error(
                        path + field,
                        "expected an array, found " + v.getNodeType().name().toLowerCase());
            }
            List<JsonNode> out = new ArrayList<>(v.size());
            v.forEach(out::add);
            return out;
        }

        /** An array of strings. */
        public List<String> strings(JsonNode parent, String field, String path) {
            List<String> out = new ArrayList<>();
            List<JsonNode> items = array(parent, field, path);
            for (int i = 0; i < items.size(); i++) {
                JsonNode n = items.get(i);
                if (!n.isTextual()) {
                    throw error(path + field + "[" + i + "]", "expected a string");
                }
                out.add(n.textValue());
            }
            return out;
        }

        /** An object field (null when absent); anything but an object is an error. */
        public JsonNode object(JsonNode parent, String field, String path) {
            JsonNode v = parent.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isObject()) {
                throw error(
                        path + field,
                        "expected an object, found " + v.getNodeType().name().toLowerCase());
            }
            return v;
        }

        /** A timestamp (RFC 3339, or a date-time without offset taken as UTC, or a date); null when absent. */
        public Instant instant(JsonNode parent, String field, String path) {
            String s = text(parent, field, path);
            if (s == null || s.isEmpty()) {
                return null;
            }
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e) {
                try {
                    return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e2) {
                    try {
                        return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
                    } catch (DateTimeParseException e3) {
                        throw error(path + field, "not a timestamp: \"" + excerpt(s) + "\"");
                    }
                }
            }
        }
    }

    public Node node(JsonParser p) throws IOException {
        JsonLocation l = p.currentTokenLocation();
        return new Node(tree(p), this, l.getLineNr(), l.getColumnNr());
    }

    public static String excerpt(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
