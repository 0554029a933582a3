import type { PlanDefinition } from '../domain/plans/definition.js';
import { monthDate } from './commissions.js';
import type { TenantTx } from './tenant.js';

export interface PlanVersionRow {
  version: number;
  effective_from: string;
  definition: PlanDefinition;
  created_at: Date;
}

export interface PlanRow {
  id: string;
  name: string;
  created_at: Date;
  versions: PlanVersionRow[];
}

export async function createPlan(tx: TenantTx, definition: PlanDefinition, effectiveFrom: string, userId: string | null): Promise<string> {
  const created = await tx.query<{ id: string }>('INSERT INTO plans (tenant_id, name, created_by) VALUES ($1, $2, $3) RETURNING id', [
    tx.tenantId,
    definition.name,
    userId,
  ]);
  const id = created.rows[0]!.id;
  await tx.query(
    `INSERT INTO plan_versions (tenant_id, plan_id, version, effective_from, definition, created_by) VALUES ($1, $2, 1, $3, $4, $5)`,
    [tx.tenantId, id, monthDate(effectiveFrom), definition, userId],
  );
  return id;
}

/** Adds the next version; false when the plan does not exist. The plan row is locked so versions stay consecutive. */
export async function addPlanVersion(
  tx: TenantTx,
  id: string,
  definition: PlanDefinition,
  effectiveFrom: string,
  userId: string | null,
): Promise<boolean> {
  const plan = await tx.query('UPDATE plans SET name = $3 WHERE tenant_id = $1 AND id = $2 RETURNING id', [tx.tenantId, id, definition.name]);
  if (plan.rowCount !== 1) return false;
  await tx.query(
    `INSERT INTO plan_versions (tenant_id, plan_id, version, effective_from, definition, created_by)
     SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5 FROM plan_versions WHERE tenant_id = $1 AND plan_id = $2`,
    [tx.tenantId, id, monthDate(effectiveFrom), definition, userId],
  );
  return true;
}

export async function deletePlan(tx: TenantTx, id: string): Promise<boolean> {
  const result = await tx.query('DELETE FROM plans WHERE tenant_id = $1 AND id = $2', [tx.tenantId, id]);
  return result.rowCount === 1;
}

const VERSION_COLUMNS = `version, to_char(effective_from, 'YYYY-MM') AS effective_from, definition, created_at`;

export async function readPlan(tx: TenantTx, id: string): Promise<PlanRow | undefined> {
  const plan = await tx.query<Omit<PlanRow, 'versions'>>('SELECT id, name, created_at FROM plans WHERE tenant_id = $1 AND id = $2', [
    tx.tenantId,
    id,
  ]);
  if (!plan.rows[0]) return undefined;
  const versions = await tx.query<PlanVersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM plan_versions WHERE tenant_id = $1 AND plan_id = $2 ORDER BY version`,
    [tx.tenantId, id],
  );
  return { ...plan.rows[0], versions: versions.rows };
}

export async function listPlans(tx: TenantTx): Promise<PlanRow[]> {
  const plans = await tx.query<Omit<PlanRow, 'versions'>>('SELECT id, name, created_at FROM plans WHERE tenant_id = $1 ORDER BY name, id', [
    tx.tenantId,
  ]);
  const versions = await tx.query<PlanVersionRow & { plan_id: string }>(
    `SELECT plan_id, ${VERSION_COLUMNS} FROM plan_versions WHERE tenant_id = $1 ORDER BY plan_id, version`,
    [tx.tenantId],
  );
  return plans.rows.map((plan) => ({
    ...plan,
    versions: versions.rows.filter((row) => row.plan_id === plan.id).map(({ plan_id: _planId, ...version }) => version),
  }));
}

export interface PlanInForceRow {
  id: string;
  name: string;
  version: number;
  effective_from: string;
  definition: PlanDefinition;
}

/**
 * Every plan's version in force in `month`: the one with the latest effective_from not after it
 * (of two from the same month, the later version), named as that version names it. Plans not
 * yet in force are left out.
 */
export async function plansInForce(tx: TenantTx, month: string): Promise<PlanInForceRow[]> {
  const result = await tx.query<PlanInForceRow>(
    `SELECT DISTINCT ON (v.plan_id) v.plan_id AS id, coalesce(v.definition->>'name', '') AS name, v.version,
            to_char(v.effective_from, 'YYYY-MM') AS effective_from, v.definition
       FROM plan_versions v
      WHERE v.tenant_id = $1 AND v.effective_from <= $2
      ORDER BY v.plan_id, v.effective_from DESC, v.version DESC`,
    [tx.tenantId, monthDate(month)],
  );
  return result.rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
}
