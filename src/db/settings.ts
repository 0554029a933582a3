import type { TenantTx } from './tenant.js';
import { DEFAULT_TERMINATION_THRESHOLD } from '../domain/imports/check.js';
import type { AccountingSettings } from '../schemas/settings.js';

export interface TenantSettings {
  /** Termination-rate fraction above which an agent is flagged (0.15). */
  termination_threshold: number;
  /** Account names and codes for the payout journals; {} until an admin sets them. */
  accounting: AccountingSettings;
  /** Whether payees see draft months' statements (the payee policies of migration 0016 read it). */
  payees_see_drafts: boolean;
}

const DEFAULT_SETTINGS: TenantSettings = { termination_threshold: DEFAULT_TERMINATION_THRESHOLD, accounting: {}, payees_see_drafts: false };

export async function readSettings(tx: TenantTx): Promise<TenantSettings> {
  const result = await tx.query<{ termination_threshold: string; accounting: AccountingSettings; payees_see_drafts: boolean }>(
    'SELECT termination_threshold, accounting, payees_see_drafts FROM tenant_settings WHERE tenant_id = $1',
    [tx.tenantId],
  );
  const row = result.rows[0];
  return row
    ? { termination_threshold: Number(row.termination_threshold), accounting: row.accounting, payees_see_drafts: row.payees_see_drafts }
    : DEFAULT_SETTINGS;
}

/** Writes what is given; a field left out keeps its stored value (or its default on a first write). */
export async function writeSettings(tx: TenantTx, settings: Partial<TenantSettings>): Promise<void> {
  await tx.query(
    `INSERT INTO tenant_settings (tenant_id, termination_threshold, accounting, payees_see_drafts)
     VALUES ($1, coalesce($2, $4::numeric), coalesce($3::jsonb, '{}'::jsonb), coalesce($5::boolean, false))
     ON CONFLICT (tenant_id) DO UPDATE SET
       termination_threshold = coalesce($2, tenant_settings.termination_threshold),
       accounting = coalesce($3::jsonb, tenant_settings.accounting),
       payees_see_drafts = coalesce($5::boolean, tenant_settings.payees_see_drafts),
       updated_at = now()`,
    [
      tx.tenantId,
      settings.termination_threshold ?? null,
      settings.accounting === undefined ? null : JSON.stringify(settings.accounting),
      DEFAULT_TERMINATION_THRESHOLD,
      settings.payees_see_drafts ?? null,
    ],
  );
}
