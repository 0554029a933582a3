import { readSettings as readSettingsRow, type TenantSettings } from '../../db/settings.js';
import { inTenant, type ServiceContext } from '../context.js';

/** The tenant's thresholds (the defaults until an admin changes them). */
export function readSettings(ctx: ServiceContext): Promise<TenantSettings> {
  return inTenant(ctx, readSettingsRow);
}
