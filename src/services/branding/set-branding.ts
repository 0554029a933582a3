import { writeBranding, type Branding } from '../../db/branding.js';
import { invalidInput } from '../../domain/app-error.js';
import { requireAdmin, writeInTenant, type ServiceContext } from '../context.js';
import { brandingView } from './branding-view.js';

export interface SetBrandingInput {
  name: string;
  logo_url?: string | null | undefined;
  primary_color?: string | null | undefined;
  accent_color?: string | null | undefined;
}

/** https only, and a URL the browser will read as one (the schema's pattern alone accepts `https://` followed by anything). */
function httpsUrl(text: string | null | undefined): string | null {
  if (text === undefined || text === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw invalidInput('The logo URL is not a URL.', [{ pointer: '/logo_url', message: 'is not a valid URL' }]);
  }
  if (parsed.protocol !== 'https:' || !parsed.hostname || parsed.username || parsed.password) {
    throw invalidInput('The logo URL must be https.', [{ pointer: '/logo_url', message: 'must be an https URL without credentials' }]);
  }
  return parsed.href;
}

/** Replaces the branding whole (admins; the route is gated on the `branding` feature): fields left out are cleared. */
export async function setBranding(ctx: ServiceContext, input: SetBrandingInput) {
  requireAdmin(ctx);
  const branding: Branding = {
    name: input.name.trim(),
    logoUrl: httpsUrl(input.logo_url),
    primaryColor: input.primary_color?.toLowerCase() ?? null,
    accentColor: input.accent_color?.toLowerCase() ?? null,
  };
  await writeInTenant(ctx, { type: 'branding' }, (tx) => writeBranding(tx, branding, ctx.principal.userId));
  return brandingView(branding, true);
}
