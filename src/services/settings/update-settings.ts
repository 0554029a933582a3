import { readSettings, writeSettings, type TenantSettings } from '../../db/settings.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';

/** Changes the tenant's thresholds (admins); analytics computed under the old ones are dropped. */
export function updateSettings(ctx: ServiceContext, input: TenantSettings): Promise<TenantSettings> {
  requireAdmin(ctx);
  return writeInTenant(ctx, { type: 'settings' }, async (tx) => {
    await writeSettings(tx, input);
    return readSettings(tx);
  });
}
