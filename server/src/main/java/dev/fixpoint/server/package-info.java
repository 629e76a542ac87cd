/**
 * The server. Placeholder: the server arrives with the fleet-loop issue (#3); nothing in this module
 * is functional yet and no command claims otherwise. Nothing but the {@code app} composition root may
 * depend on it (checked by {@code ArchitectureTest}).
 */
package dev.fixpoint.server;
