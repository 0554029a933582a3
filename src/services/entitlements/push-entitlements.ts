import { invalidInput } from '../../domain/app-error.js';
import type { Tier } from '../../domain/entitlements.js';
import { provisionTenant, type ProvisioningDeps } from '../tenant/provision-tenant.js';
import type { EntitlementStore } from './entitlement-store.js';

export interface PushEntitlementsInput {
  event_id: string;
  /** The marketplace organisation id. */
  tenant_id: string;
  subscription_tier: Tier;
  promo_until: string | null;
  flags?: Record<string, unknown> | undefined;
  occurred_at?: string | undefined;
  /** When the marketplace signed the push: the event's time when it names none. */
  signedAt: Date;
}

/**
 * The marketplace's statement of an organisation's entitlements (already authenticated by its
 * signature). An unknown organisation is provisioned; the push is applied once per event id, and
 * an event older than the last applied push changes nothing. `toleranceSeconds` is how far ahead of
 * our clock an event's time may be (the signature's own tolerance).
 */
export async function pushEntitlements(
  deps: ProvisioningDeps & { store: EntitlementStore; toleranceSeconds: number },
  input: PushEntitlementsInput,
) {
  const now = deps.clock();
  const occurredAt = input.occurred_at ? new Date(input.occurred_at) : input.signedAt;
  if (occurredAt.getTime() > now.getTime() + deps.toleranceSeconds * 1000) {
    // A time in the future would make every later event look older.
    throw invalidInput('occurred_at is in the future.', [{ pointer: '/occurred_at', message: 'is later than now' }]);
  }
  if (input.subscription_tier === 'promo' && input.promo_until === null) {
    throw invalidInput('A promotion needs its last day.', [{ pointer: '/promo_until', message: 'is required for the promo tier' }]);
  }
  const { tenantId, created } = await provisionTenant({ ...deps, clock: () => now }, { orgId: input.tenant_id });
  const { outcome, after } = await deps.store.push(tenantId, input.event_id, {
    source: 'push',
    time: occurredAt,
    tier: input.subscription_tier,
    promoUntil: input.promo_until,
    flags: input.flags ?? {},
  });
  return { event_id: input.event_id, status: outcome, tenantId, created, tier: after.tier };
}
