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
