package dev.fixpoint.app.version;

import dev.fixpoint.core.version.VersionScheme;
import dev.fixpoint.core.version.VersionSchemes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fixpoint version schemes}: lists the schemes and their aliases. */
@Command(name = "schemes", mixinStandardHelpOptions = true, description = "List the version schemes.")
final class VersionSchemesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        for (VersionScheme s : VersionSchemes.all()) {
            String aliases = s.aliases().isEmpty() ? "" : " (also: " + String.join(", ", s.aliases()) + ")";
            spec.commandLine().getOut().println(s.id() + aliases);
        }
        return 0;
    }
}
