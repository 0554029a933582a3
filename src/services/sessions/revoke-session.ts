import type pg from 'pg';
import { marketplaceRequestSeen, recordMarketplaceRequest } from '../../db/marketplace-requests.js';
import { tenantIdForOrg } from '../../db/tenant-id.js';
import { withTenant } from '../../db/tenant.js';
import { AppError } from '../../domain/app-error.js';
import { SESSIONS_CHANGED } from '../../realtime/change-message.js';
import { requireAdmin, type ServiceContext, type TenantChanged } from '../context.js';
import { DEFAULT_REVOCATION_TTL_SECONDS, type SessionRevocations } from './revocations.js';

/** What use cases that revoke sessions get besides the context. */
export interface RevocationContext {
  revocations: SessionRevocations;
}

/** Where a revocation is announced, so every instance ends the session's open event streams. */
interface Announcer {
  tenantChanged: TenantChanged;
}

export interface RevokeSessionInput {
  session_id: string;
  /** When the session's last token expires (unix seconds), if known. */
  expires_at?: number | undefined;
}

export interface Revoked {
  session_id: string;
  status: 'revoked';
}

/**
 * How long a revocation must be kept: until the session's tokens expire, and never longer than a
 * token can live at all (also when the expiry is not known). Zero or less: nothing left to revoke.
 */
function revocationTtlSeconds(expiresAt: number | undefined, now: Date): number {
  if (expiresAt === undefined) return DEFAULT_REVOCATION_TTL_SECONDS;
  return Math.min(expiresAt - Math.floor(now.getTime() / 1000), DEFAULT_REVOCATION_TTL_SECONDS);
}

/**
 * Remembers a revoked session of a tenant until its tokens would expire, and tells every instance
 * (`sessions` change, no ids on the wire), which ends the session's open event streams.
 */
export async function recordRevocation(
  deps: RevocationContext & Announcer,
  tenantId: string,
  input: RevokeSessionInput,
  now: Date,
): Promise<Revoked> {
  const ttl = revocationTtlSeconds(input.expires_at, now);
  if (ttl > 0) {
    try {
      await deps.revocations.revoke(tenantId, input.session_id, ttl);
    } catch {
      // Nobody may believe a session revoked that other instances would still accept.
      throw new AppError('unavailable', 'unavailable', 'cannot record the revocation right now; retry', { retryAfterSeconds: 5 });
    }
    await deps.tenantChanged(tenantId, { type: SESSIONS_CHANGED });
  }
  return { session_id: input.session_id, status: 'revoked' };
}

/** A tenant admin ends a session of one of the organisation's users (a lost laptop, a leaver). */
export async function revokeSession(ctx: ServiceContext & RevocationContext, input: RevokeSessionInput): Promise<Revoked> {
  requireAdmin(ctx);
  return recordRevocation(ctx, ctx.principal.tenantId, input, ctx.clock());
}

/**
 * The marketplace ends a session of an organisation it names (`tenant_id` is its organisation id),
 * once per `event_id`: a repeat is `duplicate` and does nothing. The revocation is stored before the
 * event id, so a failure in between leaves the request to be retried, never marked done undone.
 */
export async function revokeMarketplaceSession(
  deps: { clock: () => Date; pool: pg.Pool } & RevocationContext & Announcer,
  input: RevokeSessionInput & { tenant_id: string; event_id: string },
): Promise<{ event_id: string; session_id: string; status: 'revoked' | 'duplicate'; tenantId: string }> {
  const tenantId = tenantIdForOrg(input.tenant_id);
  const done = { event_id: input.event_id, session_id: input.session_id, tenantId };
  if (await withTenant(deps.pool, tenantId, (tx) => marketplaceRequestSeen(tx, input.event_id))) return { ...done, status: 'duplicate' };
  await recordRevocation(deps, tenantId, input, deps.clock());
  await withTenant(deps.pool, tenantId, (tx) => recordMarketplaceRequest(tx, input.event_id, 'session_revoke'));
  return { ...done, status: 'revoked' };
}
