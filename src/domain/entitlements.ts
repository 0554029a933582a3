/** Subscription tiers, from the marketplace. */
export const TIERS = ['none', 'promo', 'premium', 'enterprise'] as const;
export type Tier = (typeof TIERS)[number];

/**
 * What a tier unlocks. The one table the gate, GET /entitlements and the README's "Entitlements"
 * section agree on. Promotion is a trial of premium; enterprise adds what only large customers buy.
 * `none`, and a promotion past its last day, unlock nothing.
 */
export const FEATURE_MATRIX = {
  commission_data: {
    tiers: ['promo', 'premium', 'enterprise'],
    label: 'Commission data (import, months, agents)',
  },
  exports: { tiers: ['promo', 'premium', 'enterprise'], label: 'Exports (JSON, CSV)' },
  analytics: { tiers: ['promo', 'premium', 'enterprise'], label: 'Analytics' },
  plans: { tiers: ['promo', 'premium', 'enterprise'], label: 'Commission plans' },
  plan_simulation: { tiers: ['promo', 'premium', 'enterprise'], label: 'Plan simulation' },
  custom_formulas: { tiers: ['enterprise'], label: 'Custom formulas' },
  branding: { tiers: ['enterprise'], label: 'White-label branding' },
  higher_rate_limits: { tiers: ['enterprise'], label: 'Higher rate limits' },
} as const satisfies Record<string, { tiers: readonly Tier[]; label: string }>;

export type Feature = keyof typeof FEATURE_MATRIX;
export const FEATURES = Object.keys(FEATURE_MATRIX) as Feature[];

/** Per-tenant switches from the marketplace: a known feature name with a boolean refines the tier. */
export type Flags = Record<string, unknown>;

export interface EntitlementRecord {
  tier: Tier;
  /** Last day of the promotion, inclusive (YYYY-MM-DD). */
  promoUntil: string | null;
  flags?: Flags;
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

export type FeatureDecision =
  | { allowed: true }
  | {
      allowed: false;
      /** A sentence for the person who hit the paywall. */
      reason: string;
      /** Lowest tier that unlocks the feature. */
      requiredTier: Tier;
    };

function lowestTierFor(feature: Feature): Tier {
  return FEATURE_MATRIX[feature].tiers[0] === 'promo' ? 'premium' : FEATURE_MATRIX[feature].tiers[0];
}

/**
 * Whether `record` unlocks `feature` today. Without access (tier `none`, or a promotion past its
 * last day) nothing is unlocked, whatever the flags say: flags refine a live subscription, they never
 * open a closed one. With access, a boolean flag named after the feature wins over the matrix.
 */
export function decideFeature(record: EntitlementRecord, feature: Feature, today: Date): FeatureDecision {
  const { label } = FEATURE_MATRIX[feature];
  const requiredTier = lowestTierFor(feature);
  const access = accessOn(record, today);
  if (!access.commissionIntelligence) {
    const reason =
      record.tier === 'promo'
        ? record.promoUntil
          ? `The promotion ended on ${record.promoUntil}; ${label} needs a subscription.`
          : `The promotion has no end date on record; ${label} needs a subscription.`
        : `${label} needs a subscription; this organisation has none.`;
    return { allowed: false, reason, requiredTier };
  }
  const flag = record.flags?.[feature];
  if (flag === true) return { allowed: true };
  if (flag === false) {
    return { allowed: false, reason: `${label} is switched off for this organisation by the marketplace.`, requiredTier };
  }
  if ((FEATURE_MATRIX[feature].tiers as readonly Tier[]).includes(record.tier)) return { allowed: true };
  return {
    allowed: false,
    reason: `${label} needs the ${requiredTier} tier; this organisation is on ${record.tier}.`,
    requiredTier,
  };
}

/** Every feature `record` unlocks today, in matrix order. */
export function featuresOn(record: EntitlementRecord, today: Date): Feature[] {
  return FEATURES.filter((feature) => decideFeature(record, feature, today).allowed);
}

// ---------------------------------------------------------------------------------------------
// Sources and their precedence

/**
 * Where a tenant's entitlements came from, lowest precedence first: the provisioning default (a
 * promotion of PROMO_DAYS), a pull from MARKETPLACE_ENTITLEMENTS_URL, the claims of a user's token,
 * a signed push from the marketplace.
 */
export const SOURCES = ['provisioning', 'pull', 'claims', 'push'] as const;
export type EntitlementSource = (typeof SOURCES)[number];

/** What the gate reads: the tenant's entitlements as last changed, and by whom and when. */
export interface StoredEntitlements extends EntitlementRecord {
  flags: Flags;
  source: EntitlementSource;
  /** When the source said so (push: the event's time; claims: the token's iat; pull: fetch time). */
  sourceTime: Date | null;
}

/** A statement of entitlements by one source at one time. */
export interface EntitlementChange {
  source: EntitlementSource;
  time: Date;
  tier: Tier;
  promoUntil: string | null;
  flags: Flags;
}

export type ChangeVerdict =
  /** A lower-precedence source than the stored one: ignored. */
  | 'outranked'
  /** Same source, but older than the stored change: ignored (out-of-order delivery). */
  | 'older'
  /** Same source, same time or older-or-equal, same values: nothing to do. */
  | 'same'
  /** Apply: a higher source, or a newer statement of the same source. */
  | 'apply';

const rank = (source: EntitlementSource) => SOURCES.indexOf(source);

function sameValues(a: EntitlementRecord, b: EntitlementRecord): boolean {
  return a.tier === b.tier && a.promoUntil === b.promoUntil && stableJson(a.flags ?? {}) === stableJson(b.flags ?? {});
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The precedence rule, in one place: a statement applies when its source ranks at least as high as
 * the stored one (push > claims > pull > provisioning) and, from the same source, when it is not
 * older than the stored statement. So once a push has been received only a newer push changes
 * anything; claims apply while no push has been received; a pull only while there was neither.
 */
export function judgeChange(current: StoredEntitlements, change: EntitlementChange): ChangeVerdict {
  const difference = rank(change.source) - rank(current.source);
  if (difference < 0) return 'outranked';
  if (difference > 0) return 'apply';
  const currentTime = current.sourceTime?.getTime() ?? Number.NEGATIVE_INFINITY;
  if (change.time.getTime() < currentTime) return 'older';
  if (sameValues(current, change) && change.time.getTime() === currentTime) return 'same';
  return 'apply';
}

/** True when applying `change` to `current` changes what the tenant has (values or source): worth an audit row. */
export function changesEntitlements(current: StoredEntitlements, change: EntitlementChange): boolean {
  return current.source !== change.source || !sameValues(current, change);
}

// ---------------------------------------------------------------------------------------------
// Statements from the outside (token claims, pull responses)

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD. */
function isIsoDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface EntitlementStatement {
  tier: Tier;
  promoUntil: string | null;
  flags: Flags;
}

/**
 * Reads `{subscription_tier, promo_until, flags?}` as the marketplace writes it (in a token's
 * `app_metadata.entitlements`, or a pull response). Anything else is no statement at all
 * (undefined), never an error: a malformed claim must not lock a user out.
 */
export function parseEntitlementStatement(value: unknown): EntitlementStatement | undefined {
  if (!isRecord(value)) return undefined;
  const tier = value.subscription_tier;
  if (typeof tier !== 'string' || !(TIERS as readonly string[]).includes(tier)) return undefined;
  const promo = value.promo_until ?? null;
  if (promo !== null && (typeof promo !== 'string' || !isIsoDate(promo))) return undefined;
  const flags = value.flags === undefined || value.flags === null ? {} : value.flags;
  if (!isRecord(flags) || Object.keys(flags).length > 100) return undefined;
  return { tier: tier as Tier, promoUntil: promo, flags };
}

/** Entitlements a verified token carries in `app_metadata.entitlements`, as of the token's `iat`. */
export interface ClaimedEntitlements extends EntitlementStatement {
  issuedAt: Date;
}

/** The claim as a statement: none without a valid `app_metadata.entitlements` and an `iat` to order it by. */
export function claimedEntitlements(appMetadata: Record<string, unknown>, issuedAtSeconds: unknown): ClaimedEntitlements | undefined {
  const statement = parseEntitlementStatement(appMetadata.entitlements);
  if (!statement || typeof issuedAtSeconds !== 'number' || !Number.isFinite(issuedAtSeconds)) return undefined;
  return { ...statement, issuedAt: new Date(issuedAtSeconds * 1000) };
}
