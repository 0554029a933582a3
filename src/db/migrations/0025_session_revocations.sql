-- Up Migration

-- Revoked sessions when the service runs without Redis (src/services/sessions/revocations.ts,
-- DatabaseRevocations): before this, each instance (and each WEB_CONCURRENCY worker) kept its own
-- list in memory, so a revocation through one was not seen by the others. An entry lives until
-- the session's tokens expire (at most a week); expired entries are purged by the next revocation
-- in the tenant. No foreign key to tenants: the marketplace may revoke a session of an
-- organisation not provisioned yet, and an erasure leaves the entries to run out (as Redis keeps
-- its keys), so a revoked token cannot provision the erased organisation again. An entry names a
-- session id and a tenant id, nobody (src/db/tenant-data.ts leaves the table out of export and erasure).
CREATE TABLE session_revocations (
  tenant_id uuid NOT NULL,
  session_id varchar(255) NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, session_id)
);

ALTER TABLE session_revocations ENABLE ROW LEVEL SECURITY;
ALTER TABLE session_revocations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON session_revocations
  USING (tenant_id = (SELECT current_tenant_id())) WITH CHECK (tenant_id = (SELECT current_tenant_id()));

-- A payee's transaction sees and writes none of it (as 0016 and 0019 do for every tenant table).
CREATE POLICY payee_read ON session_revocations AS RESTRICTIVE FOR SELECT USING ((SELECT current_payee()) IS NULL);
CREATE POLICY payee_insert ON session_revocations AS RESTRICTIVE FOR INSERT WITH CHECK ((SELECT current_payee()) IS NULL);
CREATE POLICY payee_update ON session_revocations AS RESTRICTIVE FOR UPDATE USING ((SELECT current_payee()) IS NULL);
CREATE POLICY payee_delete ON session_revocations AS RESTRICTIVE FOR DELETE USING ((SELECT current_payee()) IS NULL);

GRANT SELECT, INSERT, UPDATE, DELETE ON session_revocations TO cip_app;

-- Down Migration

DROP TABLE session_revocations;
