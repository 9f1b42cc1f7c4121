/**
 * Append-only, SHA-256 hash-chained audit log written by a background thread from a bounded queue
 * ({@link io.bastion.security.audit.AuditLog}), rotated by size with the chain continued across files, optionally
 * anchored by Ed25519-signed checkpoint records, and a verifier that names the first edited, deleted, reordered,
 * inserted or truncated record and, for an anchored log, a forged checkpoint, removed oldest files and a log that was
 * not closed ({@link io.bastion.security.audit.AuditVerifier}). The design, and what a verifier cannot detect, are in
 * {@code docs/audit-chain.md}.
 */
package io.bastion.security.audit;
