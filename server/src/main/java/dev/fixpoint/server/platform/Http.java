package dev.fixpoint.server.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.http.Context;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Request helpers: bounded JSON bodies and typed query parameters, each failing with a named problem. */
public final class Http {
    /** The largest request body the API reads (a 100,000-package inventory is about 15 MB). */
    public static final int MAX_BODY = 64 << 20;

    private Http() {}

    public static <T> T body(Context ctx, ObjectMapper json, Class<T> type) {
        String ct = ctx.contentType();
        if (ct == null || !ct.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(
                    415, "unsupported-media-type", "Unsupported media type", "send the body as application/json");
        }
        String encoding = ctx.header("Content-Encoding");
        boolean gzip = encoding != null && encoding.strip().equalsIgnoreCase("gzip");
        if (encoding != null && !gzip && !encoding.strip().equalsIgnoreCase("identity")) {
            throw new ApiException(
                    415,
                    "unsupported-media-type",
                    "Unsupported media type",
                    "Content-Encoding \"" + Strings.clip(encoding) + "\" is not supported; send gzip or identity");
        }
        byte[] bytes;
        try (InputStream in = gzip ? new GZIPInputStream(ctx.bodyInputStream(), 16 * 1024) : ctx.bodyInputStream()) {
            // the limit applies to what is decompressed, so a small gzip bomb is refused like a large body
            bytes = in.readNBytes(MAX_BODY + 1);
        } catch (ZipException | EOFException e) {
            throw ApiException.badRequest("request body is not valid gzip (Content-Encoding: gzip): " + e.getMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("request body could not be read: " + e.getMessage());
        }
        if (bytes.length > MAX_BODY) {
            throw new ApiException(
                    413,
                    "too-large",
                    "Content too large",
                    "request body exceeds " + MAX_BODY + " bytes" + (gzip ? " once decompressed" : ""));
        }
        if (bytes.length == 0) {
            throw ApiException.badRequest("request body is empty; expected a JSON " + type.getSimpleName());
        }
        try {
            T v = json.readValue(bytes, type);
            if (v == null) {
                throw ApiException.badRequest("request body is null; expected a JSON object");
            }
            return v;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest(
                    "unknown field \"" + Strings.clip(e.getPropertyName()) + "\"; known: " + e.getKnownPropertyIds());
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr();
            throw ApiException.badRequest("malformed JSON" + where + ": " + Strings.clip(e.getOriginalMessage()));
        } catch (IOException e) {
            throw ApiException.badRequest("request body could not be read: " + e.getMessage());
        }
    }

    public static Boolean bool(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true":
                return Boolean.TRUE;
            case "false":
                return Boolean.FALSE;
            default:
                throw ApiException.badRequest(name + ": \"" + Strings.clip(v) + "\" is not true or false");
        }
    }

    public static Double decimal(Context ctx, String name, double min, double max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            double d = Double.parseDouble(v);
            if (!(d >= min && d <= max)) {
                throw ApiException.badRequest(name + ": " + Strings.clip(v) + " is outside " + min + ".." + max);
            }
            return d;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + ": \"" + Strings.clip(v) + "\" is not a number");
        }
    }

    /** A comma-separated list restricted to {@code allowed}, or null when absent. */
    public static Set<String> oneOf(Context ctx, String name, Set<String> allowed) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String s : v.split(",")) {
            String t = s.strip().toLowerCase(Locale.ROOT);
            if (!allowed.contains(t)) {
                throw ApiException.badRequest(name + ": \"" + Strings.clip(t) + "\"; use "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
            out.add(t);
        }
        return out;
    }

    public static Set<String> set(String... values) {
        return new LinkedHashSet<>(Arrays.asList(values));
    }

    /** A plain query parameter, length-bounded. */
    public static String text(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (v.length() > 200) {
            throw ApiException.badRequest(name + ": longer than 200 characters");
        }
        return v;
    }
}
