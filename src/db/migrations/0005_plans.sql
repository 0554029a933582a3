-- Up Migration

-- Commission plans, versioned and effective-dated: a month is paid under the version whose
-- effective_from is the latest not after it. Versions are never edited, only added, so a month's
-- pay can always be recalculated under the rules that were in force.
CREATE TABLE plans (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name varchar(200) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE plan_versions (
  tenant_id uuid NOT NULL,
  plan_id uuid NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  effective_from date NOT NULL CHECK (extract(day FROM effective_from) = 1),
  definition jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  PRIMARY KEY (tenant_id, plan_id, version),
  FOREIGN KEY (tenant_id, plan_id) REFERENCES plans (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX plan_versions_effective ON plan_versions (tenant_id, plan_id, effective_from);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['plans', 'plan_versions']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT current_tenant_id())) WITH CHECK (tenant_id = (SELECT current_tenant_id()))', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE (name), DELETE ON plans TO cip_app;
-- Versions are append-only for the application.
GRANT SELECT, INSERT ON plan_versions TO cip_app;

-- Down Migration

DROP TABLE plan_versions;
DROP TABLE plans;
