-- Up Migration

-- Payouts (CONTRACT.md, "Payouts"): a month's calculated pay, one statement per person, a draft
-- until an admin approves it, and the month's goals that formulas read. Every table is tenant-owned
-- (tenant_id leads its primary key and every index; RLS enabled and forced, the tenant_isolation
-- policy); money is NUMERIC(16,2) as in the closings tables.

-- The month's payout: its figures as calculated (totals, by role, the people with closings no plan
-- covers, the plan versions it was paid under) and its state. `draft` is replaced by every
-- recalculation; `approved` is locked: closings, adjustments, goals and statements of the month
-- refuse every change until it is reopened (the application checks first, for a 409 that names
-- the approver; the triggers below make it hold whatever writes). Approval and reopening are kept
-- in payout_events with who, when and the reason.
CREATE TABLE payout_months (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  status varchar(8) NOT NULL CHECK (status IN ('draft', 'approved')),
  company_gp numeric(16, 2) NOT NULL,
  company_transactions integer NOT NULL,
  total numeric(16, 2) NOT NULL,
  by_role jsonb NOT NULL,
  uncovered jsonb NOT NULL,
  plans jsonb NOT NULL,
  -- What the calculation read (closings import, adjustments, goals, plan versions), hashed: a
  -- draft whose inputs changed since is not approved (recalculate first).
  inputs_md5 text NOT NULL,
  calculated_at timestamptz NOT NULL,
  calculated_by uuid,
  approved_at timestamptz,
  approved_by uuid,
  PRIMARY KEY (tenant_id, month),
  CHECK ((status = 'approved') = (approved_at IS NOT NULL))
);

-- One statement per person and month, stored whole as the JSON the API answers (payee, roles,
-- total, lines with plan name and version, base, bracket, rate and exact amount as text,
-- warnings). A document rather than a table of lines: a statement is written once per
-- calculation and always read whole (the month, or one payee's), its lines are explanations
-- (text) and never queried one by one, and a frozen document is what "approved statements never
-- change when plans change later" asks for: nothing in it is resolved again at read time. The
-- payee and total are columns too, for one-payee reads and sums in SQL.
CREATE TABLE payout_statements (
  tenant_id uuid NOT NULL,
  month date NOT NULL,
  position integer NOT NULL CHECK (position >= 0),
  payee varchar(200) NOT NULL,
  total numeric(16, 2) NOT NULL,
  statement jsonb NOT NULL,
  PRIMARY KEY (tenant_id, month, position),
  FOREIGN KEY (tenant_id, month) REFERENCES payout_months (tenant_id, month) ON DELETE CASCADE
);
CREATE UNIQUE INDEX payout_statements_payee ON payout_statements (tenant_id, month, payee);

-- What later months carry over, per person and plan: `paid`, what this month paid under a quarter
-- or year plan (the next months of the period subtract the sum: R(to date) − R(paid before)), and
-- `draw_balance`, what is still owed against a draw after this month, in cents.
CREATE TABLE payout_carry (
  tenant_id uuid NOT NULL,
  month date NOT NULL,
  plan_id uuid NOT NULL,
  payee varchar(200) NOT NULL,
  paid numeric(16, 2),
  draw_balance numeric(16, 2),
  PRIMARY KEY (tenant_id, month, plan_id, payee),
  FOREIGN KEY (tenant_id, month) REFERENCES payout_months (tenant_id, month) ON DELETE CASCADE
);
CREATE INDEX payout_carry_plan ON payout_carry (tenant_id, plan_id, payee, month);

-- The month's history: calculated, approved, reopened (with its reason), by whom and when. Kept
-- apart from payout_months so a recalculation or a reopening never erases what happened before.
CREATE TABLE payout_events (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  -- 1, 2, ... within the month (written under the month's lock): the order of events, whatever the clock says.
  seq integer NOT NULL CHECK (seq > 0),
  occurred_at timestamptz NOT NULL,
  user_id uuid,
  action varchar(12) NOT NULL CHECK (action IN ('calculated', 'approved', 'reopened')),
  reason varchar(500),
  total numeric(16, 2),
  PRIMARY KEY (tenant_id, month, seq)
);

-- The month's goals (PUT /api/v1/goals/{month}); formulas read them as goal_gp and goal_transactions.
CREATE TABLE month_goals (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  transactions integer NOT NULL CHECK (transactions >= 0),
  gp numeric(16, 2) NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by uuid,
  PRIMARY KEY (tenant_id, month)
);

-- An approved month's figures change only by reopening it (status back to draft).
CREATE FUNCTION payout_month_locked() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF OLD.status = 'approved' AND NEW.status = 'approved' THEN
    RAISE EXCEPTION 'payout month % is approved: reopen it first', to_char(OLD.month, 'YYYY-MM') USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER payout_months_locked BEFORE UPDATE ON payout_months FOR EACH ROW EXECUTE FUNCTION payout_month_locked();

-- Statements and carried amounts of an approved month are not written, rewritten or removed. A
-- cascade from the month's own deletion (tenant erasure) passes: the month row is gone by then.
CREATE FUNCTION payout_rows_locked() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  r record;
BEGIN
  IF TG_OP = 'INSERT' THEN r := NEW; ELSE r := OLD; END IF;
  IF EXISTS (SELECT 1 FROM payout_months m WHERE m.tenant_id = r.tenant_id AND m.month = r.month AND m.status = 'approved') THEN
    RAISE EXCEPTION 'payout month % is approved: reopen it first', to_char(r.month, 'YYYY-MM') USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER payout_statements_locked BEFORE INSERT OR UPDATE OR DELETE ON payout_statements FOR EACH ROW EXECUTE FUNCTION payout_rows_locked();
CREATE TRIGGER payout_carry_locked BEFORE INSERT OR UPDATE OR DELETE ON payout_carry FOR EACH ROW EXECUTE FUNCTION payout_rows_locked();

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['payout_months', 'payout_statements', 'payout_carry', 'payout_events', 'month_goals']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT current_tenant_id())) WITH CHECK (tenant_id = (SELECT current_tenant_id()))', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO cip_app', t);
  END LOOP;
END
$$;
-- The history is append-only for the application.
REVOKE UPDATE, DELETE ON payout_events FROM cip_app;

-- Down Migration

DROP TABLE month_goals;
DROP TABLE payout_events;
DROP TABLE payout_carry;
DROP TABLE payout_statements;
DROP TABLE payout_months;
DROP FUNCTION payout_rows_locked();
DROP FUNCTION payout_month_locked();
