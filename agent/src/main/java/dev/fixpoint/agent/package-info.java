/**
 * The endpoint agent: {@code collect} reads what a host runs (packages, pending updates, kernel and
 * reboot state) without changing anything, {@code client} speaks agent protocol v1 to the server over
 * pinned TLS, {@code run} holds the enrollment state, the spool and the check-in loop, and {@link
 * dev.fixpoint.agent.AgentMain} is the standalone jar's entry point. It may depend on {@code core},
 * the JDK and Jackson only (checked by {@code ArchitectureTest}): see docs/agent.md.
 */
package dev.fixpoint.agent;
