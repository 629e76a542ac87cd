/**
 * Exact matching of installed packages against advisories: an index of advisories by (ecosystem,
 * package), the evaluation of OSV ranges with each ecosystem's own version scheme, and verdicts that
 * carry their evidence.
 */
package dev.fixpoint.core.matching;
