package dev.fixpoint.server.platform;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Pagination and sorting of a list endpoint: {@code limit} (1–500, default 50), {@code offset} and
 * {@code sort} (comma-separated field names, {@code -} for descending). Unknown query parameters and
 * sort fields are refused by name, so a typo never silently returns an unfiltered list.
 */
public final class ListQuery {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    private static final Pattern FIELD = Pattern.compile("-?[a-zA-Z][a-zA-Z0-9]{0,40}");

    public record Sort(String field, boolean descending) {}

    /** A page of a list: the items, how many match in all, and where this page starts. */
    public record Page<T>(List<T> items, long total, int offset, int limit) {
        public Page {
            items = List.copyOf(items);
        }
    }

    private final int limit;
    private final int offset;
    private final List<Sort> sort;

    private ListQuery(int limit, int offset, List<Sort> sort) {
        this.limit = limit;
        this.offset = offset;
        this.sort = sort;
    }

    /**
     * Reads the paging parameters; {@code filters} are the other query parameters this list accepts,
     * {@code sortable} the fields it can sort by, {@code defaultSort} its order when none is asked for.
     */
    public static ListQuery of(Context ctx, Set<String> filters, Set<String> sortable, String defaultSort) {
        for (String p : ctx.queryParamMap().keySet()) {
            if (!p.equals("limit") && !p.equals("offset") && !p.equals("sort") && !filters.contains(p)) {
                throw ApiException.badRequest("unknown query parameter \"" + p + "\"; this list accepts limit, offset,"
                        + " sort"
                        + (filters.isEmpty() ? "" : ", " + String.join(", ", new java.util.TreeSet<>(filters))));
            }
        }
        int limit = intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        String s = ctx.queryParam("sort");
        List<Sort> sort = new ArrayList<>();
        for (String f : (s == null || s.isBlank() ? defaultSort : s).split(",")) {
            f = f.strip();
            if (!FIELD.matcher(f).matches()) {
                throw ApiException.badRequest("sort: \"" + f + "\" is not a field name");
            }
            boolean desc = f.startsWith("-");
            String name = desc ? f.substring(1) : f;
            if (!sortable.contains(name)) {
                throw ApiException.badRequest("sort: unknown field \"" + name + "\"; sortable: "
                        + String.join(", ", new java.util.TreeSet<>(sortable)));
            }
            sort.add(new Sort(name, desc));
        }
        return new ListQuery(limit, offset, List.copyOf(sort));
    }

    private static int intParam(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw ApiException.badRequest(name + ": " + n + " is outside " + min + ".." + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + ": \"" + Strings.clip(v) + "\" is not a whole number");
        }
    }

    public int limit() {
        return limit;
    }

    public int offset() {
        return offset;
    }

    public List<Sort> sort() {
        return sort;
    }

    /** SQL ORDER BY over the given column for each field, with {@code tiebreak} last for a stable order. */
    public String orderBy(Map<String, String> columns, String tiebreak) {
        StringBuilder sb = new StringBuilder(" ORDER BY ");
        for (Sort s : sort) {
            sb.append(columns.get(s.field()))
                    .append(s.descending() ? " DESC" : " ASC")
                    .append(", ");
        }
        return sb.append(tiebreak).toString();
    }

    /** Sorts and pages an in-memory list. */
    public <T> Page<T> page(List<T> all, Map<String, Comparator<T>> comparators) {
        Comparator<T> c = null;
        for (Sort s : sort) {
            Comparator<T> f = comparators.get(s.field());
            if (s.descending()) {
                f = f.reversed();
            }
            c = c == null ? f : c.thenComparing(f);
        }
        List<T> sorted = new ArrayList<>(all);
        if (c != null) {
            sorted.sort(c);
        }
        int from = Math.min(offset, sorted.size());
        int to = Math.min(sorted.size(), from + limit);
        return new Page<>(sorted.subList(from, to), sorted.size(), offset, limit);
    }
}
