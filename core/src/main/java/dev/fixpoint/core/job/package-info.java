/**
 * Jobs the server sends agents: typed operations (install exact versions, roll back to exact versions,
 * reboot, refresh the inventory), never shell text. A job has a canonical byte encoding ({@link
 * JobEncoding}) that the server signs with its Ed25519 key ({@link SignedJob}); {@link PackageFamily}
 * validates package names, versions and architectures against each package manager's grammar before
 * anything is built from them. Pure domain: the agent verifies and executes, the server signs and
 * dispatches. See docs/jobs.md.
 */
package dev.fixpoint.core.job;
