package dev.fixpoint.app.version;

import picocli.CommandLine.Command;

/** {@code fixpoint version ...}: version-comparison tools. */
@Command(
        name = "version",
        mixinStandardHelpOptions = true,
        description = "Compare versions exactly as each package manager does.",
        subcommands = {VersionCompareCommand.class, VersionSchemesCommand.class})
public final class VersionCommand {}
