/**
 * The tamper-evident audit log: records hash-chained over a canonical encoding, and checkpoints signed
 * with the server's Ed25519 key. Pure domain: storage lives in the server.
 */
package dev.fixpoint.core.audit;
