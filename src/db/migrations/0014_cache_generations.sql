-- Up Migration

-- The durable cache generation of each tenant (src/cache/generations.ts). Cached results are
-- stored under the tenant's generation; a write bumps it in its own transaction, so an
-- invalidation commits with the data it invalidates and cannot be lost by a restart, a Redis
-- outage or a Redis that kept its keys. Redis (or process memory) only holds copies of it.
-- Values come from one sequence for all tenants, so a generation never repeats: not for another
-- tenant, and not for a tenant erased and provisioned again (its row goes with it).
CREATE SEQUENCE tenant_cache_generation_seq;
CREATE TABLE tenant_cache_generations (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  generation bigint NOT NULL DEFAULT nextval('tenant_cache_generation_seq'),
  PRIMARY KEY (tenant_id)
);
ALTER TABLE tenant_cache_generations ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_cache_generations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_cache_generations
  USING (tenant_id = (SELECT current_tenant_id())) WITH CHECK (tenant_id = (SELECT current_tenant_id()));
GRANT SELECT, INSERT, UPDATE (generation) ON tenant_cache_generations TO cip_app;
GRANT USAGE ON SEQUENCE tenant_cache_generation_seq TO cip_app;

INSERT INTO tenant_cache_generations (tenant_id) SELECT id FROM tenants;

-- Down Migration

DROP TABLE tenant_cache_generations;
DROP SEQUENCE tenant_cache_generation_seq;
