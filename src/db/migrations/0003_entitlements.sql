-- Up Migration

-- Entitlements from several sources (see src/domain/entitlements.ts): the row in `entitlements` is
-- the statement of the highest-precedence source seen so far (push > claims > pull > provisioning),
-- and source_time is when that source said so, which is how out-of-order statements are resolved.
ALTER TABLE entitlements ADD COLUMN source_time timestamptz;
ALTER TABLE entitlements
  ADD CONSTRAINT entitlements_source_check CHECK (source IN ('provisioning', 'pull', 'claims', 'push'));

-- Marketplace pushes already processed: an event id is applied once (per tenant: the signature
-- covers the tenant, so an event cannot be replayed against another one).
CREATE TABLE marketplace_events (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  event_id varchar(200) NOT NULL,
  occurred_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  outcome varchar(16) NOT NULL CHECK (outcome IN ('applied', 'unchanged', 'stale')),
  PRIMARY KEY (tenant_id, event_id)
);

-- The audit trail: every change of what a tenant may use, with its source and times. Append-only
-- for the application role (no UPDATE or DELETE grant).
CREATE TABLE entitlement_events (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  source varchar(16) NOT NULL CHECK (source IN ('provisioning', 'pull', 'claims', 'push')),
  -- The marketplace event id of a push; null for other sources.
  event_id varchar(200),
  -- When the source made the statement; recorded_at is when we applied it.
  source_time timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  previous_source varchar(16),
  previous_tier varchar(16),
  previous_promo_until date,
  previous_flags jsonb,
  subscription_tier varchar(16) NOT NULL CHECK (subscription_tier IN ('none', 'promo', 'premium', 'enterprise')),
  promo_until date,
  flags jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX entitlement_events_recorded ON entitlement_events (tenant_id, recorded_at);

-- White-label branding (enterprise): applied by the web app.
CREATE TABLE tenant_branding (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name varchar(100) NOT NULL,
  logo_url varchar(2048) CHECK (logo_url LIKE 'https://%'),
  primary_color char(7) CHECK (primary_color ~ '^#[0-9a-f]{6}$'),
  accent_color char(7) CHECK (accent_color ~ '^#[0-9a-f]{6}$'),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid,
  PRIMARY KEY (tenant_id)
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['marketplace_events', 'entitlement_events', 'tenant_branding']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT current_tenant_id())) WITH CHECK (tenant_id = (SELECT current_tenant_id()))', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT ON marketplace_events TO cip_app;
GRANT SELECT, INSERT ON entitlement_events TO cip_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_branding TO cip_app;

-- Down Migration

DROP TABLE tenant_branding;
DROP TABLE entitlement_events;
DROP TABLE marketplace_events;
ALTER TABLE entitlements DROP CONSTRAINT entitlements_source_check;
ALTER TABLE entitlements DROP COLUMN source_time;
