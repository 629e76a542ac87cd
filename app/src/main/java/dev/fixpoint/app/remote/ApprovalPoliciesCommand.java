package dev.fixpoint.app.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fixpoint.server.deploy.ApprovalPolicies;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fixpoint approval-policies}: rules that approve a new deployment in the operator's stead. */
@Command(
        name = "approval-policies",
        mixinStandardHelpOptions = true,
        description = {
            "Automatic approval: a policy approves a new deployment when every condition it sets holds (e.g. it"
                    + " fixes a KEV-listed vulnerability on at most 20 hosts). The deployment still goes through its"
                    + " rings and gates. Creating and deleting policies needs the admin role.",
            "Connection: --server or FIXPOINT_SERVER, the API token in FIXPOINT_TOKEN or --token-file, and"
                    + " --fingerprint or FIXPOINT_FINGERPRINT to pin a self-signed server certificate."
        },
        subcommands = {
            ApprovalPoliciesCommand.ListCommand.class,
            ApprovalPoliciesCommand.Create.class,
            ApprovalPoliciesCommand.Delete.class
        })
public final class ApprovalPoliciesCommand implements Runnable {

    static final String PATH = "/api/v1/approval-policies";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String rule(JsonNode r) {
        List<String> parts = new ArrayList<>();
        if (r.hasNonNull("kev")) {
            parts.add(r.get("kev").asBoolean() ? "fixes a KEV finding" : "fixes a finding not in KEV");
        }
        if (r.hasNonNull("decisions")) {
            parts.add("decision " + Text.list(r.get("decisions")));
        }
        if (r.hasNonNull("kinds")) {
            parts.add("kind " + Text.list(r.get("kinds")));
        }
        if (r.hasNonNull("groups")) {
            parts.add("only hosts in " + Text.list(r.get("groups")));
        }
        if (r.hasNonNull("maxHosts")) {
            parts.add("at most " + r.get("maxHosts").asLong() + " hosts");
        }
        return parts.isEmpty() ? "-" : String.join("; ", parts);
    }

    static void printPolicy(PrintWriter out, JsonNode p) {
        out.println("Approval policy " + Text.field(p, "id") + " \"" + Text.field(p, "name") + "\"");
        List<String[]> f = new ArrayList<>();
        f.add(new String[] {"approves when", rule(p.path("rule"))});
        f.add(new String[] {"enabled", p.path("enabled").asBoolean() ? "yes" : "no"});
        f.add(new String[] {"created", Text.time(p.get("created")) + " by " + Text.field(p, "createdBy")});
        Text.fields(out, f);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the approval policies.")
    static final class ListCommand implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Override
        public Integer call() {
            return DeploymentsCommand.list(
                    remote,
                    PATH,
                    "No approval policies: every deployment waits for an operator's approval.",
                    List.of("ID", "NAME", "ENABLED", "APPROVES WHEN", "CREATED BY"),
                    p -> List.of(
                            Text.field(p, "id"),
                            Text.field(p, "name"),
                            p.path("enabled").asBoolean() ? "yes" : "no",
                            rule(p.path("rule")),
                            Text.field(p, "createdBy")));
        }
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create an approval policy; give at least one condition (all given must hold).")
    static final class Create implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "Its name (unique).")
        String name;

        @Option(names = "--kev", description = "Some finding the deployment fixes is in CISA KEV.")
        boolean kev;

        @Option(
                names = "--decisions",
                split = ",",
                paramLabel = "DECISION",
                description = "Some finding it fixes has one of these SSVC decisions: immediate, out-of-cycle,"
                        + " scheduled, defer.")
        List<String> decisions;

        @Option(
                names = "--kinds",
                split = ",",
                paramLabel = "KIND",
                description = "Its kind is one of these: PACKAGES, SECURITY, ADVISORIES, ALL_PENDING.")
        List<String> kinds;

        @Option(
                names = "--groups",
                split = ",",
                paramLabel = "GROUP_ID",
                description = "Every host it patches is in one of these groups.")
        List<String> groups;

        @Option(names = "--max-hosts", paramLabel = "N", description = "It patches at most N hosts.")
        Integer maxHosts;

        @Option(names = "--disabled", description = "Create it disabled.")
        boolean disabled;

        @Override
        public Integer call() {
            ApprovalPolicies.PolicyInput in = new ApprovalPolicies.PolicyInput(
                    name,
                    new ApprovalPolicies.Rule(kev ? Boolean.TRUE : null, decisions, kinds, groups, maxHosts),
                    disabled ? Boolean.FALSE : null);
            ApiClient api = remote.client();
            DeploymentsCommand.print(remote, api, api.post(PATH, in), p -> {
                remote.out().println("Created:");
                printPolicy(remote.out(), p);
            });
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an approval policy.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "ID", description = "The policy's id.")
        String id;

        @Override
        public Integer call() {
            return DeploymentsCommand.delete(remote, PATH, id);
        }
    }
}
