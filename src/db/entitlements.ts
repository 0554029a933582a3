import {
  changesEntitlements,
  judgeChange,
  type ChangeVerdict,
  type EntitlementChange,
  type EntitlementSource,
  type Flags,
  type StoredEntitlements,
  type Tier,
} from '../domain/entitlements.js';
import type { TenantTx } from './tenant.js';

interface EntitlementRow {
  subscription_tier: Tier;
  promo_until: string | null;
  flags: Flags | null;
  source: EntitlementSource;
  source_time: Date | null;
}

const COLUMNS = 'subscription_tier, promo_until, flags, source, source_time';

function fromRow(row: EntitlementRow | undefined): StoredEntitlements {
  // A tenant always gets a row when provisioned; one without is treated as having no subscription.
  if (!row) return { tier: 'none', promoUntil: null, flags: {}, source: 'provisioning', sourceTime: null };
  return { tier: row.subscription_tier, promoUntil: row.promo_until, flags: row.flags ?? {}, source: row.source, sourceTime: row.source_time };
}

/** The tenant's stored entitlements: one row by primary key. */
export async function readEntitlements(tx: TenantTx): Promise<StoredEntitlements> {
  const result = await tx.query<EntitlementRow>(`SELECT ${COLUMNS} FROM entitlements WHERE tenant_id = $1`, [tx.tenantId]);
  return fromRow(result.rows[0]);
}

export interface AppliedChange {
  verdict: ChangeVerdict;
  /** True when what the tenant has changed (and an audit row was written). */
  changed: boolean;
  before: StoredEntitlements;
  after: StoredEntitlements;
}

/**
 * Applies `change` if the precedence rule (`judgeChange`) lets it, under a row lock so that
 * concurrent statements for one tenant are judged one after the other. Every change of values or
 * source is audited in `entitlement_events`.
 */
export async function applyEntitlementChange(tx: TenantTx, change: EntitlementChange, eventId?: string): Promise<AppliedChange> {
  const locked = await tx.query<EntitlementRow>(`SELECT ${COLUMNS} FROM entitlements WHERE tenant_id = $1 FOR UPDATE`, [tx.tenantId]);
  const exists = locked.rows.length > 0;
  const before = fromRow(locked.rows[0]);
  const verdict = exists ? judgeChange(before, change) : 'apply';
  if (verdict !== 'apply') return { verdict, changed: false, before, after: before };

  const after: StoredEntitlements = {
    tier: change.tier,
    promoUntil: change.promoUntil,
    flags: change.flags,
    source: change.source,
    sourceTime: change.time,
  };
  const values = [tx.tenantId, change.tier, change.promoUntil, JSON.stringify(change.flags), change.source, change.time];
  if (exists) {
    await tx.query(
      `UPDATE entitlements SET subscription_tier = $2, promo_until = $3, flags = $4::jsonb, source = $5, source_time = $6, updated_at = now()
        WHERE tenant_id = $1`,
      values,
    );
  } else {
    await tx.query(
      `INSERT INTO entitlements (tenant_id, subscription_tier, promo_until, flags, source, source_time) VALUES ($1, $2, $3, $4::jsonb, $5, $6)`,
      values,
    );
  }
  const changed = !exists || changesEntitlements(before, change);
  if (changed) {
    await tx.query(
      `INSERT INTO entitlement_events
         (tenant_id, source, event_id, source_time, previous_source, previous_tier, previous_promo_until, previous_flags,
          subscription_tier, promo_until, flags)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11::jsonb)`,
      [
        tx.tenantId,
        change.source,
        eventId ?? null,
        change.time,
        exists ? before.source : null,
        exists ? before.tier : null,
        exists ? before.promoUntil : null,
        exists ? JSON.stringify(before.flags) : null,
        change.tier,
        change.promoUntil,
        JSON.stringify(change.flags),
      ],
    );
  }
  return { verdict, changed, before, after };
}

export type PushOutcome = 'applied' | 'unchanged' | 'stale' | 'duplicate';

/**
 * A marketplace push, processed once per event id: the entitlements row is locked first, so two
 * deliveries of one event (or two events of one tenant) are handled one after the other, and the
 * event id's primary key makes a replay a no-op.
 */
export async function applyMarketplacePush(tx: TenantTx, eventId: string, change: EntitlementChange): Promise<{ outcome: PushOutcome; after: StoredEntitlements }> {
  await tx.query('SELECT 1 FROM entitlements WHERE tenant_id = $1 FOR UPDATE', [tx.tenantId]);
  const seen = await tx.query('SELECT 1 FROM marketplace_events WHERE tenant_id = $1 AND event_id = $2', [tx.tenantId, eventId]);
  if (seen.rowCount) return { outcome: 'duplicate', after: await readEntitlements(tx) };

  const applied = await applyEntitlementChange(tx, change, eventId);
  const outcome: PushOutcome =
    applied.verdict === 'older' || applied.verdict === 'outranked' ? 'stale' : applied.changed ? 'applied' : 'unchanged';
  const inserted = await tx.query(
    `INSERT INTO marketplace_events (tenant_id, event_id, occurred_at, outcome) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, event_id) DO NOTHING`,
    [tx.tenantId, eventId, change.time, outcome],
  );
  // Unreachable while the row lock serialises deliveries; kept so a replay can never apply twice.
  if (inserted.rowCount !== 1) throw new Error('marketplace event recorded concurrently');
  return { outcome, after: applied.after };
}
