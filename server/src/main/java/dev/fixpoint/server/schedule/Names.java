package dev.fixpoint.server.schedule;

import dev.fixpoint.server.platform.ApiException;

/** Validation of the names given to windows and blackouts. */
final class Names {
    static final int MAX_LENGTH = 100;

    private Names() {}

    static String check(String kind, String name) {
        if (name == null || name.isBlank()) {
            throw ApiException.invalid(kind + ": name is required");
        }
        if (name.length() > MAX_LENGTH) {
            throw ApiException.invalid(
                    kind + ": name is " + name.length() + " characters long; at most " + MAX_LENGTH + " are accepted");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw ApiException.invalid(kind + ": name has a control character at position " + (i + 1));
            }
        }
        return name.strip();
    }
}
