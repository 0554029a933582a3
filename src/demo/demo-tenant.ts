import type pg from 'pg';
import { provisionUser } from '../db/provisioning.js';
import { withTenant } from '../db/tenant.js';
import { importMonthInTransaction } from '../services/commissions/import-month.js';
import { generateDemoMonths } from './generate.js';

/** The organisation id of the demo tenant (CONTRACT.md). */
export const DEMO_ORG_ID = 'demo';
/** The demo tenant's owner (its first user, so its admin). */
export const DEMO_OWNER = { sub: 'd3000000-0000-4000-8000-000000000001', email: 'owner@demo.example' } as const;

interface DemoOptions {
  promoDays: number;
  today: Date;
  /** Re-import the demo months even when the tenant already has data. */
  force?: boolean;
  log: { info: (object: object, message: string) => void };
}

/**
 * Makes sure the demo tenant exists with its owner and, when it has no commission data yet (or
 * `force`), loads the synthetic 24 months in one transaction. Safe to call on every start.
 */
export async function seedDemoTenant(pool: pg.Pool, options: DemoOptions): Promise<{ seeded: number }> {
  const owner = await provisionUser(pool, {
    orgId: DEMO_ORG_ID,
    userId: DEMO_OWNER.sub,
    email: DEMO_OWNER.email,
    promoDays: options.promoDays,
    today: options.today,
  });
  if (owner.tenantCreated) options.log.info({ tenant_id: owner.tenantId }, 'demo tenant created');

  const hasData = await withTenant(pool, owner.tenantId, async (tx) =>
    (await tx.query('SELECT 1 FROM commission_months WHERE tenant_id = $1 LIMIT 1', [tx.tenantId])).rowCount === 1,
  );
  if (hasData && !options.force) return { seeded: 0 };
  // Generated before the transaction opens: a transaction left idle is ended by the server.
  const months = generateDemoMonths();
  const seeded = await withTenant(pool, owner.tenantId, async (tx) => {
    for (const month of months) {
      await importMonthInTransaction(tx, month, { userId: owner.userId, today: options.today });
    }
    return months.length;
  });
  if (seeded > 0) options.log.info({ tenant_id: owner.tenantId, months: seeded }, 'demo data loaded');
  return { seeded };
}
