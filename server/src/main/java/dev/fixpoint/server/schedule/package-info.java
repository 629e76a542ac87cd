/**
 * When patching may happen: recurring maintenance windows (RFC 5545 recurrence rules in a time
 * zone, with a duration), blackout periods that override them, and the policy that combines both
 * into "may a job of this length start now?" and "when is the earliest it may?". Pure logic over
 * {@link java.time}: no persistence, no clock of its own. See {@code docs/maintenance-windows.md}.
 */
package dev.fixpoint.server.schedule;
