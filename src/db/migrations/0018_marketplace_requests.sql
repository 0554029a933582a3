-- Up Migration

-- Signed marketplace requests other than the entitlement push (which has marketplace_events):
-- session revocations and user erasures, each processed once per event id, so a replayed or
-- re-delivered request is a 200 no-op (src/services/sessions/revoke-session.ts,
-- src/services/users/erase-marketplace-user.ts). Kept with the tenant and erased with it.
CREATE TABLE marketplace_requests (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  event_id varchar(200) NOT NULL,
  kind varchar(16) NOT NULL CHECK (kind IN ('session_revoke', 'user_erase')),
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, event_id)
);

ALTER TABLE marketplace_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketplace_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON marketplace_requests
  USING (tenant_id = (SELECT current_tenant_id())) WITH CHECK (tenant_id = (SELECT current_tenant_id()));

GRANT SELECT, INSERT ON marketplace_requests TO cip_app;

-- Down Migration

DROP TABLE marketplace_requests;
