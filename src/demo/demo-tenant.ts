import type pg from 'pg';
import { provisionUser } from '../db/provisioning.js';

/** The organisation id of the demo tenant (CONTRACT.md). */
export const DEMO_ORG_ID = 'demo';
/** The demo tenant's owner (its first user, so its admin). */
export const DEMO_OWNER = { sub: 'd3000000-0000-4000-8000-000000000001', email: 'owner@demo.example' } as const;

interface DemoOptions {
  promoDays: number;
  today: Date;
  log: { info: (object: object, message: string) => void };
}

/** Makes sure the demo tenant and its owner exist; safe to call on every start. */
export async function ensureDemoTenant(pool: pg.Pool, options: DemoOptions): Promise<void> {
  const owner = await provisionUser(pool, {
    orgId: DEMO_ORG_ID,
    userId: DEMO_OWNER.sub,
    email: DEMO_OWNER.email,
    promoDays: options.promoDays,
    today: options.today,
  });
  if (owner.tenantCreated) options.log.info({ tenant_id: owner.tenantId }, 'demo tenant created');
}
