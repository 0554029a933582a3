import type { Branding } from '../../db/branding.js';

/** The branding as the web app reads it: the product's own look (all null) unless white-labelled. */
export function brandingView(branding: Branding | undefined, whiteLabel: boolean) {
  if (!whiteLabel || !branding) return { white_label: whiteLabel, name: null, logo_url: null, primary_color: null, accent_color: null };
  return {
    white_label: true,
    name: branding.name,
    logo_url: branding.logoUrl,
    primary_color: branding.primaryColor,
    accent_color: branding.accentColor,
  };
}
