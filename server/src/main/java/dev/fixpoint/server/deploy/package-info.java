/**
 * Patching (issue #4): deployments with rings, gates, approvals and rollback; maintenance windows
 * kept in the database; the signed jobs agents fetch at check-in and the results they send back.
 */
package dev.fixpoint.server.deploy;
