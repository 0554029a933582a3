-- Up Migration

-- Commission data, normalised. Every table is tenant-owned: tenant_id leads its primary key and
-- every index, RLS is enabled and forced with the one tenant_isolation policy. Money is NUMERIC(14,2):
-- exact to the cent, never a float.

CREATE TABLE tenant_settings (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  -- Termination rate (terminated / (closed + terminated)) above which an agent is flagged.
  termination_threshold numeric(5, 4) NOT NULL DEFAULT 0.15 CHECK (termination_threshold BETWEEN 0 AND 1),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id)
);

CREATE TABLE managers (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name varchar(200) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, name)
);

CREATE TABLE markets (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name varchar(200) NOT NULL,
  latitude numeric(8, 5) CHECK (latitude BETWEEN -90 AND 90),
  longitude numeric(8, 5) CHECK (longitude BETWEEN -180 AND 180),
  PRIMARY KEY (tenant_id, name)
);

-- Agents as the tenant manages them. An import creates the agents it names and, for the newest
-- month it has seen of an agent, refreshes type, manager and market; PATCH edits them.
CREATE TABLE agents (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name varchar(200) NOT NULL,
  type varchar(8) NOT NULL CHECK (type IN ('acq', 'dispo')),
  manager_id uuid,
  market varchar(200),
  active boolean NOT NULL DEFAULT true,
  -- First day of the newest month this agent was imported in.
  last_month date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, name),
  FOREIGN KEY (tenant_id, manager_id) REFERENCES managers (tenant_id, id) ON DELETE SET NULL (manager_id)
);

-- One imported month: its metadata, its totals computed from the payees, and the month exactly as
-- it was imported (canonical form), so an export gives back what came in.
CREATE TABLE commission_months (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  metadata jsonb,
  total_gp numeric(14, 2) NOT NULL,
  total_commission numeric(14, 2) NOT NULL,
  agent_count integer NOT NULL,
  manager_count integer NOT NULL,
  transactions integer NOT NULL,
  terminations integer NOT NULL,
  document jsonb NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  imported_by uuid,
  PRIMARY KEY (tenant_id, month)
);

-- One row per payee per month, in the order of the import.
CREATE TABLE payee_months (
  tenant_id uuid NOT NULL,
  month date NOT NULL,
  position integer NOT NULL,
  payee_type varchar(8) NOT NULL CHECK (payee_type IN ('agent', 'manager')),
  name varchar(200) NOT NULL,
  agent_id uuid,
  manager_id uuid,
  agent_type varchar(8) CHECK (agent_type IN ('acq', 'dispo')),
  gp numeric(14, 2),
  deals integer,
  terminations integer,
  commission numeric(14, 2) NOT NULL,
  market varchar(200),
  manager varchar(200),
  PRIMARY KEY (tenant_id, month, payee_type, position),
  FOREIGN KEY (tenant_id, month) REFERENCES commission_months (tenant_id, month) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, manager_id) REFERENCES managers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX payee_months_agent ON payee_months (tenant_id, agent_id, month) WHERE agent_id IS NOT NULL;

CREATE TABLE deals (
  tenant_id uuid NOT NULL,
  month date NOT NULL,
  deal_id varchar(100) NOT NULL,
  deal_date date NOT NULL,
  agent varchar(200) NOT NULL,
  agent_id uuid,
  type varchar(8) NOT NULL CHECK (type IN ('acq', 'dispo')),
  market varchar(200),
  gp numeric(14, 2) NOT NULL,
  status varchar(12) NOT NULL CHECK (status IN ('closed', 'terminated')),
  PRIMARY KEY (tenant_id, month, deal_id),
  FOREIGN KEY (tenant_id, month) REFERENCES commission_months (tenant_id, month) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX deals_agent ON deals (tenant_id, agent_id, month);

-- Idempotency-Key: the first response to a key is kept and returned for a repeat of the same body.
CREATE TABLE idempotency_keys (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  key varchar(255) NOT NULL,
  request_hash char(64) NOT NULL,
  status_code integer NOT NULL,
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key)
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenant_settings', 'managers', 'markets', 'agents', 'commission_months', 'payee_months', 'deals', 'idempotency_keys']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT current_tenant_id())) WITH CHECK (tenant_id = (SELECT current_tenant_id()))', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO cip_app', t);
  END LOOP;
END
$$;

-- Down Migration

DROP TABLE idempotency_keys;
DROP TABLE deals;
DROP TABLE payee_months;
DROP TABLE commission_months;
DROP TABLE agents;
DROP TABLE markets;
DROP TABLE managers;
DROP TABLE tenant_settings;
