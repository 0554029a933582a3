-- Up Migration

-- Closings (CONTRACT.md, "Closings and payouts"): one row per deal as the operator's sheet has it,
-- its sides (acq and dispo, each with an agent and a manager) and the month's one-off adjustments.
-- Every table is tenant-owned: tenant_id leads its primary key and every index, RLS is enabled
-- and forced with the one tenant_isolation policy. Money is NUMERIC(16,2): exact to the cent, and
-- wide enough for any amount parseAmount accepts (below 1e13) and a month's sum of them.

-- One imported closings month: its company totals (each deal once), who imported it and when,
-- and its analytics roll-up (src/domain/closings/rollup.ts), written with the import.
CREATE TABLE closing_months (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  closing_count integer NOT NULL,
  side_count integer NOT NULL,
  adjustment_count integer NOT NULL,
  company_gp numeric(16, 2) NOT NULL,
  company_transactions integer NOT NULL,
  closed integer NOT NULL,
  terminated integer NOT NULL,
  rollup jsonb NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  imported_by uuid,
  PRIMARY KEY (tenant_id, month)
);

-- A closing is known by its position in the import (two rows may share an address, and the id is
-- optional); an id, when given, is unique in the month.
CREATE TABLE closings (
  tenant_id uuid NOT NULL,
  month date NOT NULL,
  position integer NOT NULL CHECK (position >= 0),
  closing_id varchar(100),
  closing_date date,
  property varchar(500),
  market varchar(500),
  gp numeric(16, 2) NOT NULL,
  assignment_fee numeric(16, 2),
  transactions integer NOT NULL CHECK (transactions >= 0),
  status varchar(12) NOT NULL CHECK (status IN ('closed', 'terminated')),
  attributes jsonb,
  PRIMARY KEY (tenant_id, month, position),
  FOREIGN KEY (tenant_id, month) REFERENCES closing_months (tenant_id, month) ON DELETE CASCADE
);
CREATE UNIQUE INDEX closings_id ON closings (tenant_id, month, closing_id) WHERE closing_id IS NOT NULL;

-- A closing's sides in their order (a role may have several: a credit split). agent NULL is the
-- house; names, not ids, because a closing names people as the sheet spells them and the roster
-- (agents) is refreshed from them on import.
CREATE TABLE closing_sides (
  tenant_id uuid NOT NULL,
  month date NOT NULL,
  position integer NOT NULL,
  side integer NOT NULL CHECK (side >= 0),
  role varchar(8) NOT NULL CHECK (role IN ('acq', 'dispo')),
  agent varchar(200),
  manager varchar(200),
  credit numeric(13, 12) CHECK (credit BETWEEN 0 AND 1),
  PRIMARY KEY (tenant_id, month, position, side),
  FOREIGN KEY (tenant_id, month, position) REFERENCES closings (tenant_id, month, position) ON DELETE CASCADE
);
-- The roster's roles: who has been an agent or a manager on which side.
CREATE INDEX closing_sides_agent ON closing_sides (tenant_id, agent, role) WHERE agent IS NOT NULL;
CREATE INDEX closing_sides_manager ON closing_sides (tenant_id, manager, role) WHERE manager IS NOT NULL;

-- One-off amounts for a payee in a month. `source` says where one came from: a closings import
-- replaces the month's 'import' adjustments and never touches those added one by one ('manual',
-- the payouts' adjustments routes), so the table hangs off the tenant, not off closing_months: a
-- payee may have adjustments in a month with no closings.
CREATE TABLE closing_adjustments (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  source varchar(8) NOT NULL CHECK (source IN ('import', 'manual')),
  position integer NOT NULL,
  payee varchar(200) NOT NULL,
  amount numeric(16, 2) NOT NULL CHECK (amount <> 0),
  reason varchar(12) NOT NULL CHECK (reason IN ('sprint', 'mentor', 'true_up', 'correction', 'bonus', 'other')),
  note varchar(500),
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, month, id)
);
CREATE INDEX closing_adjustments_order ON closing_adjustments (tenant_id, month, source, position);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['closing_months', 'closings', 'closing_sides', 'closing_adjustments']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT current_tenant_id())) WITH CHECK (tenant_id = (SELECT current_tenant_id()))', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO cip_app', t);
  END LOOP;
END
$$;

-- Down Migration

DROP TABLE closing_adjustments;
DROP TABLE closing_sides;
DROP TABLE closings;
DROP TABLE closing_months;
