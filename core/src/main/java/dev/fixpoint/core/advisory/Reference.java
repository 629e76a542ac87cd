package dev.fixpoint.core.advisory;

import java.util.Objects;

/** A link from an advisory: {@code type} as OSV names it ({@code ADVISORY}, {@code FIX}, {@code WEB}, ...). */
public record Reference(String type, String url) {
    public Reference {
        Objects.requireNonNull(url, "url");
        type = type == null ? "WEB" : type;
    }
}
