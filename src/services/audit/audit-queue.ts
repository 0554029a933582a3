import type { AuditEntry } from '../../db/audit.js';

/**
 * The audit entries of requests answered but not yet written (AuditWriter). Use cases that read
 * the trail, export it or redact it flush it first, so what they see is current.
 */
export interface AuditQueue {
  flush(): Promise<void>;
}

/** The audit of the request being served. */
export interface RequestAudit extends AuditQueue {
  /** The request's own audit entry keeps no IP address (it erased its caller's personal data). */
  omitCallerIp(): void;
}

/**
 * The audit row of a request's write, written in the write's own transaction (`writeInTenant`):
 * it exists if and only if the write committed, whether or not the client stayed to hear the
 * answer, and a kill -9 cannot lose it from a queue.
 */
export interface WriteAudit {
  /** The request's entry as of now (the status its success answers), or undefined once one committed. */
  entry(): AuditEntry | undefined;
  /** The transaction holding the entry committed: the request gets no second entry after its answer. */
  committed(): void;
}

export interface AuditedContext {
  audit: RequestAudit;
}
