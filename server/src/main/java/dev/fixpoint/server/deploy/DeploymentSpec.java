package dev.fixpoint.server.deploy;

import java.util.List;

/**
 * A deployment as a client asks for it (docs/deployments.md): what to install, where, and how.
 *
 * @param what the packages: {@code PACKAGES} (explicit versions), {@code SECURITY} (every pending
 *     update from a security archive), {@code ADVISORIES} (updates that fix these advisories or
 *     CVEs), {@code ALL_PENDING} (everything the package manager reports as pending)
 * @param where the hosts: the union of explicit hosts, groups, labels and a query
 * @param rings ordered rings; none means one ring with every host
 * @param windows {@code HOST_WINDOWS} (default: each host's maintenance windows) or {@code IMMEDIATE}
 *     (now, still never inside a blackout)
 * @param reboot {@code NEVER}, {@code IF_REQUIRED} (default) or {@code ALWAYS}
 * @param autoRollback roll back a ring that fails its gates (default true)
 * @param expectedMinutes how long one host's install may take; a job starts only when this fits in
 *     the open window (default 30)
 * @param healthChecks what each agent checks after installing or rolling back
 * @param preflight before a host is patched, its agent checks that the versions a rollback would
 *     restore can still be installed: {@code BLOCK} (default: a host that could not be rolled back is
 *     not patched), {@code WARN} (patched anyway, the detail says so), {@code OFF}
 * @param offlineMinutes a host of the running ring that has not checked in for this long is given up
 *     as {@code offline} (not a success: the ring's minimum success ratio decides); default 60
 */
public record DeploymentSpec(
        String name,
        What what,
        Where where,
        List<Ring> rings,
        String windows,
        String reboot,
        Boolean autoRollback,
        Integer expectedMinutes,
        List<Check> healthChecks,
        String preflight,
        Integer offlineMinutes) {

    public record What(String kind, List<Pkg> packages, List<String> advisories) {}

    /** An exact version; {@code arch} optional (the host's installed architecture of that package). */
    public record Pkg(String name, String version, String arch) {}

    public record Where(
            List<String> hosts,
            List<String> groups,
            List<String> labels,
            String hostname,
            String ecosystem,
            Boolean allHosts) {}

    /**
     * One ring: hosts from a group, a percentage of the deployment's hosts, or (the last ring only,
     * neither given) the rest.
     */
    public record Ring(
            String name,
            String group,
            Double percent,
            Integer bakeMinutes,
            Double minSuccessRatio,
            Integer maxFailures,
            Double maxFailureRatio,
            Integer concurrency) {}

    public record Check(String kind, String target) {}
}
