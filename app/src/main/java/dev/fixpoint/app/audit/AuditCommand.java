package dev.fixpoint.app.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fixpoint.app.UserInputException;
import dev.fixpoint.server.audit.AuditExport;
import dev.fixpoint.server.audit.AuditKeys;
import dev.fixpoint.server.audit.AuditLog;
import dev.fixpoint.server.platform.Database;
import dev.fixpoint.server.platform.Json;
import dev.fixpoint.server.platform.ServerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fixpoint audit verify|export}: proves the audit log intact, or writes it for an auditor. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Verify or export the server's tamper-evident audit log.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
public final class AuditCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the server keeps its data: the options every audit subcommand takes. */
    static final class Location {
        @Option(names = "--config", paramLabel = "FILE", description = "The server's properties file")
        Path configFile;

        @Option(
                names = "--data-dir",
                paramLabel = "DIR",
                description = "The server's data directory (default ./fixpoint-data)")
        String dataDir;

        @Option(
                names = "--database-url",
                paramLabel = "JDBC",
                description = "The server's database, if not SQLite in DATA_DIR")
        String databaseUrl;

        ServerConfig config() {
            Map<String, String> o = new LinkedHashMap<>();
            if (dataDir != null) {
                o.put("data.dir", dataDir);
            }
            if (databaseUrl != null) {
                o.put("database.url", databaseUrl);
            }
            try {
                return ServerConfig.load(configFile, System.getenv(), o);
            } catch (ServerConfig.ConfigException e) {
                throw new UserInputException(e.getMessage());
            }
        }
    }

    static PublicKey storedKey(ServerConfig c) {
        Path pub = c.dataDir().resolve("keys").resolve(AuditKeys.PUBLIC);
        try {
            return AuditKeys.publicKey(Files.readString(pub));
        } catch (IOException | GeneralSecurityException e) {
            throw new UserInputException(pub + ": cannot read the audit public key: " + e.getMessage());
        }
    }

    static PublicKey keyFile(Path file) {
        try {
            return AuditKeys.publicKey(Files.readString(file));
        } catch (IOException | GeneralSecurityException e) {
            throw new UserInputException("--public-key " + file + ": " + e.getMessage());
        }
    }

    static int report(AuditExport.Verification v, PrintWriter out, PrintWriter err) {
        if (v.intact()) {
            out.println("audit log intact: " + v.records() + " records, " + v.checkpoints() + " signed checkpoints"
                    + (v.lastSignedSeq() == null ? "" : " (last signed record " + v.lastSignedSeq() + ")"));
            return 0;
        }
        err.println("audit log BROKEN at record " + v.brokenSeq() + ": " + v.reason());
        return 1;
    }

    /** {@code fixpoint audit verify}. */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Checks the hash chain and every checkpoint signature; names the first broken record.",
                "Exit 0 intact, 1 broken, 2 bad input."
            })
    static final class Verify implements Callable<Integer> {
        @Mixin
        Location location;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--file", paramLabel = "EXPORT", description = "Verify an export file instead of the database")
        Path file;

        @Option(
                names = "--public-key",
                paramLabel = "FILE",
                description = "Trusted checkpoint key (base64); default: the data directory's, or the export's own")
        Path publicKey;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ObjectMapper json = Json.mapper();
            if (file != null) {
                if (!Files.isReadable(file)) {
                    throw new UserInputException("--file " + file + ": no such readable file");
                }
                try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    return report(AuditExport.verify(r, publicKey == null ? null : keyFile(publicKey), json), out, err);
                } catch (IOException e) {
                    throw new UserInputException(file + ": " + e.getMessage());
                }
            }
            ServerConfig c = location.config();
            PublicKey key = publicKey == null ? storedKey(c) : keyFile(publicKey);
            try (Database db = Database.open(c.database())) {
                return report(
                        AuditExport.verify(new AuditLog(db.jdbi(), db.isSqlite(), Clock.systemUTC()), key), out, err);
            }
        }
    }

    /** {@code fixpoint audit export}. */
    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = "Writes the audit log with its checkpoints and public key as JSON Lines.")
    static final class Export implements Callable<Integer> {
        @Mixin
        Location location;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "FILE",
                description = "Output file (default: standard output)")
        Path output;

        @Override
        public Integer call() throws Exception {
            ServerConfig c = location.config();
            PublicKey key = storedKey(c);
            try (Database db = Database.open(c.database())) {
                AuditLog log = new AuditLog(db.jdbi(), db.isSqlite(), Clock.systemUTC());
                if (output == null) {
                    Writer w = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
                    AuditExport.write(log, key, Clock.systemUTC().instant(), w, Json.mapper());
                } else {
                    try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                        AuditExport.write(log, key, Clock.systemUTC().instant(), w, Json.mapper());
                    } catch (IOException e) {
                        throw new UserInputException("-o " + output + ": " + e.getMessage());
                    }
                    spec.commandLine().getErr().println("wrote " + output);
                }
            }
            return 0;
        }
    }
}
