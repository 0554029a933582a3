-- Up Migration

-- The accounting settings an approved month's journals are written with (issue 16: "approved
-- months' exports are byte-identical on every download"). Approval copies tenant_settings.accounting
-- here; reopening clears it, and the next approval copies the settings of that day. A draft has
-- none and exports with the current settings. Months approved before this migration keep NULL:
-- their exports read the current settings, as they did, until they are reopened and approved
-- again (a backfill from tenant_settings would pass through its forced row-level security, which
-- shows an owner that is not a superuser no rows, so it is not attempted).
ALTER TABLE payout_months
  ADD COLUMN accounting jsonb CHECK (accounting IS NULL OR jsonb_typeof(accounting) = 'object'),
  ADD CONSTRAINT payout_months_accounting_when_approved CHECK (status = 'approved' OR accounting IS NULL);

-- Down Migration

ALTER TABLE payout_months DROP CONSTRAINT payout_months_accounting_when_approved, DROP COLUMN accounting;
