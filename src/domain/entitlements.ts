/** Subscription tiers, from the marketplace. */
export const TIERS = ['none', 'promo', 'premium', 'enterprise'] as const;
export type Tier = (typeof TIERS)[number];

export interface EntitlementRecord {
  tier: Tier;
  /** Last day of the promotion, inclusive (YYYY-MM-DD). */
  promoUntil: string | null;
}

export interface Access {
  commissionIntelligence: boolean;
  tier: Tier;
  promoUntil: string | null;
  /** Whole days of promotion left, counting today; null when not on a promotion. */
  promoDaysLeft: number | null;
}

const DAY_MS = 86_400_000;

function utcDay(date: Date): number {
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

/**
 * What a tenant may use today. Premium and enterprise always have access; a promotion has access
 * up to and including its last day; `none` never.
 */
export function accessOn(record: EntitlementRecord, today: Date): Access {
  if (record.tier === 'promo') {
    const daysLeft = record.promoUntil ? Math.floor((Date.parse(record.promoUntil) - utcDay(today)) / DAY_MS) + 1 : 0;
    return {
      commissionIntelligence: daysLeft > 0,
      tier: 'promo',
      promoUntil: record.promoUntil,
      promoDaysLeft: Math.max(daysLeft, 0),
    };
  }
  return {
    commissionIntelligence: record.tier === 'premium' || record.tier === 'enterprise',
    tier: record.tier,
    promoUntil: record.promoUntil,
    promoDaysLeft: null,
  };
}
