package dev.fixpoint.server.auth;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A user's role: admins manage users and enrollment; operators act on hosts; auditors read. */
public enum Role {
    AUDITOR,
    OPERATOR,
    ADMIN;

    public static Role parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("role \"" + s + "\": use admin, operator or auditor");
        }
    }

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
