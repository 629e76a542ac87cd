/** Fixpoint's pure domain: no I/O beyond the streams it is handed, no frameworks, no logging framework. */
package dev.fixpoint.core;
