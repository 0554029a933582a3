import type pg from 'pg';
import { readEntitlements } from '../db/entitlements.js';
import { provisionUser } from '../db/provisioning.js';
import { withSessionLock } from '../db/session-lock.js';
import { withTenant } from '../db/tenant.js';
import { forbiddenError } from '../domain/app-error.js';
import { decideFeature } from '../domain/entitlements.js';
import type { Principal } from '../domain/principal.js';
import { importClosingsMonths } from '../services/closings/import-closings-months.js';
import { listClosingMonths } from '../services/closings/list-closing-months.js';
import { serviceContext, type TenantChanged } from '../services/context.js';
import type { EntitledContext } from '../services/entitlements/tenant-entitlements.js';
import { approvePayout } from '../services/payouts/approve-payout.js';
import { calculatePayout } from '../services/payouts/calculate-payout.js';
import { listPayouts } from '../services/payouts/list-payouts.js';
import { reopenPayout } from '../services/payouts/reopen-payout.js';
import { readSettings } from '../services/settings/read-settings.js';
import { updateSettings } from '../services/settings/update-settings.js';
import { addPlanVersion } from '../services/plans/add-plan-version.js';
import { createPlan } from '../services/plans/create-plan.js';
import { listPlans } from '../services/plans/list-plans.js';
import type { PlanContext } from '../services/plans/plan-input.js';
import { createPlanWorkers, type PlanWorkers } from '../services/plans/plan-workers.js';
import { generateDemoClosings } from './closings.js';
import { DEMO_MONTHS } from './generate.js';
import { DEMO_PLANS } from './plans.js';

/** The organisation id of the demo tenant (CONTRACT.md). */
export const DEMO_ORG_ID = 'demo';
/** The demo tenant's owner (its first user, so its admin). */
export const DEMO_OWNER = { sub: 'd3000000-0000-4000-8000-000000000001', email: 'owner@demo.example' } as const;

interface DemoOptions {
  /** The organisation to seed: the demo's (`demo`) unless a test wants a tenant of its own. */
  orgId?: string;
  promoDays: number;
  today: Date;
  /** Import the demo's closings months again (reopening approved ones) and pay them again. */
  force?: boolean;
  log: { info: (object: object, message: string) => void };
  /** Where payouts are calculated (the app's workers); otherwise one thread is started for the seed and stopped after it. */
  planWorkers?: PlanWorkers;
  /** Told after each committed write (the app's cache and change feed); nothing by default. */
  tenantChanged?: TenantChanged;
}

export interface DemoSeed {
  /** Closings months imported by this call (0 when the tenant was already complete). */
  seeded: number;
  /** Months whose payouts this call calculated and approved. */
  approved: number;
  /** Plans this call stored. */
  plans: number;
}

/** The demo tenant's subscription as stored, decided against the seed's clock (no formulas are used: nothing is asked of it). */
function storedEntitlements(pool: pg.Pool, tenantId: string, today: Date): EntitledContext['entitlements'] {
  const load = () => withTenant(pool, tenantId, readEntitlements);
  return {
    load,
    require: async (feature) => {
      const decision = decideFeature(await load(), feature, today);
      if (!decision.allowed) throw forbiddenError(decision.reason);
    },
  };
}

/** The demo's chart of accounts, as CONTRACT.md's example names it. */
const DEMO_ACCOUNTING = {
  expense_account: 'Commission Expense',
  payable_account: 'Commissions Payable',
  expense_account_code: '6100',
  payable_account_code: '2100',
  tax_rate: 'Tax Exempt',
};

/**
 * Makes sure the demo tenant exists with its owner, its commission plans (./plans.ts, each with
 * its versions and their `effective_from`) and its 24 closings months (./closings.ts, with their
 * adjustments), each calculated and approved, so the dashboard's commission is the approved
 * payouts. Everything goes through the use cases a customer's requests go through, as the owner.
 * Safe to call on every start: a plan already stored (by name), a month already imported and a
 * month that already has payouts (approved, or a draft someone reopened) are left as they are, so
 * a seed stopped between two months is finished by the next call; two processes seeding at once
 * take turns (a session advisory lock). `force` imports every month again, reopening approved ones,
 * and calculates and approves each again; the stored plans stay as they are.
 */
export async function seedDemoTenant(pool: pg.Pool, options: DemoOptions): Promise<DemoSeed> {
  const owner = await provisionUser(pool, {
    orgId: options.orgId ?? DEMO_ORG_ID,
    userId: DEMO_OWNER.sub,
    email: DEMO_OWNER.email,
    promoDays: options.promoDays,
    today: options.today,
  });
  if (owner.tenantCreated) options.log.info({ tenant_id: owner.tenantId }, 'demo tenant created');
  const started = performance.now();
  return withSessionLock(pool, `demo-seed:${owner.tenantId}`, async () => {
    const principal: Principal = { tenantId: owner.tenantId, orgId: options.orgId ?? DEMO_ORG_ID, userId: owner.userId, role: 'admin', sessionId: undefined, email: DEMO_OWNER.email };
    const base = serviceContext({ pool, clock: () => options.today, tenantChanged: options.tenantChanged ?? (async () => {}) }, principal);
    const entitled = { ...base, entitlements: storedEntitlements(pool, owner.tenantId, options.today) };

    const [plans, closingMonths, payouts] = await Promise.all([
      listPlans(base),
      listClosingMonths(base, { limit: DEMO_MONTHS.length + 1000, offset: 0 }),
      listPayouts(base),
    ]);
    const storedPlans = new Set(plans.items.map((plan) => plan.name));
    const imported = new Set(closingMonths.items.map((item) => item.month));
    const approved = new Set(payouts.items.filter((item) => item.status === 'approved').map((item) => item.month));
    const calculated = new Set(payouts.items.map((item) => item.month));
    const missingPlans = DEMO_PLANS.filter((plan) => !storedPlans.has(plan.name));
    const toImport = DEMO_MONTHS.filter((month) => options.force || !imported.has(month));
    // A month with a draft is someone's work in progress (reopened to add an adjustment, say): left alone.
    const toApprove = DEMO_MONTHS.filter((month) => options.force || !calculated.has(month));
    if (missingPlans.length === 0 && toImport.length === 0 && toApprove.length === 0) return { seeded: 0, approved: 0, plans: 0 };

    let ownWorkers: PlanWorkers | undefined;
    const planWorkers = options.planWorkers ?? (ownWorkers = createPlanWorkers({ threads: 1 }));
    try {
      const ctx: PlanContext = { ...entitled, planWorkers };
      for (const plan of missingPlans) {
        const [first, ...later] = plan.versions;
        const created = await createPlan(ctx, { ...first!.definition, effective_from: first!.effective_from });
        for (const version of later) await addPlanVersion(ctx, { id: created.id, ...version.definition, effective_from: version.effective_from });
      }
      if (toImport.length > 0) {
        // An approved month refuses a new import (409) until it is reopened: only --force gets here with one.
        for (const month of toImport) if (approved.has(month)) await reopenPayout(base, { month, reason: 'demo tenant reloaded (npm run seed:demo -- --force)' });
        const wanted = new Set(toImport);
        const documents = generateDemoClosings().filter((document) => wanted.has(document.month));
        await importClosingsMonths(base, { months: documents.map((document) => ({ source: `demo ${document.month}`, document })) });
      }
      // An approval keeps the accounting settings of its day for the month's journals: the demo's
      // accounts are set first (unless someone set their own), so its approved months export.
      if (toApprove.length > 0 && Object.keys((await readSettings(base)).accounting).length === 0) await updateSettings(base, { accounting: DEMO_ACCOUNTING });
      // Oldest first: a month's payouts read what earlier months carried (draw balances, quarter and year pay).
      for (const month of toApprove) {
        await calculatePayout(ctx, { month });
        await approvePayout(base, { month });
      }
    } finally {
      await ownWorkers?.close();
    }
    const seed = { seeded: toImport.length, approved: toApprove.length, plans: missingPlans.length };
    options.log.info({ tenant_id: owner.tenantId, months: seed.seeded, approved: seed.approved, plans: seed.plans, ms: Math.round(performance.now() - started) }, 'demo data loaded');
    return seed;
  });
}
