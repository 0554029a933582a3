-- Up Migration

-- Two tables met the payee policies of 0016 out of order.
--
-- marketplace_requests (0018) was created after 0016's loop ran over every tenant table: it gets
-- the same deny-by-default policies, so a payee's transaction sees and writes none of it.
CREATE POLICY payee_read ON marketplace_requests AS RESTRICTIVE FOR SELECT USING ((SELECT current_payee()) IS NULL);
CREATE POLICY payee_insert ON marketplace_requests AS RESTRICTIVE FOR INSERT WITH CHECK ((SELECT current_payee()) IS NULL);
CREATE POLICY payee_update ON marketplace_requests AS RESTRICTIVE FOR UPDATE USING ((SELECT current_payee()) IS NULL);
CREATE POLICY payee_delete ON marketplace_requests AS RESTRICTIVE FOR DELETE USING ((SELECT current_payee()) IS NULL);

-- A payee's own write (an inquiry, a reply) ends like every write (src/services/context.ts,
-- writeInTenant): its audit row and the tenant's cache generation bump in the same transaction.
-- 0016 denied payees both, so their writes failed. The generation is a counter that names nobody
-- (insert, read for ON CONFLICT, update); the audit row is written, never read back by a payee.
DROP POLICY payee_read ON tenant_cache_generations;
DROP POLICY payee_insert ON tenant_cache_generations;
DROP POLICY payee_update ON tenant_cache_generations;
CREATE POLICY payee_read ON tenant_cache_generations AS RESTRICTIVE FOR SELECT USING (true);
CREATE POLICY payee_insert ON tenant_cache_generations AS RESTRICTIVE FOR INSERT WITH CHECK (true);
CREATE POLICY payee_update ON tenant_cache_generations AS RESTRICTIVE FOR UPDATE USING (true) WITH CHECK (true);
DROP POLICY payee_insert ON audit_log;
CREATE POLICY payee_insert ON audit_log AS RESTRICTIVE FOR INSERT WITH CHECK (true);

-- Down Migration

DROP POLICY payee_insert ON audit_log;
CREATE POLICY payee_insert ON audit_log AS RESTRICTIVE FOR INSERT WITH CHECK ((SELECT current_payee()) IS NULL);
DROP POLICY payee_read ON tenant_cache_generations;
DROP POLICY payee_insert ON tenant_cache_generations;
DROP POLICY payee_update ON tenant_cache_generations;
CREATE POLICY payee_read ON tenant_cache_generations AS RESTRICTIVE FOR SELECT USING ((SELECT current_payee()) IS NULL OR (false));
CREATE POLICY payee_insert ON tenant_cache_generations AS RESTRICTIVE FOR INSERT WITH CHECK ((SELECT current_payee()) IS NULL);
CREATE POLICY payee_update ON tenant_cache_generations AS RESTRICTIVE FOR UPDATE USING ((SELECT current_payee()) IS NULL);
DROP POLICY payee_read ON marketplace_requests;
DROP POLICY payee_insert ON marketplace_requests;
DROP POLICY payee_update ON marketplace_requests;
DROP POLICY payee_delete ON marketplace_requests;
