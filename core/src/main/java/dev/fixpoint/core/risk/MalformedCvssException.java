package dev.fixpoint.core.risk;

/** A CVSS vector that cannot be scored; the message names it and says why. */
public final class MalformedCvssException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedCvssException(String vector, String reason) {
        super(
                "malformed CVSS vector \"" + (vector.length() > 80 ? vector.substring(0, 80) + "…" : vector) + "\": "
                        + reason,
                null,
                false,
                false);
    }
}
