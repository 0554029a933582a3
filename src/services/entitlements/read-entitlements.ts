import { accessOn, featuresOn } from '../../domain/entitlements.js';
import type { ServiceContext } from '../context.js';
import type { EntitledContext } from './tenant-entitlements.js';

/** The tenant's subscription today and what it unlocks, with where the paywall sends people. */
export async function readEntitlements(ctx: ServiceContext & EntitledContext, input: { upgradeUrl: string }) {
  const record = await ctx.entitlements.load();
  const today = ctx.clock();
  const access = accessOn(record, today);
  return {
    commission_intelligence: access.commissionIntelligence,
    subscription_tier: access.tier,
    promo_until: access.promoUntil,
    promo_days_left: access.promoDaysLeft,
    features: featuresOn(record, today),
    source: record.source,
    upgrade_url: input.upgradeUrl,
  };
}
