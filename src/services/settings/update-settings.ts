import { readSettings, writeSettings, type TenantSettings } from '../../db/settings.js';
import { invalidValues } from '../../domain/app-error.js';
import { checkAccountingSettings } from '../../domain/payouts/exports/accounting-settings.js';
import type { SettingsChange } from '../../schemas/settings.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';

/**
 * Changes the tenant's settings (admins): what is given is replaced (`accounting` as a whole), the
 * rest stays. Analytics computed under the old thresholds are dropped (the change notice).
 */
export function updateSettings(ctx: ServiceContext, input: SettingsChange): Promise<TenantSettings> {
  requireAdmin(ctx);
  const change: Partial<TenantSettings> = {};
  if (input.termination_threshold !== undefined) change.termination_threshold = input.termination_threshold;
  if (input.payees_see_drafts !== undefined) change.payees_see_drafts = input.payees_see_drafts;
  if (input.accounting !== undefined) {
    const { value, errors } = checkAccountingSettings(input.accounting);
    if (errors.length > 0) throw invalidValues('The accounting settings', errors);
    change.accounting = value;
  }
  return writeInTenant(ctx, { type: 'settings' }, async (tx) => {
    await writeSettings(tx, change);
    return readSettings(tx);
  });
}
