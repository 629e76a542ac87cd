/** Exploitation and enrichment signals: CISA KEV, FIRST EPSS, NVD CVSS/CWE. */
package dev.fixpoint.core.signal;
