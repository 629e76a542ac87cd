package dev.fixpoint.app.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fixpoint.app.UserInputException;
import dev.fixpoint.server.deploy.WindowService;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fixpoint windows}: maintenance windows and blackouts, and when a host may be patched. */
@Command(
        name = "windows",
        mixinStandardHelpOptions = true,
        description = {
            "Maintenance windows (when jobs may start) and blackouts (when they may not), attached to groups, hosts"
                    + " or every host; and a host's schedule (docs/maintenance-windows.md, docs/cli.md).",
            "Connection: --server or FIXPOINT_SERVER, the API token in FIXPOINT_TOKEN or --token-file, and"
                    + " --fingerprint or FIXPOINT_FINGERPRINT to pin a self-signed server certificate."
        },
        subcommands = {
            WindowsCommand.ListCommand.class,
            WindowsCommand.Show.class,
            WindowsCommand.Create.class,
            WindowsCommand.Replace.class,
            WindowsCommand.Delete.class,
            WindowsCommand.Schedule.class
        })
public final class WindowsCommand implements Runnable {

    static final String PATH = "/api/v1/maintenance-windows";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String when(JsonNode w) {
        if (w.hasNonNull("rrule")) {
            return Text.field(w, "rrule") + " from " + Text.field(w, "firstStart") + " " + Text.field(w, "zone") + ", "
                    + w.path("durationMinutes").asLong() + " min";
        }
        return Text.time(w.get("start")) + " to " + Text.time(w.get("end"));
    }

    static String scope(JsonNode w) {
        List<String> parts = new ArrayList<>();
        if (w.path("allHosts").asBoolean(false)) {
            parts.add("all hosts");
        }
        if (w.path("groups").size() > 0) {
            parts.add("groups " + Text.list(w.get("groups")));
        }
        if (w.path("hosts").size() > 0) {
            parts.add("hosts " + Text.list(w.get("hosts")));
        }
        return parts.isEmpty() ? "-" : String.join("; ", parts);
    }

    static void printWindow(PrintWriter out, JsonNode w) {
        out.println(("blackout".equals(w.path("kind").asText()) ? "Blackout " : "Maintenance window ")
                + Text.field(w, "id") + " \"" + Text.field(w, "name") + "\"");
        List<String[]> f = new ArrayList<>();
        f.add(new String[] {"when", when(w)});
        f.add(new String[] {"applies to", scope(w)});
        f.add(new String[] {
            "blackout".equals(w.path("kind").asText()) ? "next in force" : "next open", Text.time(w.get("nextOpen"))
        });
        f.add(new String[] {"created", Text.time(w.get("created"))});
        Text.fields(out, f);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List maintenance windows and blackouts.")
    static final class ListCommand implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Override
        public Integer call() {
            return DeploymentsCommand.list(
                    remote,
                    PATH,
                    "No maintenance windows or blackouts.",
                    List.of("ID", "NAME", "KIND", "WHEN", "APPLIES TO", "NEXT"),
                    w -> List.of(
                            Text.field(w, "id"),
                            Text.field(w, "name"),
                            Text.field(w, "kind"),
                            when(w),
                            scope(w),
                            Text.time(w.get("nextOpen"))));
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One maintenance window or blackout.")
    static final class Show implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "ID", description = "The window's or blackout's id.")
        String id;

        @Override
        public Integer call() {
            ApiClient api = remote.client();
            DeploymentsCommand.print(
                    remote, api, api.get(PATH + "/" + ApiClient.segment(id)), w -> printWindow(remote.out(), w));
            return 0;
        }
    }

    /** What a window or blackout is, as options. */
    static final class Definition {
        @Option(names = "--name", required = true, paramLabel = "NAME", description = "Its name (unique).")
        String name;

        @Option(names = "--blackout", description = "A blackout (no job starts in it) instead of a window.")
        boolean blackout;

        @Option(
                names = "--rrule",
                paramLabel = "RULE",
                description = "When it recurs, an RFC 5545 rule such as FREQ=WEEKLY;BYDAY=SA.")
        String rrule;

        @Option(
                names = "--zone",
                paramLabel = "ZONE",
                description = "The time zone the rule runs in, e.g. Europe/Berlin.")
        String zone;

        @Option(
                names = "--first-start",
                paramLabel = "LOCAL_TIME",
                description = "The first occurrence, a local date-time in --zone such as 2026-12-05T02:00.")
        String firstStart;

        @Option(names = "--duration-minutes", paramLabel = "N", description = "How long each occurrence stays open.")
        Long durationMinutes;

        @Option(
                names = "--start",
                paramLabel = "TIME",
                description = "A one-off blackout's start, e.g. 2026-12-24T00:00:00Z (implies --blackout).")
        String start;

        @Option(
                names = "--end",
                paramLabel = "TIME",
                description = "A one-off blackout's end, e.g. 2026-12-27T00:00:00Z (implies --blackout).")
        String end;

        @Option(names = "--groups", split = ",", paramLabel = "GROUP_ID", description = "Attach it to these groups.")
        List<String> groups;

        @Option(names = "--hosts", split = ",", paramLabel = "HOST_ID", description = "Attach it to these hosts.")
        List<String> hosts;

        @Option(names = "--all-hosts", description = "Attach it to every host.")
        boolean allHosts;

        WindowService.WindowInput input() {
            boolean oneOff = start != null || end != null;
            return new WindowService.WindowInput(
                    name,
                    blackout || oneOff ? WindowService.BLACKOUT : WindowService.WINDOW,
                    rrule,
                    zone,
                    firstStart,
                    durationMinutes,
                    start == null ? null : instant("--start", start),
                    end == null ? null : instant("--end", end),
                    groups,
                    hosts,
                    allHosts ? Boolean.TRUE : null);
        }

        private static Instant instant(String option, String text) {
            try {
                return OffsetDateTime.parse(text.strip()).toInstant();
            } catch (DateTimeParseException e) {
                throw new UserInputException(option + " \"" + Text.safe(text, 60) + "\": expected a date-time with"
                        + " its offset, such as 2026-12-24T00:00:00Z or 2026-12-24T00:00+01:00");
            }
        }
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Create a maintenance window (--rrule, --zone, --first-start, --duration-minutes), a recurring"
                        + " blackout (the same with --blackout) or a one-off blackout (--start, --end).",
                "Attach it with --groups, --hosts or --all-hosts."
            })
    static final class Create implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Mixin
        Definition definition;

        @Override
        public Integer call() {
            WindowService.WindowInput in = definition.input();
            ApiClient api = remote.client();
            DeploymentsCommand.print(remote, api, api.post(PATH, in), w -> {
                remote.out().println("Created:");
                printWindow(remote.out(), w);
            });
            return 0;
        }
    }

    @Command(
            name = "replace",
            mixinStandardHelpOptions = true,
            description = "Replace a maintenance window or blackout with the one the options describe (as create).")
    static final class Replace implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "ID", description = "The window's or blackout's id.")
        String id;

        @Mixin
        Definition definition;

        @Override
        public Integer call() {
            WindowService.WindowInput in = definition.input();
            ApiClient api = remote.client();
            DeploymentsCommand.print(remote, api, api.put(PATH + "/" + ApiClient.segment(id), in), w -> {
                remote.out().println("Replaced:");
                printWindow(remote.out(), w);
            });
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a maintenance window or blackout.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "ID", description = "The window's or blackout's id.")
        String id;

        @Override
        public Integer call() {
            return DeploymentsCommand.delete(remote, PATH, id);
        }
    }

    @Command(
            name = "schedule",
            mixinStandardHelpOptions = true,
            description = "When a job may start on this host: the windows and blackouts that reach it, whether it"
                    + " is open now, and its next open stretches (14 days ahead).")
    static final class Schedule implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "HOST_ID", description = "The host's id.")
        String hostId;

        @Option(
                names = "--expected-minutes",
                paramLabel = "N",
                description = "The job length that must fit (default 30).")
        Integer expectedMinutes;

        @Override
        public Integer call() {
            ApiClient api = remote.client();
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("expectedMinutes", expectedMinutes);
            String path = ApiClient.query("/api/v1/hosts/" + ApiClient.segment(hostId) + "/schedule", q);
            DeploymentsCommand.print(remote, api, api.get(path), s -> {
                PrintWriter out = remote.out();
                out.println("Host " + Text.field(s, "hostId"));
                List<String[]> f = new ArrayList<>();
                f.add(new String[] {
                    "windows",
                    s.path("windows").isEmpty()
                            ? "none (only --immediate deployments start jobs here)"
                            : Text.list(s.get("windows"))
                });
                f.add(new String[] {"blackouts", s.path("blackouts").isEmpty() ? "none" : Text.list(s.get("blackouts"))
                });
                f.add(new String[] {"open now", s.path("openNow").asBoolean() ? "yes" : "no"});
                f.add(new String[] {"next start", Text.time(s.get("nextStart"))});
                Text.fields(out, f);
                if (s.path("nextStretches").size() > 0) {
                    out.println("Open stretches:");
                    for (JsonNode i : s.get("nextStretches")) {
                        out.println("  " + Text.time(i.get("start")) + " to " + Text.time(i.get("end")));
                    }
                }
            });
            return 0;
        }
    }
}
