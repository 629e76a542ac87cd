/**
 * The canonical advisory model (OSV-shaped). Feed readers produce {@link dev.fixpoint.core.advisory.Advisory}
 * records; matching and risk consume them.
 */
package dev.fixpoint.core.advisory;
