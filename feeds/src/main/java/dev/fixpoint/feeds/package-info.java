/** Readers for advisory and signal sources; they map external documents onto the core model. */
package dev.fixpoint.feeds;
