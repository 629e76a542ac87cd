package dev.fixpoint.app.remote;

import dev.fixpoint.agent.client.Fingerprint;
import dev.fixpoint.app.Main;
import dev.fixpoint.app.UserInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every operator command shares: where the server is, how to trust it, the API token, and
 * whether to print the server's JSON. A picocli mixin (it also gives each command its exit codes);
 * {@link #client()} checks them and connects.
 */
@Command(
        exitCodeListHeading = Remote.EXIT_HEADING,
        exitCodeList = {
            "0:done",
            "1:the server refused the request (its reason is printed: not found, conflict, invalid, forbidden…)",
            "2:bad input on the command line (an option, a missing token or server, an unreadable file)",
            "3:the server cannot be reached or trusted (connection, TLS, certificate fingerprint mismatch)"
        })
public final class Remote {

    static final String ENV_SERVER = "FIXPOINT_SERVER";
    static final String ENV_TOKEN = "FIXPOINT_TOKEN";
    static final String ENV_FINGERPRINT = "FIXPOINT_FINGERPRINT";

    static final String EXIT_HEADING = "%nExit codes:%n";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(
            names = "--server",
            paramLabel = "URL",
            description = "The server's https URL (default: $" + ENV_SERVER + ").")
    String server;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "A file holding the API token (fpt_…); default: $" + ENV_TOKEN + ". Never give the token"
                    + " itself on the command line: it would end up in the shell history and in ps.")
    Path tokenFile;

    @Option(
            names = "--fingerprint",
            paramLabel = "SHA256",
            description = "Trust exactly the server certificate with this SHA-256, as fixpoint server prints it"
                    + " (hex, colons optional; default: $" + ENV_FINGERPRINT + "). Without it the JDK's trust store"
                    + " decides.")
    String fingerprint;

    @Option(
            names = "--token",
            hidden = true,
            arity = "0..1",
            paramLabel = "TOKEN",
            description = "Refused: see --token-file.")
    String tokenOnCommandLine;

    @Option(names = "--json", description = "Print the server's JSON answer as it is.")
    boolean json;

    boolean json() {
        return json;
    }

    PrintWriter out() {
        return mixee.commandLine().getOut();
    }

    PrintWriter err() {
        return mixee.commandLine().getErr();
    }

    Map<String, String> environment() {
        Object root = mixee.root().userObject();
        return root instanceof Main ? ((Main) root).environment() : System.getenv();
    }

    InputStream stdin() {
        Object root = mixee.root().userObject();
        return root instanceof Main ? ((Main) root).stdin() : System.in;
    }

    /** Checks the options and the environment; names what is missing or wrong (exit 2). */
    ApiClient client() {
        if (tokenOnCommandLine != null) {
            throw new UserInputException("--token is not accepted: a token on the command line ends up in the"
                    + " shell history and in ps; put it in " + ENV_TOKEN + " or in a file given with --token-file");
        }
        Map<String, String> env = environment();
        String url = server != null ? server : env.get(ENV_SERVER);
        if (url == null || url.isBlank()) {
            throw new UserInputException("no server: give --server URL or set " + ENV_SERVER);
        }
        URI base = serverUrl(url, server != null ? "--server" : ENV_SERVER);
        String fp = fingerprint != null ? fingerprint : env.get(ENV_FINGERPRINT);
        Fingerprint pin = null;
        if (fp != null && !fp.isBlank()) {
            try {
                pin = Fingerprint.parse(fp);
            } catch (IllegalArgumentException e) {
                throw new UserInputException(
                        (fingerprint != null ? "--fingerprint" : ENV_FINGERPRINT) + ": " + e.getMessage());
            }
        }
        String token = tokenFile != null ? readTokenFile(tokenFile) : env.get(ENV_TOKEN);
        if (token == null || token.isBlank()) {
            throw new UserInputException("no API token: set " + ENV_TOKEN + " or give --token-file FILE (an"
                    + " administrator creates tokens in the web UI or with POST /api/v1/tokens)");
        }
        token = token.strip();
        if (!token.matches("[\\x21-\\x7e]{1,512}")) {
            throw new UserInputException((tokenFile != null ? "--token-file " + tokenFile : ENV_TOKEN)
                    + ": not an API token (one word of printable ASCII characters is expected)");
        }
        return new ApiClient(base, pin, token);
    }

    private String readTokenFile(Path file) {
        String text;
        try {
            if (Files.size(file) > 4096) {
                throw new UserInputException("--token-file " + file + ": larger than 4 KiB; not a token file");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserInputException(
                    "--token-file " + file + ": cannot read it (" + e.getClass().getSimpleName() + ")");
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                err().println("fixpoint: warning: --token-file " + file + " can be read by other users; chmod 600 it");
            }
        } catch (IOException | UnsupportedOperationException e) {
            // no POSIX permissions here: nothing to warn about
        }
        return text;
    }

    /**
     * An absolute https URL with a host and nothing but an optional path; plain http only to this
     * machine's loopback (a server run with --no-tls), never across the network where the token would
     * travel in the clear.
     */
    static URI serverUrl(String text, String from) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new UserInputException(from + ": \"" + Text.safe(text, 200) + "\" is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new UserInputException(from + ": \"" + Text.safe(text, 200)
                    + "\" is not an https URL such as https://fixpoint.example:8443");
        }
        if (scheme.equals("http") && !loopback(uri.getHost())) {
            throw new UserInputException(from + ": \"" + Text.safe(text, 200) + "\" is plain http to another machine:"
                    + " the API token would cross the network in the clear; use https");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new UserInputException(from + ": \"" + Text.safe(text, 200)
                    + "\" must be the server's address only (no user, query or fragment)");
        }
        String s = uri.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s);
    }

    private static boolean loopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name: not resolved here, so not trusted to be local
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
