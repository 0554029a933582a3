-- Up Migration

-- Imports write a month's children in one INSERT of 10,000 rows or more (deals; closings and their
-- sides), but a FOREIGN KEY checks each row on its own: an SPI query per inserted row (SELECT 1 …
-- FOR KEY SHARE on the parent), and ON DELETE CASCADE one DELETE per deleted parent row. Measured as
-- cip_app with auto_explain (issue 21): of a 10,000-deal insert's 1.1 s, the agent reference took
-- 0.55–1.3 s (its cached plan scanned the tenant's agents through the (tenant_id, name) index until
-- the table was analysed) and the month reference 0.13–0.18 s; a 10,000-closing import spent 0.17 s
-- on the closings' month reference, 0.43 s on the 16,666 sides' closing reference and 0.21 s on the
-- cascade of deleting the closings. Row-level security was not in them: the policies' initplans ran
-- once per statement (track_functions: 49 calls of current_tenant_id() in a whole import).
--
-- The same references, checked once per statement: an AFTER … FOR EACH STATEMENT trigger with the
-- statement's new rows (a transition table) locks the distinct parents they name FOR KEY SHARE,
-- as the foreign key did (a concurrent delete of a parent waits, or the insert waits for it and
-- then fails), and fails with foreign_key_violation (23503) when one is missing. Deleting parents
-- deletes their children in one statement (as ON DELETE CASCADE did); a parent's key never changes
-- (refused, as the foreign key's NO ACTION on update would for a referenced row, and for any row
-- here since nothing updates these keys). The triggers run as the caller, so row-level security
-- applies to their look-ups as to the statement that fired them.

ALTER TABLE deals DROP CONSTRAINT deals_tenant_id_month_fkey;
ALTER TABLE deals DROP CONSTRAINT deals_tenant_id_agent_id_fkey;
ALTER TABLE closings DROP CONSTRAINT closings_tenant_id_month_fkey;
ALTER TABLE closing_sides DROP CONSTRAINT closing_sides_tenant_id_month_position_fkey;

-- Each check and cascade works per parent key prefix (a tenant's month, or a tenant), with the
-- statement's keys gathered into an array: an index scan with = ANY on the parent or child, a plan
-- that does not depend on the tables' statistics (a join with the transition table did: unanalysed
-- tables got nested loops that rescanned it per row).
CREATE FUNCTION deals_references_check() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  r record;
  locked bigint;
BEGIN
  FOR r IN SELECT tenant_id, array_agg(DISTINCT month) AS months FROM new_rows GROUP BY tenant_id LOOP
    PERFORM 1 FROM commission_months p WHERE p.tenant_id = r.tenant_id AND p.month = ANY (r.months) FOR KEY SHARE OF p;
    GET DIAGNOSTICS locked = ROW_COUNT;
    IF locked < cardinality(r.months) THEN
      RAISE EXCEPTION 'insert or update on table "deals" violates the reference to "commission_months"'
        USING ERRCODE = 'foreign_key_violation', DETAIL = 'A deal names a month that has not been imported.';
    END IF;
  END LOOP;
  FOR r IN SELECT tenant_id, array_agg(DISTINCT agent_id) AS ids FROM new_rows WHERE agent_id IS NOT NULL GROUP BY tenant_id LOOP
    PERFORM 1 FROM agents p WHERE p.tenant_id = r.tenant_id AND p.id = ANY (r.ids) FOR KEY SHARE OF p;
    GET DIAGNOSTICS locked = ROW_COUNT;
    IF locked < cardinality(r.ids) THEN
      RAISE EXCEPTION 'insert or update on table "deals" violates the reference to "agents"'
        USING ERRCODE = 'foreign_key_violation', DETAIL = 'A deal names an agent that does not exist.';
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;
CREATE TRIGGER deals_references_on_insert AFTER INSERT ON deals
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_references_check();
CREATE TRIGGER deals_references_on_update AFTER UPDATE ON deals
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_references_check();

CREATE FUNCTION closings_references_check() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  r record;
  locked bigint;
BEGIN
  FOR r IN SELECT tenant_id, array_agg(DISTINCT month) AS months FROM new_rows GROUP BY tenant_id LOOP
    PERFORM 1 FROM closing_months p WHERE p.tenant_id = r.tenant_id AND p.month = ANY (r.months) FOR KEY SHARE OF p;
    GET DIAGNOSTICS locked = ROW_COUNT;
    IF locked < cardinality(r.months) THEN
      RAISE EXCEPTION 'insert or update on table "closings" violates the reference to "closing_months"'
        USING ERRCODE = 'foreign_key_violation', DETAIL = 'A closing names a month that has not been imported.';
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;
CREATE TRIGGER closings_references_on_insert AFTER INSERT ON closings
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION closings_references_check();
CREATE TRIGGER closings_references_on_update AFTER UPDATE ON closings
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION closings_references_check();

CREATE FUNCTION closing_sides_references_check() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  r record;
  locked bigint;
BEGIN
  FOR r IN SELECT tenant_id, month, array_agg(DISTINCT position) AS positions FROM new_rows GROUP BY tenant_id, month LOOP
    PERFORM 1 FROM closings p WHERE p.tenant_id = r.tenant_id AND p.month = r.month AND p.position = ANY (r.positions) FOR KEY SHARE OF p;
    GET DIAGNOSTICS locked = ROW_COUNT;
    IF locked < cardinality(r.positions) THEN
      RAISE EXCEPTION 'insert or update on table "closing_sides" violates the reference to "closings"'
        USING ERRCODE = 'foreign_key_violation', DETAIL = 'A side names a closing that does not exist.';
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;
CREATE TRIGGER closing_sides_references_on_insert AFTER INSERT ON closing_sides
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION closing_sides_references_check();
CREATE TRIGGER closing_sides_references_on_update AFTER UPDATE ON closing_sides
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION closing_sides_references_check();

-- ON DELETE CASCADE, one statement per parent key prefix of the deleting statement.
CREATE FUNCTION commission_months_cascade() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT tenant_id, array_agg(month) AS months FROM old_rows GROUP BY tenant_id LOOP
    DELETE FROM deals d WHERE d.tenant_id = r.tenant_id AND d.month = ANY (r.months);
  END LOOP;
  RETURN NULL;
END
$$;
CREATE TRIGGER commission_months_cascade AFTER DELETE ON commission_months
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION commission_months_cascade();

CREATE FUNCTION agents_cascade() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT tenant_id, array_agg(id) AS ids FROM old_rows GROUP BY tenant_id LOOP
    DELETE FROM deals d WHERE d.tenant_id = r.tenant_id AND d.agent_id = ANY (r.ids);
  END LOOP;
  RETURN NULL;
END
$$;
CREATE TRIGGER agents_cascade AFTER DELETE ON agents
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION agents_cascade();

CREATE FUNCTION closing_months_cascade() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT tenant_id, array_agg(month) AS months FROM old_rows GROUP BY tenant_id LOOP
    DELETE FROM closings c WHERE c.tenant_id = r.tenant_id AND c.month = ANY (r.months);
  END LOOP;
  RETURN NULL;
END
$$;
CREATE TRIGGER closing_months_cascade AFTER DELETE ON closing_months
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION closing_months_cascade();

CREATE FUNCTION closings_cascade() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT tenant_id, month, array_agg(position) AS positions FROM old_rows GROUP BY tenant_id, month LOOP
    DELETE FROM closing_sides s WHERE s.tenant_id = r.tenant_id AND s.month = r.month AND s.position = ANY (r.positions);
  END LOOP;
  RETURN NULL;
END
$$;
CREATE TRIGGER closings_cascade AFTER DELETE ON closings
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION closings_cascade();

-- A referenced key never changes (the WHEN runs per row without calling the function).
CREATE FUNCTION referenced_key_unchanged() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  RAISE EXCEPTION 'the key of a row of "%" does not change', TG_TABLE_NAME USING ERRCODE = 'foreign_key_violation';
END
$$;
CREATE TRIGGER commission_months_key_unchanged BEFORE UPDATE ON commission_months FOR EACH ROW
  WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.month IS DISTINCT FROM NEW.month)
  EXECUTE FUNCTION referenced_key_unchanged();
CREATE TRIGGER agents_key_unchanged BEFORE UPDATE ON agents FOR EACH ROW
  WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION referenced_key_unchanged();
CREATE TRIGGER closing_months_key_unchanged BEFORE UPDATE ON closing_months FOR EACH ROW
  WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.month IS DISTINCT FROM NEW.month)
  EXECUTE FUNCTION referenced_key_unchanged();
CREATE TRIGGER closings_key_unchanged BEFORE UPDATE ON closings FOR EACH ROW
  WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.month IS DISTINCT FROM NEW.month OR OLD.position IS DISTINCT FROM NEW.position)
  EXECUTE FUNCTION referenced_key_unchanged();

-- Down Migration

DROP TRIGGER closings_key_unchanged ON closings;
DROP TRIGGER closing_months_key_unchanged ON closing_months;
DROP TRIGGER agents_key_unchanged ON agents;
DROP TRIGGER commission_months_key_unchanged ON commission_months;
DROP FUNCTION referenced_key_unchanged();
DROP TRIGGER closings_cascade ON closings;
DROP FUNCTION closings_cascade();
DROP TRIGGER closing_months_cascade ON closing_months;
DROP FUNCTION closing_months_cascade();
DROP TRIGGER agents_cascade ON agents;
DROP FUNCTION agents_cascade();
DROP TRIGGER commission_months_cascade ON commission_months;
DROP FUNCTION commission_months_cascade();
DROP TRIGGER closing_sides_references_on_update ON closing_sides;
DROP TRIGGER closing_sides_references_on_insert ON closing_sides;
DROP FUNCTION closing_sides_references_check();
DROP TRIGGER closings_references_on_update ON closings;
DROP TRIGGER closings_references_on_insert ON closings;
DROP FUNCTION closings_references_check();
DROP TRIGGER deals_references_on_update ON deals;
DROP TRIGGER deals_references_on_insert ON deals;
DROP FUNCTION deals_references_check();
ALTER TABLE closing_sides ADD FOREIGN KEY (tenant_id, month, position) REFERENCES closings (tenant_id, month, position) ON DELETE CASCADE;
ALTER TABLE closings ADD FOREIGN KEY (tenant_id, month) REFERENCES closing_months (tenant_id, month) ON DELETE CASCADE;
ALTER TABLE deals ADD FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE deals ADD FOREIGN KEY (tenant_id, month) REFERENCES commission_months (tenant_id, month) ON DELETE CASCADE;
