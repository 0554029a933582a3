-- Up Migration

-- Monthly reports (src/jobs, src/services/reports): for one closed month of one tenant, the pay
-- statement of every payee and the analytics summary as they were when the report was made.
-- One report per tenant and month; asking again regenerates it in place (same id).
CREATE TABLE reports (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  status varchar(12) NOT NULL CHECK (status IN ('queued', 'running', 'ready', 'failed')),
  trigger varchar(12) NOT NULL CHECK (trigger IN ('schedule', 'admin')),
  requested_by uuid,
  -- Generation attempts so far (the queue retries with backoff) and the last failure.
  attempts integer NOT NULL DEFAULT 0,
  error text,
  summary jsonb,
  statements jsonb,
  requested_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, month)
);

ALTER TABLE reports ENABLE ROW LEVEL SECURITY;
ALTER TABLE reports FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON reports
  USING (tenant_id = (SELECT current_tenant_id())) WITH CHECK (tenant_id = (SELECT current_tenant_id()));
GRANT SELECT, INSERT, UPDATE, DELETE ON reports TO cip_app;

-- The monthly schedule fans out one report job per tenant, so the scheduler (which runs as this
-- migration's role, the owner, beside the job queue's own schema) must be able to list tenant ids.
-- The owner could switch row-level security off on its own tables anyway; this grants it no more
-- than reading the tenant registry, and nothing at all to the application role.
DO $$
BEGIN
  EXECUTE format('CREATE POLICY report_scheduler ON tenants FOR SELECT TO %I USING (true)', current_user);
END
$$;

-- Down Migration

DROP POLICY report_scheduler ON tenants;
DROP TABLE reports;
