package dev.fixpoint.app.feeds;

import dev.fixpoint.app.Main;
import dev.fixpoint.app.UserInputException;
import dev.fixpoint.feeds.FeedFormatException;
import dev.fixpoint.feeds.sync.Bundle;
import dev.fixpoint.feeds.sync.FeedSource;
import dev.fixpoint.feeds.sync.FeedSync;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fixpoint feeds}: keep a feed store current, and move it to air-gapped sites as a bundle. */
@Command(
        name = "feeds",
        mixinStandardHelpOptions = true,
        description = "Keep a directory of feed files current (sync), and carry it offline (bundle, import).",
        subcommands = {FeedsCommand.Sync.class, FeedsCommand.BundleCommand.class, FeedsCommand.Import.class})
public final class FeedsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "sync",
            mixinStandardHelpOptions = true,
            description = {
                "Fetch each source with a conditional GET into the store; a failing source keeps its last good copy.",
                "Default sources: CISA KEV, FIRST EPSS and osv.dev's AlmaLinux, Rocky Linux, Debian, Ubuntu and"
                        + " Alpine archives."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:every source current", "1:a source failed (its last good copy is kept)", "2:bad usage"})
    static final class Sync implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--store", required = true, paramLabel = "DIR", description = "The feed store.")
        Path store;

        @Option(
                names = "--source",
                paramLabel = "NAME=URL",
                description = "A source (repeatable; replaces the defaults): a file name in the store and an"
                        + " https, http or file URL; osv:URL for an osv.dev ecosystem (incremental through its"
                        + " modified_id.csv), csaf:URL for a CSAF provider (provider-metadata.json or a directory).")
        List<String> sources = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            List<FeedSource> list = new ArrayList<>();
            for (String s : sources) {
                int eq = s.indexOf('=');
                if (eq <= 0) {
                    throw new UserInputException("--source \"" + s + "\": expected NAME=URL");
                }
                try {
                    list.add(new FeedSource(s.substring(0, eq), URI.create(s.substring(eq + 1))));
                } catch (IllegalArgumentException e) {
                    throw new UserInputException("--source \"" + s + "\": " + e.getMessage());
                }
            }
            if (list.isEmpty()) {
                list = FeedSource.defaults();
            }
            PrintWriter out = spec.commandLine().getOut();
            boolean failed = false;
            for (FeedSync.Result r : FeedSync.standard().sync(list, store)) {
                out.println(r.name() + ": "
                        + r.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                        + (r.state().lastError() == null ? "" : " (" + r.state().lastError() + ")"));
                failed |= r.outcome() == FeedSync.Outcome.FAILED;
            }
            return failed ? Main.EXIT_FAIL_ON : Main.EXIT_OK;
        }
    }

    @Command(
            name = "bundle",
            mixinStandardHelpOptions = true,
            description = "Write the store's feeds into an offline bundle.")
    static final class BundleCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--store", required = true, paramLabel = "DIR", description = "The feed store.")
        Path store;

        @Option(
                names = {"-o", "--output"},
                required = true,
                paramLabel = "FILE",
                description = "The bundle to write.")
        Path output;

        @Override
        public Integer call() throws IOException {
            int n = Bundle.create(store, output, Instant.now());
            spec.commandLine().getOut().println(output + ": " + n + " feed files with a SHA-256 manifest");
            return Main.EXIT_OK;
        }
    }

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = "Verify an offline bundle (manifest, digests, names) and install it into the store.")
    static final class Import implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The bundle.")
        Path bundle;

        @Option(names = "--store", required = true, paramLabel = "DIR", description = "The feed store.")
        Path store;

        @Override
        public Integer call() throws IOException {
            try {
                List<String> names = Bundle.importTo(bundle, store, 4L << 30);
                spec.commandLine().getOut().println("imported " + names.size() + " feed files into " + store);
                return Main.EXIT_OK;
            } catch (FeedFormatException e) {
                throw new UserInputException("refused " + e.getMessage() + "; the store is unchanged", e);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new UserInputException(bundle + ": no such file", e);
            }
        }
    }
}
