-- Up Migration

-- The payee role (issue 16): a person who is paid signs in and sees their own pay, and only theirs.
-- Enforced here, not only in handlers: a payee's transaction carries the payee beside the tenant,
-- and every tenant table has restrictive policies that, while a payee is set, show only that
-- person's rows (or none) and refuse every write but the payee's own inquiries.

-- The roster's optional e-mail: a payee token whose app_metadata names no payee is linked to the
-- roster person with its e-mail (case-insensitively, unique per tenant).
ALTER TABLE agents ADD COLUMN email varchar(320) CHECK (email IS NULL OR email ~ '^[^@[:space:]]+@[^@[:space:]]+$');
CREATE UNIQUE INDEX agents_email ON agents (tenant_id, lower(email)) WHERE email IS NOT NULL;

-- Whether payees see draft months' statements (default: approved months only).
ALTER TABLE tenant_settings ADD COLUMN payees_see_drafts boolean NOT NULL DEFAULT false;

-- The payee of this transaction: app.current_payee, set by enter_tenant below. It needs no proof of
-- its own because the tenant proof covers it: enter_tenant folds the payee into app.tenant_proof,
-- and current_tenant_id() checks the proof against the payee setting as it stands. cip_app can
-- neither drop nor change the setting without every tenant_isolation policy then matching nothing;
-- setting one by hand in a transaction without a payee only narrows what that transaction sees.
CREATE FUNCTION current_payee() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.current_payee', true), '') $$;

-- enter_tenant gains the payee (hex of its UTF-8 text, so the statement text stays hex, digits and a
-- uuid). The MAC covers it: 'enter:<tenant>:<expires>:<nonce>' without a payee, as before, and
-- 'enter:<tenant>:<expires>:<nonce>:payee:<name>' with one.
DROP FUNCTION enter_tenant(uuid, bigint, text, text);
CREATE FUNCTION enter_tenant(p_tenant uuid, p_expires_ms bigint, p_nonce text, p_mac text, p_payee_hex text DEFAULT NULL) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  now_ms bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
  k public.tenant_proof_key;
  payee text;
  suffix text := '';
BEGIN
  IF p_payee_hex IS NOT NULL THEN
    IF length(p_payee_hex) > 1600 OR p_payee_hex !~ '^([0-9a-f]{2})+$' THEN
      RAISE EXCEPTION 'tenant proof refused' USING ERRCODE = 'insufficient_privilege';
    END IF;
    payee := convert_from(decode(p_payee_hex, 'hex'), 'UTF8');
    IF length(payee) > 200 OR payee !~ '\S' THEN
      RAISE EXCEPTION 'tenant proof refused' USING ERRCODE = 'insufficient_privilege';
    END IF;
    suffix := ':payee:' || payee;
  END IF;
  SELECT * INTO k FROM public.tenant_proof_key;
  IF p_tenant IS NULL OR p_nonce IS NULL OR p_mac IS NULL OR length(p_nonce) < 16
     OR p_mac <> encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(format('enter:%s:%s:%s', p_tenant, p_expires_ms, p_nonce) || suffix, 'UTF8'))), 'hex') THEN
    RAISE EXCEPTION 'tenant proof refused' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF p_expires_ms < now_ms OR p_expires_ms > now_ms + 60000 THEN
    RAISE EXCEPTION 'tenant proof expired' USING ERRCODE = 'insufficient_privilege';
  END IF;
  INSERT INTO public.tenant_proof_nonces (nonce, expires_at)
  VALUES (p_nonce, to_timestamp(p_expires_ms / 1000.0))
  ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'tenant proof already used' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF random() < 0.005 THEN
    DELETE FROM public.tenant_proof_nonces WHERE expires_at < clock_timestamp() - interval '1 minute';
  END IF;
  PERFORM set_config('app.current_tenant', p_tenant::text, true);
  PERFORM set_config('app.current_payee', coalesce(payee, ''), true);
  PERFORM set_config('app.tenant_proof',
    encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(format('tx:%s:%s', p_tenant, pg_current_xact_id()) || suffix, 'UTF8'))), 'hex'), true);
END
$$;
REVOKE ALL ON FUNCTION enter_tenant(uuid, bigint, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION enter_tenant(uuid, bigint, text, text, text) TO cip_app;

-- As in 0012, and the proof now also names the payee setting as it stands ('tx:<tenant>:<xact>' or
-- 'tx:<tenant>:<xact>:payee:<name>'): a payee setting dropped or changed after the entry voids the tenant.
CREATE OR REPLACE FUNCTION current_tenant_id() RETURNS uuid
  LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  claimed text := nullif(current_setting('app.current_tenant', true), '');
  proof text := nullif(current_setting('app.tenant_proof', true), '');
  payee text := nullif(current_setting('app.current_payee', true), '');
  xact xid8 := pg_current_xact_id_if_assigned();
  k public.tenant_proof_key;
BEGIN
  IF claimed IS NULL OR proof IS NULL OR xact IS NULL
     OR claimed !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
    RETURN NULL;
  END IF;
  SELECT * INTO k FROM public.tenant_proof_key;
  IF proof = encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(
       format('tx:%s:%s', claimed, xact) || CASE WHEN payee IS NULL THEN '' ELSE ':payee:' || payee END, 'UTF8'))), 'hex') THEN
    RETURN claimed::uuid;
  END IF;
  RETURN NULL;
END
$$;

-- A payee's questions about lines of their statements (POST /api/v1/payouts/{month}/inquiries):
-- open until an admin resolves it with a note. The line is named by its index in the statement as
-- it stood when asked, and a copy of it is kept (a recalculation may renumber the lines).
CREATE TABLE payout_inquiries (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  payee varchar(200) NOT NULL,
  line_index integer NOT NULL CHECK (line_index >= 0),
  line jsonb NOT NULL,
  status varchar(8) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  created_at timestamptz NOT NULL,
  created_by uuid,
  resolved_at timestamptz,
  resolved_by uuid,
  resolution_note varchar(2000),
  PRIMARY KEY (tenant_id, id),
  CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);
CREATE INDEX payout_inquiries_month ON payout_inquiries (tenant_id, month, payee, created_at);

-- The thread: the question first, then replies from either side, in order.
CREATE TABLE payout_inquiry_messages (
  tenant_id uuid NOT NULL,
  inquiry_id uuid NOT NULL,
  seq integer NOT NULL CHECK (seq > 0),
  author_id uuid,
  -- Which side wrote it: the payee, or the admins ('admin'; resolution notes are the inquiry's).
  author_role varchar(8) NOT NULL CHECK (author_role IN ('payee', 'admin')),
  message varchar(4000) NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, inquiry_id, seq),
  FOREIGN KEY (tenant_id, inquiry_id) REFERENCES payout_inquiries (tenant_id, id) ON DELETE CASCADE
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['payout_inquiries', 'payout_inquiry_messages']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT current_tenant_id())) WITH CHECK (tenant_id = (SELECT current_tenant_id()))', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %I TO cip_app', t);
  END LOOP;
END
$$;

-- The payee policies, on every tenant table (deny by default: a table not named below shows a
-- payee nothing). Each is RESTRICTIVE, so it narrows tenant_isolation and never widens it:
--   payee_read    FOR SELECT: no payee set, or the row is the payee's (expression below);
--   payee_insert, payee_update, payee_delete: no payee set; only the inquiry tables let a payee
--                 write, and only their own threads.
-- "Visible month": the month has a payout the payee may see, approved, or a draft when the
-- tenant's payees_see_drafts is on (payout_months' own payee_read says which; the subqueries
-- below go through it). test/integration/payee-isolation.test.ts fails for a table without them.
DO $$
DECLARE
  t text;
  visible_month text;
  own text;
  writes boolean;
  p constant text := '(SELECT current_payee())';
BEGIN
  FOR t IN
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity
       AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
     ORDER BY c.relname
  LOOP
    visible_month := format('EXISTS (SELECT 1 FROM payout_months m WHERE m.tenant_id = %1$I.tenant_id AND m.month = %1$I.month)', t);
    writes := false;
    own := CASE t
      -- The organisation itself, its entitlements, settings, branding and markets: nobody's pay.
      WHEN 'tenants' THEN 'true'
      WHEN 'entitlements' THEN 'true'
      WHEN 'tenant_settings' THEN 'true'
      WHEN 'tenant_branding' THEN 'true'
      WHEN 'markets' THEN 'true'
      -- The payee's own roster rows and their imported months.
      WHEN 'agents' THEN format('name = %s', p)
      WHEN 'managers' THEN format('name = %s', p)
      WHEN 'payee_months' THEN format('name = %s', p)
      WHEN 'deals' THEN format('agent = %s', p)
      -- Payout months the payee may see (their company figures are the route's to withhold; the
      -- people in them are in the statements, which are filtered).
      WHEN 'payout_months' THEN 'status = ''approved'' OR EXISTS (SELECT 1 FROM tenant_settings s WHERE s.tenant_id = payout_months.tenant_id AND s.payees_see_drafts)'
      WHEN 'payout_statements' THEN format('payee = %s AND %s', p, visible_month)
      WHEN 'payout_carry' THEN format('payee = %s AND %s', p, visible_month)
      WHEN 'closing_adjustments' THEN format('payee = %s AND %s', p, visible_month)
      -- The sides naming the payee (as agent or manager), and the closings that have one.
      WHEN 'closing_sides' THEN format('(agent = %1$s OR manager = %1$s) AND %2$s', p, visible_month)
      WHEN 'closings' THEN 'EXISTS (SELECT 1 FROM closing_sides s WHERE s.tenant_id = closings.tenant_id AND s.month = closings.month AND s.position = closings.position)'
      -- Their own inquiries and the messages of those.
      WHEN 'payout_inquiries' THEN format('payee = %s', p)
      WHEN 'payout_inquiry_messages' THEN 'EXISTS (SELECT 1 FROM payout_inquiries i WHERE i.tenant_id = payout_inquiry_messages.tenant_id AND i.id = payout_inquiry_messages.inquiry_id)'
      ELSE 'false'
    END;
    writes := t IN ('payout_inquiries', 'payout_inquiry_messages');
    EXECUTE format('CREATE POLICY payee_read ON %I AS RESTRICTIVE FOR SELECT USING (%s IS NULL OR (%s))', t, p, own);
    IF writes THEN
      EXECUTE format('CREATE POLICY payee_insert ON %I AS RESTRICTIVE FOR INSERT WITH CHECK (%s IS NULL OR (%s))', t, p, own);
      EXECUTE format('CREATE POLICY payee_update ON %I AS RESTRICTIVE FOR UPDATE USING (%s IS NULL OR (%s)) WITH CHECK (%s IS NULL OR (%s))', t, p, own, p, own);
    ELSE
      EXECUTE format('CREATE POLICY payee_insert ON %I AS RESTRICTIVE FOR INSERT WITH CHECK (%s IS NULL)', t, p);
      EXECUTE format('CREATE POLICY payee_update ON %I AS RESTRICTIVE FOR UPDATE USING (%s IS NULL)', t, p);
    END IF;
    EXECUTE format('CREATE POLICY payee_delete ON %I AS RESTRICTIVE FOR DELETE USING (%s IS NULL)', t, p);
  END LOOP;
END
$$;

-- Down Migration

DO $$
DECLARE
  t text;
BEGIN
  FOR t IN SELECT DISTINCT tablename FROM pg_policies WHERE schemaname = 'public' AND policyname = 'payee_read'
  LOOP
    EXECUTE format('DROP POLICY payee_read ON %I', t);
    EXECUTE format('DROP POLICY payee_insert ON %I', t);
    EXECUTE format('DROP POLICY payee_update ON %I', t);
    EXECUTE format('DROP POLICY payee_delete ON %I', t);
  END LOOP;
END
$$;
DROP TABLE payout_inquiry_messages;
DROP TABLE payout_inquiries;
CREATE OR REPLACE FUNCTION current_tenant_id() RETURNS uuid
  LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  claimed text := nullif(current_setting('app.current_tenant', true), '');
  proof text := nullif(current_setting('app.tenant_proof', true), '');
  xact xid8 := pg_current_xact_id_if_assigned();
  k public.tenant_proof_key;
BEGIN
  IF claimed IS NULL OR proof IS NULL OR xact IS NULL
     OR claimed !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
    RETURN NULL;
  END IF;
  SELECT * INTO k FROM public.tenant_proof_key;
  IF proof = encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(format('tx:%s:%s', claimed, xact), 'UTF8'))), 'hex') THEN
    RETURN claimed::uuid;
  END IF;
  RETURN NULL;
END
$$;
DROP FUNCTION enter_tenant(uuid, bigint, text, text, text);
CREATE FUNCTION enter_tenant(p_tenant uuid, p_expires_ms bigint, p_nonce text, p_mac text) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  now_ms bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
  k public.tenant_proof_key;
BEGIN
  SELECT * INTO k FROM public.tenant_proof_key;
  IF p_tenant IS NULL OR p_nonce IS NULL OR p_mac IS NULL OR length(p_nonce) < 16
     OR p_mac <> encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(format('enter:%s:%s:%s', p_tenant, p_expires_ms, p_nonce), 'UTF8'))), 'hex') THEN
    RAISE EXCEPTION 'tenant proof refused' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF p_expires_ms < now_ms OR p_expires_ms > now_ms + 60000 THEN
    RAISE EXCEPTION 'tenant proof expired' USING ERRCODE = 'insufficient_privilege';
  END IF;
  INSERT INTO public.tenant_proof_nonces (nonce, expires_at)
  VALUES (p_nonce, to_timestamp(p_expires_ms / 1000.0))
  ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'tenant proof already used' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF random() < 0.005 THEN
    DELETE FROM public.tenant_proof_nonces WHERE expires_at < clock_timestamp() - interval '1 minute';
  END IF;
  PERFORM set_config('app.current_tenant', p_tenant::text, true);
  PERFORM set_config('app.tenant_proof',
    encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(format('tx:%s:%s', p_tenant, pg_current_xact_id()), 'UTF8'))), 'hex'), true);
END
$$;
REVOKE ALL ON FUNCTION enter_tenant(uuid, bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION enter_tenant(uuid, bigint, text, text) TO cip_app;
DROP FUNCTION current_payee();
ALTER TABLE tenant_settings DROP COLUMN payees_see_drafts;
DROP INDEX agents_email;
ALTER TABLE agents DROP COLUMN email;
