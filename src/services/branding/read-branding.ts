import { readBranding as readBrandingRow } from '../../db/branding.js';
import { decideFeature } from '../../domain/entitlements.js';
import { inTenant, type ServiceContext } from '../context.js';
import type { EntitledContext } from '../entitlements/tenant-entitlements.js';
import { brandingView } from './branding-view.js';

/**
 * The tenant's white-label branding. Asked on every tier, so the web app always knows how to look:
 * outside enterprise (no `branding` feature today) the answer is the product's own look.
 */
export async function readBranding(ctx: ServiceContext & EntitledContext) {
  const whiteLabel = decideFeature(await ctx.entitlements.load(), 'branding', ctx.clock()).allowed;
  const branding = whiteLabel ? await inTenant(ctx, readBrandingRow) : undefined;
  return brandingView(branding, whiteLabel);
}
