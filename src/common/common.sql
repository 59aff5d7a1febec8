-- src/common/common.sql
-- Shared pieces of the install script: schema comment and privileges that
-- every capability relies on.  The schema itself is created by CREATE
-- EXTENSION from the control file (schema = referral_crm).

\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit

-- The schema must be new or an empty one owned by the installing role: a
-- schema prepared by somebody else could hold objects that shadow ours.
DO $$
DECLARE
  owner oid;
  n     bigint;
BEGIN
  SELECT nspowner INTO owner FROM pg_catalog.pg_namespace WHERE nspname = 'referral_crm';
  SELECT count(*) INTO n FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
   WHERE s.nspname = 'referral_crm';
  n := n + (SELECT count(*) FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace s ON s.oid = p.pronamespace
             WHERE s.nspname = 'referral_crm')
         + (SELECT count(*) FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace s ON s.oid = t.typnamespace
             WHERE s.nspname = 'referral_crm');
  IF owner <> (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
    RAISE EXCEPTION 'schema referral_crm is owned by role %, not by the installing role %',
                    owner::regrole, current_user
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Drop the schema, or transfer it to the installing role, before CREATE EXTENSION.';
  END IF;
  IF n > 0 THEN
    RAISE EXCEPTION 'schema referral_crm already holds % objects', n
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'Install into an empty schema: move or drop what is in referral_crm first.';
  END IF;
END
$$;

COMMENT ON SCHEMA referral_crm IS
  'referral_crm: physician-referral CRM data layer (tables, types and functions)';

-- Nobody but the owner creates objects in the extension's schema.
REVOKE CREATE ON SCHEMA referral_crm FROM PUBLIC;
GRANT USAGE ON SCHEMA referral_crm TO PUBLIC;

-- The calendar of derived dates: every date, weekday, hour and month that
-- a view or function derives from a timestamptz is taken in this zone
-- (crm_config.time_zone, the CRM room's settings), not in the session's
-- TimeZone, so that two sessions in different zones see the same features,
-- routing attributes and texts.  PL/pgSQL: crm_config is created later in
-- the install script.  Callers write (SELECT referral_crm.calendar_zone()),
-- evaluated once per query.  It runs with the caller's rights: the roles
-- that read what it dates read crm_config (reference data) too.
CREATE FUNCTION referral_crm.calendar_zone() RETURNS text
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  tz text;
BEGIN
  SELECT c.time_zone INTO tz FROM referral_crm.crm_config c;
  RETURN coalesce(tz, 'UTC');
END
$$;
COMMENT ON FUNCTION referral_crm.calendar_zone() IS
  'the organisation''s time zone (crm_config.time_zone; UTC without a row), in which derived dates, weekdays, hours and months are taken';
