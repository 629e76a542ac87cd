/**
 * The simulated demo fleet of {@code fixpoint server --demo}: a handful of hosts, labelled {@code
 * simulated=true}, whose package lists are real ones (Debian 12, Ubuntu 22.04, UBI 9.2 as AlmaLinux
 * 9, Alpine 3.18; see {@code SOURCES.md} beside the data), ingested through the inventory store like
 * any agent's report.
 */
package dev.fixpoint.server.demo;
