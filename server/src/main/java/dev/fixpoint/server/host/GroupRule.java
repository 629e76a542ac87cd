package dev.fixpoint.server.host;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.fixpoint.server.platform.ApiException;
import dev.fixpoint.server.platform.Strings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A dynamic group's rule over host facts; every condition given must hold. Patterns use {@code *} as
 * a wildcard (any run of characters); everything else is literal, compared without regard to case.
 *
 * @param hostname pattern on the host name, e.g. {@code web-*}
 * @param ecosystem pattern on the OS ecosystem, e.g. {@code Debian:*}
 * @param labels labels the host must carry, each value a pattern
 * @param criticality the host's criticality, exactly
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record GroupRule(String hostname, String ecosystem, Map<String, String> labels, String criticality) {
    private static final Pattern TEXT = Pattern.compile("[\\x20-\\x7e]{1,200}");

    public GroupRule {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public void validate() {
        check("rule.hostname", hostname);
        check("rule.ecosystem", ecosystem);
        check("rule.criticality", criticality);
        if (labels.size() > 20) {
            throw ApiException.invalid("rule.labels: at most 20");
        }
        labels.forEach((k, v) -> {
            if (!HostService.LABEL_NAME.matcher(k).matches()) {
                throw ApiException.invalid("rule.labels: \"" + Strings.clip(k) + "\" is not a label name");
            }
            check("rule.labels." + k, v);
        });
        if (hostname == null && ecosystem == null && labels.isEmpty() && criticality == null) {
            throw ApiException.invalid("rule: give at least one of hostname, ecosystem, labels, criticality");
        }
    }

    private static void check(String field, String v) {
        if (v != null && !TEXT.matcher(v).matches()) {
            throw ApiException.invalid(field + ": 1–200 printable ASCII characters");
        }
    }

    /** An SQL condition on host alias {@code h}, with its parameters added to {@code binds}. */
    String toSql(String prefix, Map<String, Object> binds) {
        List<String> where = new ArrayList<>();
        if (hostname != null) {
            where.add("LOWER(h.hostname) LIKE LOWER(:" + prefix + "hn) ESCAPE '\\'");
            binds.put(prefix + "hn", like(hostname));
        }
        if (ecosystem != null) {
            where.add("LOWER(COALESCE(h.ecosystem, '')) LIKE LOWER(:" + prefix + "eco) ESCAPE '\\'");
            binds.put(prefix + "eco", like(ecosystem));
        }
        if (criticality != null) {
            where.add("h.criticality = :" + prefix + "crit");
            binds.put(prefix + "crit", criticality);
        }
        int i = 0;
        for (Map.Entry<String, String> l : new LinkedHashMap<>(labels).entrySet()) {
            String n = prefix + "ln" + i;
            String v = prefix + "lv" + i;
            where.add("EXISTS (SELECT 1 FROM host_label l WHERE l.host_id = h.id AND l.name = :" + n
                    + " AND LOWER(l.value) LIKE LOWER(:" + v + ") ESCAPE '\\')");
            binds.put(n, l.getKey());
            binds.put(v, like(l.getValue()));
            i++;
        }
        return where.isEmpty() ? "1=1" : String.join(" AND ", where);
    }

    /** {@code s} escaped for LIKE, matching itself only. */
    static String literal(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    static String like(String glob) {
        StringBuilder sb = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                sb.append('%');
            } else if (c == '%' || c == '_' || c == '\\') {
                sb.append('\\').append(c);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
