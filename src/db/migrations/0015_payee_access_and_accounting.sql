-- Up Migration

-- Accounting settings (PUT /api/v1/settings {"accounting": {...}}): the account names and codes
-- the payout journals are written with (src/domain/payouts/exports/). Checked by the route's
-- schema and src/services/settings/update-settings.ts before they are stored.
ALTER TABLE tenant_settings
  ADD COLUMN accounting jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(accounting) = 'object');

-- Down Migration

ALTER TABLE tenant_settings DROP COLUMN accounting;
