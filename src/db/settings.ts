import type { TenantTx } from './tenant.js';
import { DEFAULT_TERMINATION_THRESHOLD } from '../domain/imports/check.js';

export interface TenantSettings {
  /** Termination-rate fraction above which an agent is flagged (0.15). */
  termination_threshold: number;
}

export const DEFAULT_SETTINGS: TenantSettings = { termination_threshold: DEFAULT_TERMINATION_THRESHOLD };

export async function readSettings(tx: TenantTx): Promise<TenantSettings> {
  const result = await tx.query<{ termination_threshold: string }>(
    'SELECT termination_threshold FROM tenant_settings WHERE tenant_id = $1',
    [tx.tenantId],
  );
  const row = result.rows[0];
  return row ? { termination_threshold: Number(row.termination_threshold) } : DEFAULT_SETTINGS;
}

export async function writeSettings(tx: TenantTx, settings: TenantSettings): Promise<void> {
  await tx.query(
    `INSERT INTO tenant_settings (tenant_id, termination_threshold) VALUES ($1, $2)
     ON CONFLICT (tenant_id) DO UPDATE SET termination_threshold = EXCLUDED.termination_threshold, updated_at = now()`,
    [tx.tenantId, settings.termination_threshold],
  );
}
