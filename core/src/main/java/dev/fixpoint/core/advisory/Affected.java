package dev.fixpoint.core.advisory;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One package an advisory concerns, and which of its versions are affected: any version inside one
 * of the {@code ranges} or listed in {@code versions} (OSV semantics).
 *
 * @param binaries binary packages built from this source package where the source lists them
 *     (Ubuntu's {@code ecosystem_specific.binaries}); empty otherwise
 * @param attributes other ecosystem- or database-specific facts worth keeping as evidence, flattened
 *     to strings (e.g. {@code ubuntu_priority=medium}, {@code urgency=low})
 */
public record Affected(
        PackageRef pkg,
        List<Range> ranges,
        List<String> versions,
        List<String> binaries,
        Map<String, String> attributes) {

    public Affected {
        Objects.requireNonNull(pkg, "pkg");
        ranges = List.copyOf(ranges);
        versions = List.copyOf(versions);
        binaries = List.copyOf(binaries);
        attributes = Map.copyOf(attributes);
    }

    public Affected(PackageRef pkg, List<Range> ranges) {
        this(pkg, ranges, List.of(), List.of(), Map.of());
    }
}
