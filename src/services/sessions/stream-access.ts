import type pg from 'pg';
import { withTenant } from '../../db/tenant.js';
import { readUser } from '../../db/users.js';
import type { SessionRevocations } from './revocations.js';

/** Who holds an open event stream of a tenant. */
export interface StreamHolder {
  userId: string;
  sessionId: string | undefined;
}

/**
 * Whether the holder of an open stream may still read its tenant: their session is not revoked
 * (here or, with Redis, on any instance) and their user is not erased (nor the whole tenant, whose
 * users go with it). Asked again when the change feed says the tenant's sessions or users changed.
 */
export async function mayStillRead(deps: { pool: pg.Pool; revocations: SessionRevocations }, tenantId: string, holder: StreamHolder): Promise<boolean> {
  if (holder.sessionId && (await deps.revocations.isRevoked(tenantId, holder.sessionId))) return false;
  const user = await withTenant(deps.pool, tenantId, (tx) => readUser(tx, holder.userId));
  return user !== undefined;
}
