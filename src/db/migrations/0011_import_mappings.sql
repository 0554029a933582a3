-- Up Migration

-- Saved column mappings for closings spreadsheets (PUT /api/v1/import-mappings/{name}): which
-- column feeds which closing field and how cell values translate. Checked by the application
-- (src/domain/closings/mapping-check.ts) before they are stored; the database keeps the document.
CREATE TABLE import_mappings (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name varchar(100) NOT NULL,
  mapping jsonb NOT NULL CHECK (jsonb_typeof(mapping) = 'object'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid,
  PRIMARY KEY (tenant_id, name)
);

ALTER TABLE import_mappings ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_mappings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON import_mappings
  USING (tenant_id = (SELECT current_tenant_id())) WITH CHECK (tenant_id = (SELECT current_tenant_id()));
GRANT SELECT, INSERT, UPDATE (mapping, updated_at, updated_by), DELETE ON import_mappings TO cip_app;

-- Down Migration

DROP TABLE import_mappings;
