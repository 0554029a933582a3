-- Up Migration

-- GDPR erasure of one user (DELETE /api/v1/users/{id}). Their users row goes: the e-mail and the
-- marketplace user id. What they leave behind elsewhere is the internal user id (audit rows,
-- imported_by, created_by, requested_by, ...), which identifies nobody once that row is gone,
-- and the IP addresses of their requests in the audit trail, which do: redact_user_audit()
-- clears those.
--
-- The audit trail stays append-only in every other respect. The one UPDATE the trigger lets
-- through sets ip to NULL and changes nothing else; cip_app still has no UPDATE privilege on
-- audit_log and can only ask for a redaction through the function, for the tenant its
-- transaction is scoped to.
CREATE OR REPLACE FUNCTION audit_log_immutable() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.ip IS NULL AND (to_jsonb(NEW) - 'ip') = (to_jsonb(OLD) - 'ip') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only';
END
$$;

CREATE FUNCTION redact_user_audit(p_user_id uuid) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  t uuid := current_tenant_id();
  redacted integer;
BEGIN
  IF t IS NULL THEN
    RAISE EXCEPTION 'redact_user_audit needs a tenant-scoped transaction';
  END IF;
  UPDATE public.audit_log SET ip = NULL WHERE tenant_id = t AND user_id = p_user_id AND ip IS NOT NULL;
  GET DIAGNOSTICS redacted = ROW_COUNT;
  RETURN redacted;
END
$$;
REVOKE ALL ON FUNCTION redact_user_audit(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION redact_user_audit(uuid) TO cip_app;

-- Down Migration

DROP FUNCTION redact_user_audit(uuid);
CREATE OR REPLACE FUNCTION audit_log_immutable() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
