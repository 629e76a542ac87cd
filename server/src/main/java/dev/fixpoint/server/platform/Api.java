package dev.fixpoint.server.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The route table: every route is declared here once, with its access rule and what it takes and
 * gives, and both the Javalin routes and the OpenAPI 3.1 document are made from it, so the document
 * cannot drift from the routes.
 */
public final class Api {

    /** One route. */
    public static final class Route {
        final HandlerType method;
        final String path;
        final Access access;
        final String summary;
        final Handler handler;
        final Map<String, String> query = new LinkedHashMap<>();
        Class<?> request;
        Class<?> response;
        boolean paged;
        boolean list;
        int status = 200;
        String produces = "application/json";

        Route(HandlerType method, String path, Access access, String summary, Handler handler) {
            this.method = method;
            this.path = path;
            this.access = access;
            this.summary = summary;
            this.handler = handler;
        }

        public Route query(String name, String description) {
            query.put(name, description);
            return this;
        }

        public Route request(Class<?> type) {
            this.request = type;
            return this;
        }

        public Route returns(Class<?> type) {
            this.response = type;
            return this;
        }

        public Route returnsList(Class<?> type) {
            this.response = type;
            this.list = true;
            return this;
        }

        /** A {@link ListQuery.Page} of {@code type}; adds the paging parameters. */
        public Route pageOf(Class<?> type) {
            this.response = type;
            this.paged = true;
            return this;
        }

        public Route status(int s) {
            this.status = s;
            return this;
        }

        public Route produces(String contentType) {
            this.produces = contentType;
            return this;
        }

        public String method() {
            return method.name();
        }

        public String path() {
            return path;
        }

        public Access access() {
            return access;
        }
    }

    private final List<Route> routes = new ArrayList<>();

    public Route get(String path, Access access, String summary, Handler h) {
        return add(HandlerType.GET, path, access, summary, h);
    }

    public Route post(String path, Access access, String summary, Handler h) {
        return add(HandlerType.POST, path, access, summary, h);
    }

    public Route put(String path, Access access, String summary, Handler h) {
        return add(HandlerType.PUT, path, access, summary, h);
    }

    public Route patch(String path, Access access, String summary, Handler h) {
        return add(HandlerType.PATCH, path, access, summary, h);
    }

    public Route delete(String path, Access access, String summary, Handler h) {
        return add(HandlerType.DELETE, path, access, summary, h);
    }

    private Route add(HandlerType m, String path, Access access, String summary, Handler h) {
        Route r = new Route(m, path, access, summary, h);
        routes.add(r);
        return r;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** Registers every route with Javalin, each with its single access role. */
    public void install(RoutesConfig config) {
        for (Route r : routes) {
            config.addHttpHandler(r.method, r.path, r.handler, r.access);
        }
    }

    private static final Pattern PATH_PARAM = Pattern.compile("\\{([a-zA-Z]+)}");

    /** The OpenAPI 3.1 document of these routes. */
    public ObjectNode openApi(ObjectMapper json, String version) {
        ObjectNode doc = json.createObjectNode();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Fixpoint API");
        info.put("version", version);
        info.put(
                "description",
                "Patch management: hosts, findings, advisories, feeds, audit. Errors are RFC 9457"
                        + " problem details. Lists take limit, offset and sort (comma-separated fields, '-' for descending).");
        ObjectNode components = doc.putObject("components");
        ObjectNode schemas = components.putObject("schemas");
        ObjectNode sec = components.putObject("securitySchemes");
        sec.putObject("bearer").put("type", "http").put("scheme", "bearer").put("description", "API token (fpt_…)");
        sec.putObject("session")
                .put("type", "apiKey")
                .put("in", "cookie")
                .put("name", "fp_session")
                .put("description", "Browser session; state-changing requests also need the X-CSRF-Token header");
        sec.putObject("agent")
                .put("type", "http")
                .put("scheme", "bearer")
                .put("description", "Agent credential (fpa_…)");
        ObjectNode problem = schemas.putObject("Problem");
        problem.put("type", "object");
        ObjectNode pp = problem.putObject("properties");
        for (String f : List.of("type", "title", "detail", "instance")) {
            pp.putObject(f).put("type", "string");
        }
        pp.putObject("status").put("type", "integer");
        ObjectNode paths = doc.putObject("paths");
        Map<String, ObjectNode> byPath = new TreeMap<>();
        for (Route r : routes) {
            ObjectNode item = byPath.computeIfAbsent(r.path, p -> json.createObjectNode());
            ObjectNode op = item.putObject(r.method.name().toLowerCase(Locale.ROOT));
            op.put("summary", r.summary);
            op.put("x-access", r.access.name().toLowerCase(Locale.ROOT));
            ArrayNode security = op.putArray("security");
            switch (r.access) {
                case PUBLIC:
                case ENROLL:
                    break;
                case AGENT:
                    security.addObject().putArray("agent");
                    break;
                default:
                    security.addObject().putArray("bearer");
                    security.addObject().putArray("session");
            }
            ArrayNode params = op.putArray("parameters");
            Matcher m = PATH_PARAM.matcher(r.path);
            while (m.find()) {
                ObjectNode p = params.addObject();
                p.put("name", m.group(1)).put("in", "path").put("required", true);
                p.putObject("schema").put("type", "string");
            }
            Map<String, String> q = new LinkedHashMap<>(r.query);
            if (r.paged) {
                q.put("limit", "page size, 1–" + ListQuery.MAX_LIMIT + " (default " + ListQuery.DEFAULT_LIMIT + ")");
                q.put("offset", "items to skip");
                q.put("sort", "comma-separated fields; '-' prefix for descending");
            }
            q.forEach((name, desc) -> {
                ObjectNode p = params.addObject();
                p.put("name", name).put("in", "query").put("required", false).put("description", desc);
                p.putObject("schema").put("type", "string");
            });
            if (r.request != null) {
                op.putObject("requestBody")
                        .put("required", true)
                        .putObject("content")
                        .putObject("application/json")
                        .set("schema", schema(json, r.request, schemas));
            }
            ObjectNode responses = op.putObject("responses");
            ObjectNode ok = responses.putObject(Integer.toString(r.status));
            ok.put("description", r.status == 204 ? "done" : "success");
            if (r.response != null) {
                JsonNode s = schema(json, r.response, schemas);
                if (r.paged) {
                    ObjectNode page = json.createObjectNode();
                    page.put("type", "object");
                    ObjectNode props = page.putObject("properties");
                    props.putObject("items").put("type", "array").set("items", s);
                    props.putObject("total").put("type", "integer");
                    props.putObject("offset").put("type", "integer");
                    props.putObject("limit").put("type", "integer");
                    s = page;
                } else if (r.list) {
                    ObjectNode arr = json.createObjectNode();
                    arr.put("type", "array").set("items", s);
                    s = arr;
                }
                ok.putObject("content").putObject(r.produces).set("schema", s);
            } else if (!r.produces.equals("application/json") && r.status != 204) {
                ok.putObject("content")
                        .putObject(r.produces)
                        .putObject("schema")
                        .put("type", "string");
            }
            ObjectNode err = responses.putObject("default");
            err.put("description", "problem details");
            err.putObject("content")
                    .putObject(Problems.CONTENT_TYPE)
                    .putObject("schema")
                    .put("$ref", "#/components/schemas/Problem");
        }
        byPath.forEach(paths::set);
        return doc;
    }

    private static JsonNode schema(ObjectMapper json, Type t, ObjectNode schemas) {
        ObjectNode s = json.createObjectNode();
        if (t instanceof ParameterizedType) {
            ParameterizedType p = (ParameterizedType) t;
            Class<?> raw = (Class<?>) p.getRawType();
            if (List.class.isAssignableFrom(raw) || java.util.Set.class.isAssignableFrom(raw)) {
                s.put("type", "array").set("items", schema(json, p.getActualTypeArguments()[0], schemas));
                return s;
            }
            if (Map.class.isAssignableFrom(raw)) {
                s.put("type", "object")
                        .set("additionalProperties", schema(json, p.getActualTypeArguments()[1], schemas));
                return s;
            }
            return schema(json, raw, schemas);
        }
        if (!(t instanceof Class)) {
            return s;
        }
        Class<?> c = (Class<?>) t;
        if (c == String.class) {
            return s.put("type", "string");
        }
        if (c == Instant.class) {
            return s.put("type", "string").put("format", "date-time");
        }
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class) {
            return s.put("type", "integer");
        }
        if (c == double.class || c == Double.class) {
            return s.put("type", "number");
        }
        if (c == boolean.class || c == Boolean.class) {
            return s.put("type", "boolean");
        }
        if (c.isEnum()) {
            ArrayNode e = s.put("type", "string").putArray("enum");
            for (Object o : c.getEnumConstants()) {
                e.add(o.toString().toLowerCase(Locale.ROOT));
            }
            return s;
        }
        if (c.isRecord()) {
            String name = c.getSimpleName();
            if (!schemas.has(name)) {
                ObjectNode def = schemas.putObject(name);
                def.put("type", "object");
                ObjectNode props = def.putObject("properties");
                for (RecordComponent rc : c.getRecordComponents()) {
                    props.set(rc.getName(), schema(json, rc.getGenericType(), schemas));
                }
            }
            return s.put("$ref", "#/components/schemas/" + name);
        }
        return s; // any JSON value (evidence, raw records)
    }
}
