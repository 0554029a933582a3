-- Up Migration

-- The month's analytics roll-up (per agent, manager and market totals in cents), written with the
-- import, so analytics never reads deals per request. NULL for months imported before this
-- migration: the loader derives those from the stored document.
ALTER TABLE commission_months ADD COLUMN rollup jsonb;

-- Down Migration

ALTER TABLE commission_months DROP COLUMN rollup;
