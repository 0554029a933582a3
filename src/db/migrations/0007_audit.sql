-- Up Migration

-- The audit trail: one row per API request that read or wrote a tenant's data, written after the
-- response (src/services/audit/audit-writer.ts). Append-only for the application role: it may
-- INSERT and SELECT, never UPDATE or DELETE (no grant; test/integration/audit.test.ts proves it as
-- cip_app). Rows go with their tenant when the tenant is deleted (ON DELETE CASCADE runs as the
-- table owner, not as cip_app); the deletion itself is recorded in tenant_tombstones below.
CREATE TABLE audit_log (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  occurred_at timestamptz NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  -- The users row of the caller (null when the request failed before one was known).
  user_id uuid,
  -- Method and route pattern: 'DELETE /api/v1/commissions/:month'.
  action varchar(300) NOT NULL,
  -- The route's path parameters: {"month": "2025-08"}.
  resource jsonb NOT NULL DEFAULT '{}'::jsonb,
  request_id varchar(128) NOT NULL,
  ip varchar(64),
  status smallint NOT NULL,
  duration_ms integer,
  PRIMARY KEY (tenant_id, occurred_at, id)
);
CREATE INDEX audit_log_action ON audit_log (tenant_id, action, occurred_at);
CREATE INDEX audit_log_user ON audit_log (tenant_id, user_id, occurred_at);

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_log
  USING (tenant_id = (SELECT current_tenant_id())) WITH CHECK (tenant_id = (SELECT current_tenant_id()));
GRANT SELECT, INSERT ON audit_log TO cip_app;

-- No UPDATE for anyone, the owner included: an audit row, once written, is what happened.
CREATE FUNCTION audit_log_immutable() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();

-- GDPR erasure (DELETE /api/v1/tenant) removes every row of the tenant, the audit trail included;
-- what remains is this tombstone: that a tenant existed and was erased, when, by whom and in which
-- request, with no personal data and no business data. It is not a tenant table (the tenant it
-- names no longer exists), so it has no tenant_isolation policy: cip_app has no privilege on it
-- at all, and writes only through erase_tenant_tombstone(), which records the tenant that the
-- calling transaction is scoped to and nothing else.
CREATE TABLE tenant_tombstones (
  tenant_id uuid NOT NULL,
  erased_at timestamptz NOT NULL DEFAULT now(),
  -- sha256 of the organisation id: lets the marketplace confirm an erasure it asked about,
  -- without this table holding the id itself.
  org_id_sha256 char(64) NOT NULL,
  erased_by uuid,
  request_id varchar(128),
  tables jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (tenant_id, erased_at)
);
REVOKE ALL ON tenant_tombstones FROM PUBLIC;
-- RLS like every table here (isolation-inside.test.ts insists): only the owner, which runs the
-- function below, may add a tombstone, and only for the tenant the transaction is scoped to; the
-- owner (operators) may read them all.
ALTER TABLE tenant_tombstones ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_tombstones FORCE ROW LEVEL SECURITY;
DO $$
BEGIN
  EXECUTE format('CREATE POLICY tombstone_insert ON tenant_tombstones FOR INSERT TO %I WITH CHECK (tenant_id = (SELECT current_tenant_id()))', current_user);
  EXECUTE format('CREATE POLICY tombstone_read ON tenant_tombstones FOR SELECT TO %I USING (true)', current_user);
END
$$;

CREATE FUNCTION record_tenant_tombstone(p_org_id_sha256 text, p_erased_by uuid, p_request_id text, p_tables jsonb) RETURNS void
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
REVOKE ALL ON FUNCTION record_tenant_tombstone(text, uuid, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_tenant_tombstone(text, uuid, text, jsonb) TO cip_app;

-- Erasure deletes the tenant row (every tenant table cascades from it); RLS limits it to the
-- tenant the transaction is scoped to.
GRANT DELETE ON tenants TO cip_app;

-- Down Migration

REVOKE DELETE ON tenants FROM cip_app;
DROP FUNCTION record_tenant_tombstone(text, uuid, text, jsonb);
DROP TABLE tenant_tombstones;
DROP TABLE audit_log;
DROP FUNCTION audit_log_immutable();
