package dev.fixpoint.app.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fixpoint.app.UserInputException;
import dev.fixpoint.server.platform.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fixpoint deployments schedules}: recurring deployments ("security updates every Tuesday"). */
@Command(
        name = "schedules",
        mixinStandardHelpOptions = true,
        description = {
            "Recurring deployments: at each occurrence of an RFC 5545 rule the server creates a deployment from"
                    + " a template (resolved then) and, with --auto-approve (admins only), approves it.",
        },
        subcommands = {SchedulesCommand.ListCommand.class, SchedulesCommand.Create.class, SchedulesCommand.Delete.class
        })
public final class SchedulesCommand implements Runnable {
    static final String PATH = "/api/v1/deployment-schedules";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the recurring deployments.")
    static final class ListCommand implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Override
        public Integer call() {
            return DeploymentsCommand.list(
                    remote,
                    PATH,
                    "No recurring deployments.",
                    List.of("ID", "NAME", "RULE", "AUTO-APPROVE", "NEXT", "LAST DEPLOYMENT"),
                    s -> List.of(
                            Text.field(s, "id"),
                            Text.field(s, "name"),
                            Text.field(s, "rrule") + " " + Text.field(s, "zone"),
                            s.path("autoApprove").asBoolean() ? "yes" : "no",
                            Text.time(s.get("nextFire")),
                            s.hasNonNull("lastError")
                                    ? "error: " + Text.field(s, "lastError")
                                    : Text.field(s, "lastDeployment")));
        }
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create a recurring deployment from a template (a deployment spec in JSON, as for"
                    + " `deployments create --file`; its name may be left out).")
    static final class Create implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "Its name (unique).")
        String name;

        @Option(
                names = "--template",
                required = true,
                paramLabel = "FILE",
                description = "The deployment spec to create at each occurrence (JSON).")
        Path template;

        @Option(names = "--rrule", required = true, paramLabel = "RULE", description = "e.g. FREQ=WEEKLY;BYDAY=TU")
        String rrule;

        @Option(names = "--zone", required = true, paramLabel = "ZONE", description = "e.g. Europe/Berlin or UTC")
        String zone;

        @Option(
                names = "--first-start",
                required = true,
                paramLabel = "DATETIME",
                description = "The first occurrence, wall clock in the zone, e.g. 2026-12-01T00:00")
        String firstStart;

        @Option(names = "--auto-approve", description = "Approve each deployment it creates (admins only).")
        boolean autoApprove;

        @Override
        public Integer call() {
            JsonNode t;
            try {
                t = Json.mapper().readTree(Files.readString(template, StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                throw new UserInputException("--template " + template + ": not JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                throw new UserInputException("--template " + template + ": cannot read it (" + e.getMessage() + ")");
            }
            if (t == null || !t.isObject()) {
                throw new UserInputException("--template " + template + ": expected a JSON object (a deployment spec)");
            }
            ObjectNode body = Json.mapper().createObjectNode();
            body.put("name", name)
                    .put("rrule", rrule)
                    .put("zone", zone)
                    .put("firstStart", firstStart)
                    .put("autoApprove", autoApprove)
                    .set("template", t);
            ApiClient api = remote.client();
            DeploymentsCommand.print(remote, api, api.post(PATH, body), s -> {
                PrintWriter out = remote.out();
                out.println("Created recurring deployment " + Text.field(s, "id") + " \"" + Text.field(s, "name")
                        + "\": " + Text.field(s, "rrule") + " " + Text.field(s, "zone") + ", next "
                        + Text.time(s.get("nextFire")) + (s.path("autoApprove").asBoolean() ? ", approved by it" : ""));
            });
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a recurring deployment.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "ID", description = "The schedule's id.")
        String id;

        @Override
        public Integer call() {
            return DeploymentsCommand.delete(remote, PATH, id);
        }
    }
}
