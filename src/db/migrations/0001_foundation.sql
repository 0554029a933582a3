-- Up Migration

-- The application role. The service logs in as cip_app, which owns nothing, is not a superuser,
-- cannot create roles or databases and has no BYPASSRLS: row-level security applies to every query
-- it makes. NOINHERIT so that a future GRANT of another role to it gives no privileges implicitly.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cip_app') THEN
    CREATE ROLE cip_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS;
  ELSE
    ALTER ROLE cip_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS;
  END IF;
END
$$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO cip_app;
GRANT SELECT ON pgmigrations TO cip_app;

-- The tenant whose rows a transaction may see: set by withTenant() with set_config(..., true), so it
-- is transaction-local and a pooled connection never carries it into the next request. Unset or
-- empty means no tenant, and every policy below then matches no row.
CREATE FUNCTION current_tenant_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.current_tenant', true), '')::uuid $$;

-- One row per marketplace organisation. The id is derived from the organisation id (UUIDv5, see
-- src/db/tenant-id.ts), so provisioning never needs to look across tenants: it sets the tenant it is
-- about to create and works under the same policies as every other query.
CREATE TABLE tenants (
  id uuid PRIMARY KEY,
  name varchar(255) NOT NULL,
  supabase_org_id varchar(255) NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Users as the marketplace knows them. A person can belong to several organisations, so the
-- Supabase user id is unique within a tenant (a global UNIQUE would leak across tenants).
CREATE TABLE users (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  supabase_user_id varchar(255) NOT NULL,
  email varchar(320),
  role varchar(16) NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, supabase_user_id)
);

-- What the tenant may use. New tenants start on a promotion (PROMO_DAYS from first login).
CREATE TABLE entitlements (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  subscription_tier varchar(16) NOT NULL CHECK (subscription_tier IN ('none', 'promo', 'premium', 'enterprise')),
  promo_until date,
  flags jsonb NOT NULL DEFAULT '{}'::jsonb,
  source varchar(32) NOT NULL DEFAULT 'provisioning',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id)
);

-- Row-level security, enabled and forced (so even the owner is filtered unless superuser).
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
  USING (id = (SELECT current_tenant_id()))
  WITH CHECK (id = (SELECT current_tenant_id()));

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON users
  USING (tenant_id = (SELECT current_tenant_id()))
  WITH CHECK (tenant_id = (SELECT current_tenant_id()));

ALTER TABLE entitlements ENABLE ROW LEVEL SECURITY;
ALTER TABLE entitlements FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON entitlements
  USING (tenant_id = (SELECT current_tenant_id()))
  WITH CHECK (tenant_id = (SELECT current_tenant_id()));

GRANT SELECT, INSERT, UPDATE (name) ON tenants TO cip_app;
GRANT SELECT, INSERT, UPDATE (email, role), DELETE ON users TO cip_app;
GRANT SELECT, INSERT, UPDATE ON entitlements TO cip_app;
GRANT EXECUTE ON FUNCTION current_tenant_id() TO cip_app;

-- Down Migration

DROP TABLE entitlements;
DROP TABLE users;
DROP TABLE tenants;
DROP FUNCTION current_tenant_id();
