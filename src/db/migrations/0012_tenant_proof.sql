-- Up Migration

-- Until now the tenant of a transaction was the setting app.current_tenant, which cip_app can set
-- to anything: SQL run as cip_app (an injection, a compromised dependency's query) could name any
-- tenant. From here a tenant counts only with proof the role cannot forge:
--
--   1. The service holds a 64-byte key K, read at startup over the owner connection from
--      tenant_proof_key (cip_app has no privilege on it; RLS admits only the owner).
--   2. withTenant sends, in the same simple query as BEGIN,
--        SELECT enter_tenant(tenant, expires_ms, nonce, HMAC-SHA256(K, 'enter:<tenant>:<expires_ms>:<nonce>'))
--      enter_tenant (SECURITY DEFINER, owner) checks the MAC, that it expires within a minute and
--      that the nonce was never used (so a call copied out of pg_stat_activity or a log is refused),
--      then sets, transaction-locally, app.current_tenant and
--        app.tenant_proof = HMAC-SHA256(K, 'tx:<tenant>:<transaction id>').
--   3. current_tenant_id() returns app.current_tenant only when app.tenant_proof matches it for
--      this very transaction; otherwise NULL, and every tenant_isolation policy matches no row.
--      A proof carried into another transaction names another transaction id and is refused.
--
-- The policies keep calling (SELECT current_tenant_id()): an initplan, so the two SHA-256 run once
-- per statement, not per row. HMAC is built from the core sha256() (no extension needed): with a
-- key of exactly the block size, HMAC(K, m) = sha256((K xor opad) || sha256((K xor ipad) || m)),
-- and the two padded keys are stored precomputed.

CREATE TABLE tenant_proof_key (
  id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  key bytea NOT NULL CHECK (length(key) = 64),
  inner_pad bytea NOT NULL CHECK (length(inner_pad) = 64),
  outer_pad bytea NOT NULL CHECK (length(outer_pad) = 64),
  created_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON tenant_proof_key FROM PUBLIC;

-- Nonces of accepted entries until they expire. UNLOGGED: no WAL on the hot path; after a crash
-- the table is empty, and a proof from before the crash could be used again until it expires.
CREATE UNLOGGED TABLE tenant_proof_nonces (
  nonce text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
REVOKE ALL ON tenant_proof_nonces FROM PUBLIC;

ALTER TABLE tenant_proof_key ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_proof_key FORCE ROW LEVEL SECURITY;
ALTER TABLE tenant_proof_nonces ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_proof_nonces FORCE ROW LEVEL SECURITY;
DO $$
BEGIN
  EXECUTE format('CREATE POLICY owner_only ON tenant_proof_key TO %I USING (true) WITH CHECK (true)', current_user);
  EXECUTE format('CREATE POLICY owner_only ON tenant_proof_nonces TO %I USING (true) WITH CHECK (true)', current_user);
END
$$;

-- The key: 4 × gen_random_uuid() (122 strong random bits each, from pg_strong_random), hashed
-- into 64 bytes. Rotate with UPDATE tenant_proof_key (new key and pads) and restart every instance.
DO $$
DECLARE
  k bytea := sha512(decode(replace(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
  ipad bytea := k;
  opad bytea := k;
BEGIN
  FOR i IN 0..63 LOOP
    ipad := set_byte(ipad, i, get_byte(k, i) # 54);   -- 0x36
    opad := set_byte(opad, i, get_byte(k, i) # 92);   -- 0x5c
  END LOOP;
  INSERT INTO tenant_proof_key (key, inner_pad, outer_pad) VALUES (k, ipad, opad);
END
$$;

-- The MAC, written out in each function below rather than called: a SQL function with a SET
-- clause is planned again on every call, which cost more than the whole check (measured).
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
  -- A minute of slack for clocks that disagree; the nonce check is what stops a replay.
  IF p_expires_ms < now_ms OR p_expires_ms > now_ms + 60000 THEN
    RAISE EXCEPTION 'tenant proof expired' USING ERRCODE = 'insufficient_privilege';
  END IF;
  INSERT INTO public.tenant_proof_nonces (nonce, expires_at)
  VALUES (p_nonce, to_timestamp(p_expires_ms / 1000.0))
  ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'tenant proof already used' USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- About one entry in 200 sweeps the expired nonces, so the table stays a few seconds' worth.
  IF random() < 0.005 THEN
    DELETE FROM public.tenant_proof_nonces WHERE expires_at < clock_timestamp() - interval '1 minute';
  END IF;
  PERFORM set_config('app.current_tenant', p_tenant::text, true);
  -- The nonce insert gave the transaction its id, so pg_current_xact_id() assigns nothing new.
  PERFORM set_config('app.tenant_proof',
    encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(format('tx:%s:%s', p_tenant, pg_current_xact_id()), 'UTF8'))), 'hex'), true);
END
$$;
REVOKE ALL ON FUNCTION enter_tenant(uuid, bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION enter_tenant(uuid, bigint, text, text) TO cip_app;

-- The tenant of this transaction, only if enter_tenant proved it in this transaction. The id is
-- read "if assigned" so a transaction without an entry gets none assigned just by asking.
-- PARALLEL SAFE as before: it only reads settings and the key, which parallel workers share with
-- the leader (and the policies' initplan runs in the leader anyway).
CREATE OR REPLACE FUNCTION current_tenant_id() RETURNS uuid
  LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  claimed text := nullif(current_setting('app.current_tenant', true), '');
  proof text := nullif(current_setting('app.tenant_proof', true), '');
  xact xid8 := pg_current_xact_id_if_assigned();
  k public.tenant_proof_key;
BEGIN
  -- The shape check keeps the cast below from ever raising (no exception block: a subtransaction
  -- per statement would cost more than the MAC).
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

-- Erasing an organisation must not reset what it was entitled to (issue 19: erase, sign in again,
-- and a fresh 90-day promotion began). The tombstone keeps the entitlement history, tier and
-- promotion end, and provisioning a tenant that was erased starts from it instead of a new promo.
ALTER TABLE tenant_tombstones ADD COLUMN subscription_tier varchar(16), ADD COLUMN promo_until date;

CREATE OR REPLACE FUNCTION record_tenant_tombstone(p_org_id_sha256 text, p_erased_by uuid, p_request_id text, p_tables jsonb) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  t uuid := current_tenant_id();
  e record;
BEGIN
  IF t IS NULL THEN
    RAISE EXCEPTION 'record_tenant_tombstone needs a tenant-scoped transaction';
  END IF;
  SELECT subscription_tier, promo_until INTO e FROM public.entitlements WHERE tenant_id = t;
  INSERT INTO public.tenant_tombstones (tenant_id, org_id_sha256, erased_by, request_id, tables, subscription_tier, promo_until)
  VALUES (t, p_org_id_sha256, p_erased_by, left(p_request_id, 128), coalesce(p_tables, '{}'::jsonb), e.subscription_tier, e.promo_until);
END
$$;

-- What the transaction's tenant was entitled to when it was last erased; no row if it never was.
CREATE FUNCTION erased_tenant_entitlements() RETURNS TABLE (subscription_tier varchar, promo_until date)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT tt.subscription_tier, tt.promo_until FROM public.tenant_tombstones tt
     WHERE tt.tenant_id = (SELECT public.current_tenant_id()) AND tt.subscription_tier IS NOT NULL
     ORDER BY tt.erased_at DESC LIMIT 1
  $$;
REVOKE ALL ON FUNCTION erased_tenant_entitlements() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION erased_tenant_entitlements() TO cip_app;
-- Down Migration

CREATE OR REPLACE FUNCTION current_tenant_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.current_tenant', true), '')::uuid $$;
DROP FUNCTION erased_tenant_entitlements();
CREATE OR REPLACE FUNCTION record_tenant_tombstone(p_org_id_sha256 text, p_erased_by uuid, p_request_id text, p_tables jsonb) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  t uuid := current_tenant_id();
BEGIN
  IF t IS NULL THEN
    RAISE EXCEPTION 'record_tenant_tombstone needs a tenant-scoped transaction';
  END IF;
  INSERT INTO public.tenant_tombstones (tenant_id, org_id_sha256, erased_by, request_id, tables)
  VALUES (t, p_org_id_sha256, p_erased_by, left(p_request_id, 128), coalesce(p_tables, '{}'::jsonb));
END
$$;
ALTER TABLE tenant_tombstones DROP COLUMN subscription_tier, DROP COLUMN promo_until;
DROP FUNCTION enter_tenant(uuid, bigint, text, text);
DROP TABLE tenant_proof_nonces;
DROP TABLE tenant_proof_key;
