package dev.fixpoint.agent.exec;

import dev.fixpoint.core.job.PackageState;
import dev.fixpoint.core.job.PackageTarget;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the exact state of some packages from dpkg's status file: for each target, its {@code
 * Version:} and the state word of its {@code Status:} ({@code installed}, {@code half-configured},
 * {@code config-files}, …), matched on name and {@code Architecture:}. Unlike the inventory parser,
 * which counts every package whose files are on disk, this keeps the state, because a package left
 * half-configured at the right version has not reached its target.
 */
final class DpkgDatabase {
    private final Path status;

    DpkgDatabase(Path status) {
        this.status = status;
    }

    Path path() {
        return status;
    }

    /** The state of each target, in the targets' order. */
    List<PackageState> states(List<PackageTarget> targets) throws IOException {
        Set<String> wanted = new HashSet<>();
        for (PackageTarget t : targets) {
            wanted.add(t.name());
        }
        Map<String, PackageState> found = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(status, StandardCharsets.UTF_8)) {
            String pkg = null;
            String arch = null;
            String version = null;
            String state = null;
            for (String line = r.readLine(); ; line = r.readLine()) {
                if (line == null || line.isEmpty()) {
                    if (pkg != null && wanted.contains(pkg) && arch != null) {
                        String st = state == null ? PackageState.NOT_INSTALLED : state;
                        boolean gone = st.equals(PackageState.NOT_INSTALLED) || st.equals("config-files");
                        found.put(pkg + ":" + arch, new PackageState(pkg, arch, gone ? null : version, st));
                    }
                    pkg = arch = version = state = null;
                    if (line == null) {
                        break;
                    }
                    continue;
                }
                if (line.startsWith("Package:")) {
                    pkg = line.substring(8).strip();
                } else if (line.startsWith("Architecture:")) {
                    arch = line.substring(13).strip();
                } else if (line.startsWith("Version:")) {
                    version = line.substring(8).strip();
                } else if (line.startsWith("Status:")) {
                    String[] words = line.substring(7).strip().split("\\s+");
                    state = words[words.length - 1];
                }
            }
        }
        List<PackageState> out = new ArrayList<>(targets.size());
        for (PackageTarget t : targets) {
            PackageState s = found.get(t.key());
            out.add(s != null ? s : PackageState.absent(t));
        }
        return out;
    }
}
