/**
 * The endpoint agent. Placeholder: the agent arrives with the fleet-loop issue (#3); nothing in this
 * module is functional yet and no command claims otherwise. It may depend on {@code core} and the JDK
 * only (checked by {@code ArchitectureTest}).
 */
package dev.fixpoint.agent;
