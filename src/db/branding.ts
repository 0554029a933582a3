import type { TenantTx } from './tenant.js';

export interface Branding {
  name: string;
  logoUrl: string | null;
  primaryColor: string | null;
  accentColor: string | null;
}

interface BrandingRow {
  name: string;
  logo_url: string | null;
  primary_color: string | null;
  accent_color: string | null;
}

export async function readBranding(tx: TenantTx): Promise<Branding | undefined> {
  const result = await tx.query<BrandingRow>(
    'SELECT name, logo_url, primary_color, accent_color FROM tenant_branding WHERE tenant_id = $1',
    [tx.tenantId],
  );
  const row = result.rows[0];
  return row ? { name: row.name, logoUrl: row.logo_url, primaryColor: row.primary_color, accentColor: row.accent_color } : undefined;
}

export async function writeBranding(tx: TenantTx, branding: Branding, userId: string): Promise<void> {
  await tx.query(
    `INSERT INTO tenant_branding (tenant_id, name, logo_url, primary_color, accent_color, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant_id) DO UPDATE
       SET name = EXCLUDED.name, logo_url = EXCLUDED.logo_url, primary_color = EXCLUDED.primary_color,
           accent_color = EXCLUDED.accent_color, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [tx.tenantId, branding.name, branding.logoUrl, branding.primaryColor, branding.accentColor, userId],
  );
}
