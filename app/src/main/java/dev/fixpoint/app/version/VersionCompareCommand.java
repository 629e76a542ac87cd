package dev.fixpoint.app.version;

import dev.fixpoint.app.UserInputException;
import dev.fixpoint.core.version.InvalidVersionException;
import dev.fixpoint.core.version.VersionScheme;
import dev.fixpoint.core.version.VersionSchemes;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fixpoint version compare --scheme S A B} prints {@code <}, {@code =} or {@code >}; with
 * {@code --batch} it reads {@code A<TAB>B} lines on standard input and writes {@code
 * A<TAB>B<TAB>-1|0|1}, or {@code A<TAB>B<TAB>error<TAB>reason} for a pair it cannot compare, so that
 * any comparator can be checked against the real tools at scale.
 */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = {
            "Compare two versions: prints <, = or > (A compared to B).",
            "With --batch, reads A<TAB>B lines on stdin and writes A<TAB>B<TAB>-1|0|1, "
                    + "or A<TAB>B<TAB>error<TAB>reason."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:compared (in batch mode: every line answered, errors included)", "2:invalid version or usage"
        })
final class VersionCompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-s", "--scheme"},
            required = true,
            paramLabel = "SCHEME",
            description = "Version scheme: ${COMPLETION-CANDIDATES}.",
            completionCandidates = SchemeNames.class)
    String scheme;

    @Option(names = "--batch", description = "Read A<TAB>B lines on stdin; write one answer per line.")
    boolean batch;

    @Parameters(arity = "0..2", paramLabel = "VERSION", description = "The two versions (not with --batch).")
    List<String> versions = List.of();

    /** Where batch mode reads and writes; replaced in tests. */
    InputStream in = new FileInputStream(FileDescriptor.in);

    OutputStream out = new FileOutputStream(FileDescriptor.out);

    @Override
    public Integer call() throws IOException {
        VersionScheme s = VersionSchemes.byName(scheme)
                .orElseThrow(() -> new UserInputException("unknown version scheme \"" + scheme + "\"; known: "
                        + VersionSchemes.all().stream().map(VersionScheme::id).collect(Collectors.joining(", "))));
        if (batch) {
            if (!versions.isEmpty()) {
                throw new UserInputException("--batch reads the versions from standard input: give no VERSION");
            }
            batch(s);
            return 0;
        }
        if (versions.size() != 2) {
            throw new UserInputException("give two versions to compare, or --batch");
        }
        int c;
        try {
            c = s.compare(versions.get(0), versions.get(1));
        } catch (InvalidVersionException e) {
            throw new UserInputException(e.getMessage());
        }
        spec.commandLine().getOut().println(c < 0 ? "<" : c == 0 ? "=" : ">");
        return 0;
    }

    private void batch(VersionScheme s) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        try (Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
            for (String line; (line = r.readLine()) != null; ) {
                int tab = line.indexOf('\t');
                if (tab < 0) {
                    w.write(line);
                    w.write("\t\terror\texpected two versions separated by a TAB\n");
                    continue;
                }
                int end = line.indexOf('\t', tab + 1);
                String a = line.substring(0, tab);
                String b = end < 0 ? line.substring(tab + 1) : line.substring(tab + 1, end);
                w.write(a);
                w.write('\t');
                w.write(b);
                try {
                    int c = s.compare(a, b);
                    w.write(c < 0 ? "\t-1\n" : c == 0 ? "\t0\n" : "\t1\n");
                } catch (InvalidVersionException e) {
                    w.write("\terror\t");
                    w.write(oneLine(e.getMessage()));
                    w.write('\n');
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static String oneLine(String s) {
        return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    /** The scheme ids, for --help. */
    static final class SchemeNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return VersionSchemes.all().stream().map(VersionScheme::id).iterator();
        }
    }
}
