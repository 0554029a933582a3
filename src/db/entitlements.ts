import type { EntitlementRecord, Tier } from '../domain/entitlements.js';
import type { TenantTx } from './tenant.js';

export async function readEntitlements(tx: TenantTx): Promise<EntitlementRecord> {
  const result = await tx.query<{ subscription_tier: Tier; promo_until: string | null }>(
    'SELECT subscription_tier, promo_until FROM entitlements WHERE tenant_id = $1',
    [tx.tenantId],
  );
  const row = result.rows[0];
  // A tenant always gets a row when provisioned; one without is treated as having no subscription.
  return row ? { tier: row.subscription_tier, promoUntil: row.promo_until } : { tier: 'none', promoUntil: null };
}
