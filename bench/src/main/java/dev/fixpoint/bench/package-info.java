/** Benchmarks: JMH micro-benchmarks and fleet-scale harnesses. Not shipped in the distributable. */
package dev.fixpoint.bench;
