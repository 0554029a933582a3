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

export interface AuditedContext {
  audit: RequestAudit;
}
