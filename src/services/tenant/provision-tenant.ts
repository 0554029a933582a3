import type pg from 'pg';
import { ensureTenant } from '../../db/provisioning.js';

/** What a new organisation starts with: a promotion of this many days (PROMO_DAYS). */
export interface ProvisioningDeps {
  pool: pg.Pool;
  clock: () => Date;
  promoDays: number;
}

/**
 * The tenant of a marketplace organisation, created (on a promotion starting today) when it does
 * not exist yet: for whoever acts for an organisation before any of its users signed in (the
 * marketplace's push, the bulk importer).
 */
export function provisionTenant(deps: ProvisioningDeps, input: { orgId: string }): Promise<{ tenantId: string; created: boolean }> {
  return ensureTenant(deps.pool, input.orgId, { promoDays: deps.promoDays, today: deps.clock() });
}
