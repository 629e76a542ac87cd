/** Ecosystems (OSV naming), their families, version schemes and package-identity rules. */
package dev.fixpoint.core.platform;
