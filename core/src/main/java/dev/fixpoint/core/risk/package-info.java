/**
 * Risk: CVSS scores, EPSS, CISA KEV and the asset's criticality and exposure, combined into an SSVC
 * deployer-style decision and a 0–100 score, each with the factors that produced it. See {@code
 * docs/risk.md}.
 */
package dev.fixpoint.core.risk;
