-- Up Migration

-- The month's canonical JSON text (src/domain/imports/canonical.ts), written with the import: a
-- JSON export streams it as stored instead of decoding the jsonb document, rebuilding it in
-- canonical order and encoding it again (several MB for a month of 16,000 deals). NULL for months
-- imported before this migration: the export derives those from `document`, byte for byte the same.
ALTER TABLE commission_months ADD COLUMN document_text text;

-- Down Migration

ALTER TABLE commission_months DROP COLUMN document_text;
