import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** Namespace of our tenant ids (a random UUID fixed once; changing it would re-key every tenant). */
const TENANT_NAMESPACE = '5b0d8a4e-3f8c-4f7e-9d52-6a8f0c1e2b37';

/** RFC 9562 UUID version 5 (SHA-1, name-based) of `name` in `namespace`. */
export function uuidV5(name: string, namespace: string): string {
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The tenant id of a marketplace organisation. Deterministic, so that provisioning can set the
 * tenant context before the tenant row exists and never has to search across tenants.
 */
export function tenantIdForOrg(orgId: string): string {
  let tenantId = recent.get(orgId);
  if (tenantId === undefined) {
    tenantId = uuidV5(orgId, TENANT_NAMESPACE);
    recent.set(orgId, tenantId);
  }
  return tenantId;
}

/** Every authenticated request asks for its tenant id: the organisations seen lately skip the hash. */
const recent = new LRUCache<string, string>({ max: 10_000 });
