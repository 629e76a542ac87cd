package dev.fixpoint.server.deploy;

import java.util.Set;

/** The words stored in the deployment tables' {@code state} columns. */
final class States {
    private States() {}

    // deployments
    static final String PENDING_APPROVAL = "pending_approval";
    static final String RUNNING = "running";
    static final String PAUSED = "paused";
    static final String HALTED = "halted";
    static final String ROLLING_BACK = "rolling_back";
    static final String COMPLETED = "completed";
    static final String CANCELLED = "cancelled";
    static final String ROLLED_BACK = "rolled_back";

    static final Set<String> FINAL = Set.of(COMPLETED, CANCELLED, ROLLED_BACK);

    // rings
    static final String RING_WAITING = "waiting";
    static final String RING_RUNNING = "running";
    static final String RING_BAKING = "baking";
    static final String RING_PASSED = "passed";
    static final String RING_FAILED = "failed";

    // targets
    static final String T_PENDING = "pending";
    static final String T_INSTALLING = "installing";
    static final String T_VERIFYING = "verifying";
    static final String T_REBOOT_PENDING = "reboot_pending";
    static final String T_REBOOTING = "rebooting";
    static final String T_SUCCEEDED = "succeeded";
    static final String T_FAILED = "failed";
    static final String T_UNHEALTHY = "unhealthy";
    static final String T_SKIPPED = "skipped";
    /** Pre-flight found that a rollback could not restore this host: it is not patched. */
    static final String T_BLOCKED = "blocked";
    /** Did not check in for the deployment's offline time while its ring ran: given up, not a success. */
    static final String T_OFFLINE = "offline";

    static final String T_CANCELLED = "cancelled";
    static final String T_ROLLBACK_PENDING = "rollback_pending";
    static final String T_ROLLING_BACK = "rolling_back";
    static final String T_ROLLED_BACK = "rolled_back";
    static final String T_ROLLBACK_FAILED = "rollback_failed";

    /** A job of the deployment is out for these targets. */
    static final Set<String> IN_FLIGHT =
            Set.of(T_INSTALLING, T_VERIFYING, T_REBOOT_PENDING, T_REBOOTING, T_ROLLBACK_PENDING, T_ROLLING_BACK);

    /** Not finished within its ring: pending or a job out. */
    static final Set<String> OPEN = Set.of(T_PENDING, T_INSTALLING, T_VERIFYING, T_REBOOT_PENDING, T_REBOOTING);

    /** Outcomes that count against a ring's gates. */
    static final Set<String> FAILURES = Set.of(T_FAILED, T_UNHEALTHY);

    /** The host was changed by the deployment and can be rolled back. */
    static final Set<String> ROLLBACK_CANDIDATES =
            Set.of(T_SUCCEEDED, T_FAILED, T_UNHEALTHY, T_VERIFYING, T_REBOOT_PENDING);
}
