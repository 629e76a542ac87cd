package dev.fixpoint.app.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fixpoint.app.ExitException;
import dev.fixpoint.app.UserInputException;
import dev.fixpoint.server.deploy.DeploymentSpec;
import dev.fixpoint.server.platform.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fixpoint deployments} (alias {@code deploy}): the deployment life cycle through the server's
 * REST API — create, approve, pause, resume, cancel, roll back, and follow one to its end.
 */
@Command(
        name = "deployments",
        aliases = "deploy",
        mixinStandardHelpOptions = true,
        description = {
            "Create, approve and follow deployments on a Fixpoint server (docs/cli.md).",
            "Connection: --server or FIXPOINT_SERVER, the API token in FIXPOINT_TOKEN or --token-file, and"
                    + " --fingerprint or FIXPOINT_FINGERPRINT to pin a self-signed server certificate."
        },
        subcommands = {
            DeploymentsCommand.ListCommand.class,
            DeploymentsCommand.Show.class,
            DeploymentsCommand.Targets.class,
            DeploymentsCommand.Jobs.class,
            DeploymentsCommand.Create.class,
            DeploymentsCommand.Approve.class,
            DeploymentsCommand.Pause.class,
            DeploymentsCommand.Resume.class,
            DeploymentsCommand.Cancel.class,
            DeploymentsCommand.Rollback.class,
            DeploymentsCommand.Watch.class,
            SchedulesCommand.class
        })
public final class DeploymentsCommand implements Runnable {

    static final String PATH = "/api/v1/deployments";

    /** Deployment states in which nothing more happens by itself. */
    static final Set<String> SUCCEEDED = Set.of("completed");

    static final Set<String> FAILED = Set.of("halted", "rolled_back", "cancelled");

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String path(String id) {
        return PATH + "/" + ApiClient.segment(id);
    }

    /** Options of the list commands. */
    static final class Paging {
        @Option(names = "--limit", paramLabel = "N", description = "At most N items (1-500; default 50).")
        Integer limit;

        @Option(names = "--offset", paramLabel = "N", description = "Skip the first N items.")
        Integer offset;

        @Option(
                names = "--sort",
                paramLabel = "FIELDS",
                description = "Sort by these fields, comma-separated, - for descending (e.g. -created).")
        String sort;
    }

    // ---- printing

    /** One line: "running, ring 1/2 canary (baking); targets: pending 3, succeeded 1". */
    static String progress(JsonNode d) {
        StringBuilder sb = new StringBuilder(Text.field(d, "state"));
        JsonNode rings = d.path("rings");
        int cur = d.path("currentRing").asInt();
        if (rings.size() > 0 && cur >= 0 && cur < rings.size()) {
            JsonNode r = rings.get(cur);
            sb.append(", ring ")
                    .append(cur + 1)
                    .append('/')
                    .append(rings.size())
                    .append(' ')
                    .append(Text.field(r, "name"))
                    .append(" (")
                    .append(Text.field(r, "state"))
                    .append(')');
        }
        sb.append("; targets: ").append(Text.counts(d.get("targets")));
        return sb.toString();
    }

    static String what(JsonNode spec) {
        JsonNode what = spec.path("what");
        String kind = what.path("kind").asText("");
        switch (kind.toUpperCase(java.util.Locale.ROOT)) {
            case "PACKAGES": {
                List<String> p = new ArrayList<>();
                for (JsonNode n : what.path("packages")) {
                    String arch =
                            n.path("arch").isTextual() ? ":" + n.get("arch").asText() : "";
                    p.add(n.path("name").asText() + arch + "="
                            + n.path("version").asText());
                }
                return "packages " + Text.safe(String.join(", ", p), 400);
            }
            case "ADVISORIES":
                return "fixes for " + Text.list(what.path("advisories"));
            case "SECURITY":
                return "every pending security update";
            case "ALL_PENDING":
                return "every pending update";
            default:
                return Text.safe(kind, 40);
        }
    }

    static String where(JsonNode spec) {
        JsonNode w = spec.path("where");
        List<String> parts = new ArrayList<>();
        if (w.path("allHosts").asBoolean(false)) {
            parts.add("all hosts");
        }
        if (w.path("hosts").size() > 0) {
            parts.add("hosts " + Text.list(w.get("hosts")));
        }
        if (w.path("groups").size() > 0) {
            parts.add("groups " + Text.list(w.get("groups")));
        }
        if (w.path("labels").size() > 0) {
            parts.add("labels " + Text.list(w.get("labels")));
        }
        if (w.hasNonNull("hostname")) {
            parts.add("hostname " + Text.field(w, "hostname"));
        }
        if (w.hasNonNull("ecosystem")) {
            parts.add("ecosystem " + Text.field(w, "ecosystem"));
        }
        return parts.isEmpty() ? "-" : String.join("; ", parts);
    }

    static void printDeployment(PrintWriter out, JsonNode d) {
        out.println("Deployment " + Text.field(d, "id") + " \"" + Text.field(d, "name") + "\"");
        List<String[]> f = new ArrayList<>();
        f.add(new String[] {"state", progress(d)});
        if (d.hasNonNull("reason") && !d.get("reason").asText().isEmpty()) {
            f.add(new String[] {"reason", Text.field(d, "reason")});
        }
        f.add(new String[] {"what", what(d.path("spec"))});
        f.add(new String[] {"where", where(d.path("spec"))});
        f.add(new String[] {
            "how",
            "windows " + Text.field(d, "windows") + ", reboot " + Text.field(d, "reboot") + ", automatic rollback "
                    + (d.path("autoRollback").asBoolean() ? "on" : "off") + ", "
                    + d.path("expectedMinutes").asLong()
                    + " min per host"
        });
        List<String> checks = new ArrayList<>();
        for (JsonNode c : d.path("healthChecks")) {
            checks.add(c.path("kind").asText() + " " + c.path("target").asText());
        }
        f.add(new String[] {"health checks", checks.isEmpty() ? "-" : Text.safe(String.join(", ", checks), 400)});
        f.add(new String[] {"created", Text.time(d.get("created")) + " by " + Text.field(d, "createdBy")});
        if (d.hasNonNull("approved")) {
            f.add(new String[] {"approved", Text.time(d.get("approved")) + " by " + Text.field(d, "approvedBy")});
        }
        if (d.hasNonNull("finished")) {
            f.add(new String[] {"finished", Text.time(d.get("finished"))});
        }
        Text.fields(out, f);
        out.println("Rings:");
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode r : d.path("rings")) {
            rows.add(List.of(
                    Integer.toString(r.path("index").asInt() + 1),
                    Text.field(r, "name"),
                    Text.field(r, "state"),
                    Long.toString(r.path("hosts").asLong()),
                    r.path("bakeMinutes").asLong() + " min",
                    gates(r),
                    Long.toString(r.path("concurrency").asLong()),
                    Text.counts(r.get("targets"))));
        }
        Text.table(out, List.of("#", "RING", "STATE", "HOSTS", "BAKE", "GATES", "CONCURRENCY", "TARGETS"), rows);
        out.println("Targets: " + Text.counts(d.get("targets")));
    }

    private static String gates(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        sb.append(">=").append(percent(r.path("minSuccessRatio").asDouble())).append(" ok");
        long maxFail = r.path("maxFailures").asLong();
        if (maxFail < Integer.MAX_VALUE) {
            sb.append(", max ").append(maxFail).append(" failed");
        }
        double ratio = r.path("maxFailureRatio").asDouble(1.0);
        if (ratio < 1.0) {
            sb.append(", max ").append(percent(ratio)).append(" failed");
        }
        return sb.toString();
    }

    private static String percent(double ratio) {
        double p = ratio * 100;
        return (p == Math.rint(p) ? Long.toString((long) p) : String.format(java.util.Locale.ROOT, "%.1f", p)) + "%";
    }

    /** Prints the server's JSON as it is, or the readable form. */
    /** Deletes {@code path/id} and says so (nothing is printed with --json); the exit code. */
    static int delete(Remote remote, String path, String id) {
        remote.client().delete(path + "/" + ApiClient.segment(id));
        if (!remote.json()) {
            remote.out().println("Deleted " + Text.safe(id, 100) + ".");
        }
        return 0;
    }

    static void print(Remote remote, ApiClient api, ApiClient.Answer a, java.util.function.Consumer<JsonNode> human) {
        if (remote.json()) {
            remote.out().println(a.body().strip());
        } else {
            human.accept(api.json(a));
        }
    }

    /**
     * Lists what {@code path} answers: the JSON as it came with {@code --json}, else {@code empty} when
     * there is nothing, or a table of one row per element.
     */
    static int list(
            Remote remote,
            String path,
            String empty,
            List<String> headers,
            java.util.function.Function<JsonNode, List<String>> row) {
        ApiClient api = remote.client();
        print(remote, api, api.get(path), list -> {
            PrintWriter out = remote.out();
            if (list.isEmpty()) {
                out.println(empty);
                return;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode n : list) {
                rows.add(row.apply(n));
            }
            Text.table(out, headers, rows);
        });
        return 0;
    }

    // ---- commands

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List deployments, newest first.")
    static final class ListCommand implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Mixin
        Paging paging;

        @Option(
                names = "--state",
                paramLabel = "STATE",
                description = "Only deployments in this state: pending_approval, running, paused, halted,"
                        + " rolling_back, completed, cancelled, rolled_back.")
        String state;

        @Override
        public Integer call() {
            ApiClient api = remote.client();
            Map<String, Object> q = ApiClient.paging(paging.limit, paging.offset, paging.sort);
            q.put("state", state);
            ApiClient.Answer a = api.get(ApiClient.query(PATH, q));
            print(remote, api, a, page -> {
                PrintWriter out = remote.out();
                if (page.path("items").isEmpty()) {
                    out.println(state == null ? "No deployments." : "No deployments " + Text.safe(state, 40) + ".");
                    Text.pageFooter(out, page);
                    return;
                }
                List<List<String>> rows = new ArrayList<>();
                for (JsonNode d : page.path("items")) {
                    JsonNode rings = d.path("rings");
                    int cur = d.path("currentRing").asInt();
                    String ring = rings.size() == 0
                            ? "-"
                            : Math.min(cur + 1, rings.size()) + "/" + rings.size() + " "
                                    + Text.field(rings.get(Math.min(Math.max(cur, 0), rings.size() - 1)), "name");
                    rows.add(List.of(
                            Text.field(d, "id"),
                            Text.field(d, "name"),
                            Text.field(d, "state"),
                            ring,
                            Text.counts(d.get("targets")),
                            Text.time(d.get("created")),
                            Text.field(d, "createdBy")));
                }
                Text.table(out, List.of("ID", "NAME", "STATE", "RING", "TARGETS", "CREATED", "CREATED BY"), rows);
                Text.pageFooter(out, page);
            });
            return 0;
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "One deployment: state and reason, what and where, its rings with their state and"
                    + " counts, and its targets by state.")
    static final class Show implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "ID", description = "The deployment's id.")
        String id;

        @Override
        public Integer call() {
            ApiClient api = remote.client();
            print(remote, api, api.get(path(id)), d -> printDeployment(remote.out(), d));
            return 0;
        }
    }

    @Command(
            name = "targets",
            mixinStandardHelpOptions = true,
            description = "A deployment's hosts: ring, state, packages, attempts and the last word on each.")
    static final class Targets implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Mixin
        Paging paging;

        @Parameters(paramLabel = "ID", description = "The deployment's id.")
        String id;

        @Option(
                names = "--state",
                paramLabel = "STATE",
                description = "Only targets in this state, e.g. failed, pending, succeeded, skipped.")
        String state;

        @Override
        public Integer call() {
            ApiClient api = remote.client();
            Map<String, Object> q = ApiClient.paging(paging.limit, paging.offset, paging.sort);
            q.put("state", state);
            ApiClient.Answer a = api.get(ApiClient.query(path(id) + "/targets", q));
            if (remote.json()) {
                remote.out().println(a.body().strip());
                return 0;
            }
            JsonNode page = api.json(a);
            Map<Integer, String> ringNames = new HashMap<>();
            for (JsonNode r : api.json(api.get(path(id))).path("rings")) {
                ringNames.put(r.path("index").asInt(), r.path("name").asText());
            }
            PrintWriter out = remote.out();
            if (page.path("items").isEmpty()) {
                out.println("No targets" + (state == null ? "." : " " + Text.safe(state, 40) + "."));
                Text.pageFooter(out, page);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode t : page.path("items")) {
                int ring = t.path("ring").asInt();
                List<String> pkgs = new ArrayList<>();
                for (JsonNode p : t.path("packages")) {
                    pkgs.add(p.path("name").asText() + "=" + p.path("version").asText());
                }
                rows.add(List.of(
                        Text.field(t, "hostname"),
                        Text.field(t, "hostId"),
                        ring < 0 ? "-" : Text.safe(ringNames.getOrDefault(ring, Integer.toString(ring + 1)), 64),
                        Text.field(t, "state"),
                        pkgs.isEmpty() ? "-" : String.join(" ", pkgs),
                        Long.toString(t.path("attempts").asLong()),
                        Text.time(t.get("updated")),
                        Text.field(t, "detail")));
            }
            Text.table(
                    out,
                    List.of("HOSTNAME", "HOST ID", "RING", "STATE", "PACKAGES", "ATTEMPTS", "UPDATED", "DETAIL"),
                    rows);
            Text.pageFooter(out, page);
            return 0;
        }
    }

    @Command(
            name = "jobs",
            mixinStandardHelpOptions = true,
            description = "A deployment's signed jobs (install, reboot, rollback) and their results.")
    static final class Jobs implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Mixin
        Paging paging;

        @Parameters(paramLabel = "ID", description = "The deployment's id.")
        String id;

        @Override
        public Integer call() {
            ApiClient api = remote.client();
            ApiClient.Answer a = api.get(
                    ApiClient.query(path(id) + "/jobs", ApiClient.paging(paging.limit, paging.offset, paging.sort)));
            print(remote, api, a, page -> {
                PrintWriter out = remote.out();
                if (page.path("items").isEmpty()) {
                    out.println("No jobs yet.");
                    Text.pageFooter(out, page);
                    return;
                }
                List<List<String>> rows = new ArrayList<>();
                for (JsonNode j : page.path("items")) {
                    rows.add(List.of(
                            Text.field(j, "id"),
                            Text.field(j, "hostId"),
                            Text.field(j, "type"),
                            Text.field(j, "state"),
                            Long.toString(j.path("deliveries").asLong()),
                            Text.field(j, "resultStatus"),
                            Text.time(j.get("created")),
                            Text.time(j.get("finished"))));
                }
                Text.table(
                        out,
                        List.of("JOB", "HOST ID", "TYPE", "STATE", "DELIVERIES", "RESULT", "CREATED", "FINISHED"),
                        rows);
                Text.pageFooter(out, page);
            });
            return 0;
        }
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Create a deployment: from a DeploymentSpec JSON file (--file), or from the options below for the"
                        + " common case. The server resolves the hosts and exact versions at once; the deployment"
                        + " then waits for approval (--approve gives it right away), unless an approval policy"
                        + " approves it.",
                "What (one of): --packages, --security, --advisories, --all-pending. Where (any of): --hosts,"
                        + " --groups, --labels, --all-hosts."
            })
    static final class Create implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Option(
                names = "--file",
                paramLabel = "FILE",
                description = "The deployment spec as JSON, the body of POST /api/v1/deployments (docs/cli.md); - reads"
                        + " standard input.")
        String file;

        @Option(names = "--name", paramLabel = "NAME", description = "The deployment's name.")
        String name;

        @Option(
                names = "--packages",
                split = ",",
                paramLabel = "NAME[:ARCH]=VERSION",
                description = "Install these exact versions (comma-separated).")
        List<String> packages;

        @Option(names = "--security", description = "Every pending update from a security archive.")
        boolean security;

        @Option(
                names = "--advisories",
                split = ",",
                paramLabel = "ID",
                description = "The updates that fix these advisories or CVEs (comma-separated).")
        List<String> advisories;

        @Option(names = "--all-pending", description = "Every update the package manager reports as pending.")
        boolean allPending;

        @Option(names = "--hosts", split = ",", paramLabel = "HOST_ID", description = "These hosts.")
        List<String> hosts;

        @Option(names = "--groups", split = ",", paramLabel = "GROUP_ID", description = "The hosts of these groups.")
        List<String> groups;

        @Option(
                names = "--labels",
                split = ",",
                paramLabel = "NAME[=VALUE]",
                description = "The hosts carrying these labels.")
        List<String> labels;

        @Option(names = "--all-hosts", description = "Every host.")
        boolean allHosts;

        @Option(
                names = "--ring",
                paramLabel = "RING",
                description = "A ring, in order (repeatable): NAME:group=GROUP_ID or NAME:percent=P, then optionally"
                        + " :bake=MINUTES :min=RATIO :maxfail=N :maxfailratio=RATIO :concurrency=N; the last ring may"
                        + " be NAME alone (every host left). Default: one ring with every host.")
        List<String> rings;

        @Option(
                names = "--immediate",
                description = "Start now. Without it jobs start only inside each host's maintenance windows, and"
                        + " a host with none waits. Blackouts hold either way.")
        boolean immediate;

        @Option(names = "--reboot", paramLabel = "WHEN", description = "never, if-required (default) or always.")
        String reboot;

        @Option(names = "--no-auto-rollback", description = "Do not roll back a ring that fails its gates.")
        boolean noAutoRollback;

        @Option(
                names = "--offline-minutes",
                paramLabel = "N",
                description = "Give up a host of the running ring not seen for N minutes (default 60): it counts"
                        + " as not succeeded, and the ring's minimum success ratio decides.")
        Integer offlineMinutes;

        @Option(
                names = "--preflight",
                paramLabel = "MODE",
                description = "block (default: a host whose rollback versions can no longer be installed is not"
                        + " patched), warn (patched anyway, noted) or off.")
        String preflight;

        @Option(
                names = "--expected-minutes",
                paramLabel = "N",
                description = "How long one host's install may take (default 30); a job starts only when it fits"
                        + " in the open window.")
        Integer expectedMinutes;

        @Option(
                names = "--health",
                paramLabel = "KIND:TARGET",
                description = "A health check after installing (repeatable): systemd:UNIT, tcp:PORT,"
                        + " http:http://127.0.0.1/PATH or command:NAME (a name in the agent's allow-list).")
        List<String> health;

        @Option(names = "--approve", description = "Approve the deployment right after creating it.")
        boolean approve;

        @Override
        public Integer call() {
            Object body = file != null ? fromFile() : fromFlags();
            ApiClient api = remote.client();
            ApiClient.Answer a = api.post(PATH, body);
            JsonNode d = api.json(a);
            String id = d.path("id").asText();
            boolean approvedHere = false;
            if (approve && "pending_approval".equals(d.path("state").asText())) {
                try {
                    a = api.post(path(id) + "/approve", null);
                } catch (ExitException e) {
                    throw new ExitException(
                            e.exitCode(),
                            "created deployment " + Text.safe(id, 100) + " (pending approval), but approving it"
                                    + " failed: " + e.getMessage());
                }
                d = api.json(a);
                approvedHere = true;
            }
            if (remote.json()) {
                remote.out().println(a.body().strip());
                return 0;
            }
            PrintWriter out = remote.out();
            out.println("Created deployment " + Text.safe(id, 100) + (approvedHere ? " and approved it." : "."));
            printDeployment(out, d);
            if ("pending_approval".equals(d.path("state").asText())) {
                out.println("It waits for approval: fixpoint deployments approve " + Text.safe(id, 100));
            } else if (!approvedHere && d.hasNonNull("approvedBy")) {
                out.println("Approved by " + Text.field(d, "approvedBy") + ".");
            }
            return 0;
        }

        private boolean anyFlag() {
            return name != null
                    || packages != null
                    || security
                    || advisories != null
                    || allPending
                    || hosts != null
                    || groups != null
                    || labels != null
                    || allHosts
                    || rings != null
                    || immediate
                    || reboot != null
                    || noAutoRollback
                    || preflight != null
                    || offlineMinutes != null
                    || expectedMinutes != null
                    || health != null;
        }

        private String fromFile() {
            if (anyFlag()) {
                throw new UserInputException(
                        "--file gives the whole deployment: leave out --name, --packages, --hosts, --ring and the"
                                + " other spec options (only --approve goes with it)");
            }
            String text;
            try {
                if (file.equals("-")) {
                    InputStream in = remote.stdin();
                    byte[] bytes = in.readNBytes(4 << 20);
                    text = new String(bytes, StandardCharsets.UTF_8);
                } else {
                    text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                throw new UserInputException("--file " + file + ": cannot read it ("
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
            }
            try {
                JsonNode n = Json.mapper().readTree(text);
                if (n == null || !n.isObject()) {
                    throw new UserInputException("--file " + file + ": expected a JSON object (a deployment spec)");
                }
            } catch (JsonProcessingException e) {
                throw new UserInputException("--file " + file + ": not JSON: " + e.getOriginalMessage() + " (line "
                        + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")");
            }
            return text;
        }

        private DeploymentSpec fromFlags() {
            if (name == null || name.isBlank()) {
                throw new UserInputException("--name is required (or give the whole spec with --file)");
            }
            int whats = (packages != null ? 1 : 0)
                    + (security ? 1 : 0)
                    + (advisories != null ? 1 : 0)
                    + (allPending ? 1 : 0);
            if (whats != 1) {
                throw new UserInputException(
                        (whats == 0 ? "what to install is missing" : "what to install is given " + whats + " times")
                                + ": give one of --packages NAME=VERSION,…, --security, --advisories ID,… or --all-pending");
            }
            if (hosts == null && groups == null && labels == null && !allHosts) {
                throw new UserInputException(
                        "where to install is missing: give --hosts, --groups, --labels or --all-hosts");
            }
            DeploymentSpec.What what;
            if (packages != null) {
                List<DeploymentSpec.Pkg> pkgs = new ArrayList<>();
                packages.forEach(p -> pkgs.add(DeploymentFlags.pkg(p)));
                what = new DeploymentSpec.What("PACKAGES", pkgs, null);
            } else if (advisories != null) {
                what = new DeploymentSpec.What("ADVISORIES", null, List.copyOf(advisories));
            } else {
                what = new DeploymentSpec.What(security ? "SECURITY" : "ALL_PENDING", null, null);
            }
            DeploymentSpec.Where where =
                    new DeploymentSpec.Where(hosts, groups, labels, null, null, allHosts ? Boolean.TRUE : null);
            List<DeploymentSpec.Ring> ringList = null;
            if (rings != null) {
                ringList = new ArrayList<>();
                for (String r : rings) {
                    ringList.add(DeploymentFlags.ring(r));
                }
                DeploymentFlags.checkRings(ringList);
            }
            List<DeploymentSpec.Check> checks = null;
            if (health != null) {
                checks = new ArrayList<>();
                for (String h : health) {
                    checks.add(DeploymentFlags.check(h));
                }
            }
            return new DeploymentSpec(
                    name.strip(),
                    what,
                    where,
                    ringList,
                    immediate ? "IMMEDIATE" : null,
                    reboot == null ? null : DeploymentFlags.reboot(reboot),
                    noAutoRollback ? Boolean.FALSE : null,
                    expectedMinutes,
                    checks,
                    preflight == null ? null : DeploymentFlags.preflight(preflight),
                    offlineMinutes);
        }
    }

    /** approve, pause, resume, cancel, rollback: one POST, the new state printed. */
    abstract static class Action implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "ID", description = "The deployment's id.")
        String id;

        abstract String verb();

        @Override
        public Integer call() {
            ApiClient api = remote.client();
            ApiClient.Answer a = api.post(path(id) + "/" + verb(), null);
            print(remote, api, a, d -> {
                PrintWriter out = remote.out();
                out.println("Deployment " + Text.field(d, "id") + " \"" + Text.field(d, "name") + "\": " + progress(d));
                if (d.hasNonNull("reason") && !d.get("reason").asText().isEmpty()) {
                    out.println("  reason: " + Text.field(d, "reason"));
                }
            });
            return 0;
        }
    }

    @Command(
            name = "approve",
            mixinStandardHelpOptions = true,
            description = "Approve a deployment waiting for approval: its first ring starts.")
    static final class Approve extends Action {
        @Override
        String verb() {
            return "approve";
        }
    }

    @Command(
            name = "pause",
            mixinStandardHelpOptions = true,
            description = "Pause a running deployment: no new job starts; jobs already out finish.")
    static final class Pause extends Action {
        @Override
        String verb() {
            return "pause";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused deployment.")
    static final class Resume extends Action {
        @Override
        String verb() {
            return "resume";
        }
    }

    @Command(
            name = "cancel",
            mixinStandardHelpOptions = true,
            description = "Cancel a deployment: jobs no agent has taken yet are withdrawn; hosts already changed"
                    + " stay as they are (roll back for that).")
    static final class Cancel extends Action {
        @Override
        String verb() {
            return "cancel";
        }
    }

    @Command(
            name = "rollback",
            mixinStandardHelpOptions = true,
            description = "Roll back every host the deployment changed, in every ring, to the exact versions it"
                    + " had before (maintenance windows do not hold back a rollback).")
    static final class Rollback extends Action {
        @Override
        String verb() {
            return "rollback";
        }
    }

    @Command(
            name = "watch",
            mixinStandardHelpOptions = true,
            description = {
                "Follow a deployment until it ends, printing a line whenever its state, ring or target counts"
                        + " change (with --json: the deployment's JSON, one line each time).",
                "For CI pipelines: exit 0 when it completed, 1 when it halted, was rolled back or cancelled."
            },
            exitCodeListHeading = Remote.EXIT_HEADING,
            exitCodeList = {
                "0:the deployment completed",
                "1:it halted, was rolled back or cancelled, or the server refused the request",
                "2:bad input on the command line",
                "3:the server cannot be reached or trusted",
                "4:--timeout passed before the deployment ended"
            })
    static final class Watch implements Callable<Integer> {
        static final int EXIT_TIMEOUT = 4;

        @Mixin
        Remote remote;

        @Parameters(paramLabel = "ID", description = "The deployment's id.")
        String id;

        @Option(
                names = "--interval",
                paramLabel = "SECONDS",
                description = "Seconds between polls (default ${DEFAULT-VALUE}).")
        int interval = 10;

        @Option(
                names = "--timeout",
                paramLabel = "DURATION",
                description = "Give up after this long (e.g. 90s, 30m, 2h; a bare number is seconds); default: wait"
                        + " until it ends.")
        String timeout;

        @Override
        public Integer call() throws InterruptedException {
            if (interval < 1 || interval > 3600) {
                throw new UserInputException("--interval " + interval + ": 1..3600 seconds");
            }
            Duration limit = timeout == null ? null : duration(timeout);
            ApiClient api = remote.client();
            PrintWriter out = remote.out();
            long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
            String last = null;
            String lastReason = null;
            while (true) {
                ApiClient.Answer a = api.get(path(id));
                JsonNode d = api.json(a);
                String state = d.path("state").asText();
                String now = progress(d);
                String reason = d.path("reason").asText("");
                if (!now.equals(last) || !reason.equals(lastReason)) {
                    if (remote.json()) {
                        out.println(d.toString());
                    } else {
                        out.println(Text.time(Instant.now()) + "  " + now
                                + (reason.isEmpty() || reason.equals(lastReason)
                                        ? ""
                                        : " — " + Text.safe(reason, 500)));
                    }
                    out.flush();
                    last = now;
                    lastReason = reason;
                }
                if (SUCCEEDED.contains(state)) {
                    return 0;
                }
                if (FAILED.contains(state)) {
                    return 1;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ExitException(
                            EXIT_TIMEOUT,
                            "deployment " + Text.safe(id, 100) + " is still " + Text.safe(state, 40) + " after "
                                    + Text.safe(timeout.strip(), 20)
                                    + (timeout.strip().matches("\\d+") ? " s" : ""));
                }
                Thread.sleep(Math.min(interval * 1000L, left / 1_000_000 + 1));
            }
        }

        static Duration duration(String text) {
            String t = text.strip().toLowerCase(java.util.Locale.ROOT);
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("(\\d{1,7})([smh]?)").matcher(t);
            if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
                throw new UserInputException("--timeout \"" + Text.safe(text, 40)
                        + "\": expected a positive duration such as 90s, 30m or 2h (a bare number is seconds)");
            }
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "h":
                    return Duration.ofHours(n);
                case "m":
                    return Duration.ofMinutes(n);
                default:
                    return Duration.ofSeconds(n);
            }
        }
    }
}
