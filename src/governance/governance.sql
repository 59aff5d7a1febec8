-- src/governance/governance.sql
-- Roles, the staff <-> login mapping, the registry of governed tables and
-- govern_table(), which enables and forces row-level security, creates the
-- policies of the table's family, attaches the C audit trigger and grants
-- each role what the family allows.  Installed last: it enrols every table
-- of the rooms installed before it (src/governance/enrol.sql).
--
-- Policies apply TO PUBLIC and test role membership with acting_as(), in
-- the (SELECT ...) form, so that they exist from CREATE EXTENSION on (the
-- roles need not exist yet) and each test runs once per query.

\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit

------------------------------------------------------------------------
-- Staff <-> login mapping: teams and their queues and locations
------------------------------------------------------------------------

CREATE TABLE referral_crm.staff_teams (
  staff_id bigint NOT NULL REFERENCES referral_crm.staff ON DELETE CASCADE,
  team     text NOT NULL CONSTRAINT staff_teams_team_format CHECK (team ~ '^[a-z0-9]+([-_][a-z0-9]+)*$'),
  PRIMARY KEY (staff_id, team)
);
COMMENT ON TABLE referral_crm.staff_teams IS 'the teams a staff member belongs to';
CREATE INDEX staff_teams_team_idx ON referral_crm.staff_teams (team);

CREATE TABLE referral_crm.team_scopes (
  scope_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team        text NOT NULL CONSTRAINT team_scopes_team_format CHECK (team ~ '^[a-z0-9]+([-_][a-z0-9]+)*$'),
  queue_id    bigint REFERENCES referral_crm.queues ON DELETE CASCADE,
  location_id bigint REFERENCES referral_crm.locations ON DELETE CASCADE,
  CONSTRAINT team_scopes_one_target CHECK (num_nonnulls(queue_id, location_id) = 1),
  UNIQUE NULLS NOT DISTINCT (team, queue_id, location_id)
);
COMMENT ON TABLE referral_crm.team_scopes IS
  'the queues and locations whose referrals a team works (in addition to queue_members and staff.location_id)';

CREATE FUNCTION referral_crm.id_in(id bigint, ids bigint[]) RETURNS boolean
  AS 'MODULE_PATHNAME', 'id_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.id_in(bigint, bigint[]) IS
  'id = ANY (ids) for the policies, without a function call per element';

-- The acting role's staff member, queues and locations.  The acting role
-- (acting_user()) is the current role, except inside a SECURITY DEFINER
-- function, where it stays the caller's: so patient_attachable() can use
-- them too.
CREATE FUNCTION referral_crm.my_staff_id() RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN (SELECT s.staff_id FROM referral_crm.staff s WHERE s.login_role = referral_crm.acting_user() AND s.active);
COMMENT ON FUNCTION referral_crm.my_staff_id() IS 'the active staff member whose login_role is the acting role (the current role outside SECURITY DEFINER functions)';

CREATE FUNCTION referral_crm.my_queue_ids() RETURNS bigint[]
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN coalesce((
    SELECT pg_catalog.array_agg(DISTINCT q.queue_id ORDER BY q.queue_id)
      FROM (SELECT qm.queue_id
              FROM referral_crm.staff s JOIN referral_crm.queue_members qm ON qm.staff_id = s.staff_id
             WHERE s.login_role = referral_crm.acting_user() AND s.active
            UNION
            SELECT ts.queue_id
              FROM referral_crm.staff s
              JOIN referral_crm.staff_teams st ON st.staff_id = s.staff_id
              JOIN referral_crm.team_scopes ts ON ts.team = st.team
             WHERE s.login_role = referral_crm.acting_user() AND s.active AND ts.queue_id IS NOT NULL) q), '{}');
COMMENT ON FUNCTION referral_crm.my_queue_ids() IS
  'the queues of the acting role''s staff member (the current role outside SECURITY DEFINER functions): its queue memberships and its teams'' queues';

CREATE FUNCTION referral_crm.my_location_ids() RETURNS bigint[]
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN coalesce((
    SELECT pg_catalog.array_agg(DISTINCT l.location_id ORDER BY l.location_id)
      FROM (SELECT s.location_id FROM referral_crm.staff s
             WHERE s.login_role = referral_crm.acting_user() AND s.active AND s.location_id IS NOT NULL
            UNION
            SELECT ts.location_id
              FROM referral_crm.staff s
              JOIN referral_crm.staff_teams st ON st.staff_id = s.staff_id
              JOIN referral_crm.team_scopes ts ON ts.team = st.team
             WHERE s.login_role = referral_crm.acting_user() AND s.active AND ts.location_id IS NOT NULL) l), '{}');
COMMENT ON FUNCTION referral_crm.my_location_ids() IS
  'the locations of the acting role''s staff member (the current role outside SECURITY DEFINER functions): its own location and its teams'' locations';

CREATE VIEW referral_crm.staff_access WITH (security_invoker = true) AS
  SELECT s.login_role, s.staff_id, s.display_name, s.role, s.active,
         coalesce((SELECT pg_catalog.array_agg(st.team ORDER BY st.team)
                     FROM referral_crm.staff_teams st WHERE st.staff_id = s.staff_id), '{}') AS teams,
         coalesce((SELECT pg_catalog.array_agg(DISTINCT q ORDER BY q) FROM (
                     SELECT qm.queue_id FROM referral_crm.queue_members qm WHERE qm.staff_id = s.staff_id
                     UNION SELECT ts.queue_id FROM referral_crm.staff_teams st
                             JOIN referral_crm.team_scopes ts ON ts.team = st.team
                            WHERE st.staff_id = s.staff_id AND ts.queue_id IS NOT NULL) x (q)), '{}') AS queue_ids,
         coalesce((SELECT pg_catalog.array_agg(DISTINCT l ORDER BY l) FROM (
                     SELECT s.location_id WHERE s.location_id IS NOT NULL
                     UNION SELECT ts.location_id FROM referral_crm.staff_teams st
                             JOIN referral_crm.team_scopes ts ON ts.team = st.team
                            WHERE st.staff_id = s.staff_id AND ts.location_id IS NOT NULL) y (l)), '{}') AS location_ids
    FROM referral_crm.staff s
   WHERE s.login_role IS NOT NULL;
COMMENT ON VIEW referral_crm.staff_access IS
  'each login mapped to staff: its teams and the queues and locations whose referrals it sees';

------------------------------------------------------------------------
-- The registry of governed tables
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.governance_roles() RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN ARRAY['referral_crm_admin', 'referral_crm_intake', 'referral_crm_liaison',
               'referral_crm_analyst', 'referral_crm_auditor', 'referral_crm_ingest'];
COMMENT ON FUNCTION referral_crm.governance_roles() IS 'the group roles that setup_roles() creates';

CREATE TABLE referral_crm.governed_tables (
  table_name        regclass PRIMARY KEY,
  policy_family     text NOT NULL CONSTRAINT governed_tables_family CHECK (policy_family IN
                      ('reference', 'referral', 'referral_child', 'patient', 'patient_child',
                       'note_child', 'communication', 'admin_only')),
  patient_data      boolean NOT NULL,
  audited           boolean NOT NULL DEFAULT true,
  sensitive_columns name[] NOT NULL DEFAULT '{}',
  liaison_columns   name[],
  retention         interval CONSTRAINT governed_tables_retention_positive CHECK (retention > interval '0'),
  retention_column  name,
  purge_order       integer NOT NULL DEFAULT 100,
  builtin           boolean NOT NULL DEFAULT false,
  by_default        boolean NOT NULL DEFAULT false,
  CONSTRAINT governed_tables_retention_column CHECK ((retention IS NULL) OR (retention_column IS NOT NULL))
);
COMMENT ON TABLE referral_crm.governed_tables IS
  'every table under governance: its policy family, whether it holds patient data, sensitive columns (hashed in the audit), the columns liaison may read, the retention window';
COMMENT ON COLUMN referral_crm.governed_tables.policy_family IS
  'reference: directory data, no RLS; referral: the referrals table; referral_child: rows of a referral (referral_id); patient: the patients table; patient_child: rows of a patient (patient_id); note_child: rows derived from a note (note_id); communication: communications; admin_only: only the admin role';
COMMENT ON COLUMN referral_crm.governed_tables.by_default IS
  'enrolled by enrol_remaining() as admin_only because nobody classified it; govern_table() clears it';
COMMENT ON COLUMN referral_crm.governed_tables.purge_order IS
  'purge_expired() visits tables in this order: rows that reference others first';

-- A dropped table leaves the registry at once: its OID could come back as
-- another table's, which would inherit its policies and retention.
CREATE FUNCTION referral_crm.governed_table_dropped() RETURNS event_trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
BEGIN
  IF to_regclass('referral_crm.governed_tables') IS NULL THEN
    RETURN;
  END IF;
  DELETE FROM referral_crm.governed_tables g
   USING pg_event_trigger_dropped_objects() d
   WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0 AND g.table_name::oid = d.objid;
END
$$;
COMMENT ON FUNCTION referral_crm.governed_table_dropped() IS
  'event trigger: remove dropped tables from governed_tables';
REVOKE ALL ON FUNCTION referral_crm.governed_table_dropped() FROM PUBLIC;
CREATE EVENT TRIGGER referral_crm_governed_table_dropped ON sql_drop
  EXECUTE FUNCTION referral_crm.governed_table_dropped();

-- Apply the grants of a governed table's family to the roles that exist.
CREATE FUNCTION referral_crm.apply_grants(tbl regclass) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  g referral_crm.governed_tables;
  r text;
BEGIN
  SELECT * INTO g FROM referral_crm.governed_tables t WHERE t.table_name = tbl;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'table % is not governed', tbl
      USING ERRCODE = 'undefined_object', HINT = 'Enrol it with referral_crm.govern_table().';
  END IF;
  FOREACH r IN ARRAY referral_crm.governance_roles() LOOP
    IF EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = r) THEN
      EXECUTE format('REVOKE ALL ON %s FROM %I', tbl, r);
    END IF;
  END LOOP;
  IF EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_admin') THEN
    -- The registry steers purge_expired() and the policies: the admin role
    -- reads it; only the owner changes it (govern_table, set_retention).
    IF tbl = 'referral_crm.governed_tables'::regclass THEN
      EXECUTE format('GRANT SELECT ON %s TO referral_crm_admin', tbl);
    ELSE
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO referral_crm_admin', tbl);
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_intake') THEN
    -- The status history is written by its trigger only (with the
    -- owner's rights): intake reads it.
    IF g.policy_family = 'reference' OR tbl = 'referral_crm.referral_events'::regclass THEN
      EXECUTE format('GRANT SELECT ON %s TO referral_crm_intake', tbl);
    ELSIF g.policy_family <> 'admin_only' THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %s TO referral_crm_intake', tbl);
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_liaison') THEN
    IF g.policy_family = 'reference' THEN
      EXECUTE format('GRANT SELECT ON %s TO referral_crm_liaison', tbl);
    ELSIF g.liaison_columns IS NOT NULL AND g.policy_family <> 'admin_only' THEN
      EXECUTE format('GRANT SELECT (%s) ON %s TO referral_crm_liaison',
                     (SELECT string_agg(quote_ident(c), ', ') FROM unnest(g.liaison_columns) c), tbl);
      IF g.policy_family = 'communication' THEN
        EXECUTE format('GRANT INSERT (%s) ON %s TO referral_crm_liaison',
                       (SELECT string_agg(quote_ident(c), ', ') FROM unnest(g.liaison_columns) c
                         WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = tbl
                                             AND a.attname = c AND a.attidentity <> '')), tbl);
      END IF;
    END IF;
  END IF;
END
$$;

-- Policy expressions: each test evaluated once per query.
CREATE FUNCTION referral_crm.governance_policy_scope(family text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE family
    WHEN 'referral' THEN
      '(referral_crm.id_in(queue_id, (SELECT referral_crm.my_queue_ids()))'
      ' OR ((SELECT cardinality(referral_crm.my_location_ids())) > 0'
      ' AND referral_crm.id_in(target_location_id, (SELECT referral_crm.my_location_ids()))))'
    WHEN 'referral_child' THEN
      '(referral_id IN (SELECT r.referral_id FROM referral_crm.referrals r))'
    WHEN 'patient' THEN
      '(patient_id IN (SELECT r.patient_id FROM referral_crm.referrals r))'
    WHEN 'patient_child' THEN
      '(patient_id IN (SELECT r.patient_id FROM referral_crm.referrals r))'
    WHEN 'note_child' THEN
      '(note_id IN (SELECT n.note_id FROM referral_crm.referral_notes n))'
    WHEN 'communication' THEN
      '(referral_id IN (SELECT r.referral_id FROM referral_crm.referrals r) OR patient_id IN (SELECT r.patient_id FROM referral_crm.referrals r))'
  END;

-- May the acting role attach a referral to this patient?  Only to a
-- patient it already sees (one with a referral in its queues or
-- locations), or to a new one (no referral yet): otherwise inserting a
-- referral would reveal any patient's record.  With the owner's rights,
-- for the role acting (not a role it passes).
CREATE FUNCTION referral_crm.patient_attachable(pid bigint) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC
    SELECT NOT EXISTS (SELECT 1 FROM referral_crm.referrals r WHERE r.patient_id = pid)
        OR EXISTS (SELECT 1 FROM referral_crm.referrals r
                    WHERE r.patient_id = pid
                      AND (referral_crm.id_in(r.queue_id, referral_crm.my_queue_ids())
                           OR referral_crm.id_in(r.target_location_id, referral_crm.my_location_ids())));
  END;
COMMENT ON FUNCTION referral_crm.patient_attachable(bigint) IS
  'may the acting role attach a referral to this patient (one it already sees through its queues or locations, or one with no referral yet)?';
REVOKE ALL ON FUNCTION referral_crm.patient_attachable(bigint) FROM PUBLIC;

-- (Re)create the policies of a governed table for the roles that exist.
-- Each policy applies TO one group role, so that a role is never checked
-- against (nor needs privileges for) another role's policy.
CREATE FUNCTION referral_crm.apply_policies(tbl regclass) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  g referral_crm.governed_tables;
  scope text;
  p record;
BEGIN
  SELECT * INTO g FROM referral_crm.governed_tables t WHERE t.table_name = tbl;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'table % is not governed', tbl
      USING ERRCODE = 'undefined_object', HINT = 'Enrol it with referral_crm.govern_table().';
  END IF;
  scope := referral_crm.governance_policy_scope(g.policy_family);
  FOR p IN SELECT pol.polname FROM pg_policy pol WHERE pol.polrelid = tbl AND pol.polname LIKE 'governance\_%' LOOP
    EXECUTE format('DROP POLICY %I ON %s', p.polname, tbl);
  END LOOP;
  IF g.policy_family = 'reference' THEN
    RETURN;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_admin') THEN
    EXECUTE format('CREATE POLICY governance_admin ON %s TO referral_crm_admin USING (true) WITH CHECK (true)', tbl);
  END IF;
  IF scope IS NOT NULL AND EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_intake') THEN
    EXECUTE format('CREATE POLICY governance_intake_read ON %s FOR SELECT TO referral_crm_intake USING %s', tbl, scope);
    EXECUTE format('CREATE POLICY governance_intake_insert ON %s FOR INSERT TO referral_crm_intake WITH CHECK %s', tbl,
                   CASE WHEN g.policy_family = 'patient' THEN '(true)'
                        WHEN g.policy_family = 'referral' THEN '(' || scope || ' AND referral_crm.patient_attachable(patient_id))'
                        ELSE scope END);
    EXECUTE format('CREATE POLICY governance_intake_update ON %s FOR UPDATE TO referral_crm_intake USING %s WITH CHECK %s',
                   tbl, scope, CASE WHEN g.policy_family = 'referral'
                                    THEN '(' || scope || ' AND referral_crm.patient_attachable(patient_id))' ELSE scope END);
  END IF;
  IF g.liaison_columns IS NOT NULL AND g.policy_family <> 'admin_only'
     AND EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_liaison') THEN
    IF g.policy_family = 'communication' THEN
      EXECUTE format('CREATE POLICY governance_liaison_read ON %s FOR SELECT TO referral_crm_liaison '
                     'USING (party <> ''patient'' AND patient_id IS NULL)', tbl);
      EXECUTE format('CREATE POLICY governance_liaison_insert ON %s FOR INSERT TO referral_crm_liaison '
                     'WITH CHECK (party <> ''patient'' AND patient_id IS NULL)', tbl);
    ELSE
      EXECUTE format('CREATE POLICY governance_liaison_read ON %s FOR SELECT TO referral_crm_liaison USING (true)', tbl);
    END IF;
  END IF;
END
$$;

-- Enrol a table: registry, row-level security, policies, audit trigger, grants.
CREATE FUNCTION referral_crm.govern_table(
    tbl regclass,
    family text,
    sensitive_columns name[] DEFAULT '{}',
    liaison_columns name[] DEFAULT NULL,
    retention interval DEFAULT NULL,
    retention_column name DEFAULT NULL,
    purge_order integer DEFAULT 100,
    patient_data boolean DEFAULT NULL,
    audited boolean DEFAULT true)
  RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  is_patient boolean := coalesce(patient_data, family NOT IN ('reference'));
  c name;
  args text;
  is_builtin boolean;
BEGIN
  IF tbl IS NULL OR family IS NULL THEN
    RAISE EXCEPTION 'govern_table needs a table and a policy family'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF family NOT IN ('reference', 'referral', 'referral_child', 'patient', 'patient_child', 'note_child', 'communication', 'admin_only') THEN
    RAISE EXCEPTION 'unknown policy family "%"', family
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'The families are reference, referral, referral_child, patient, patient_child, note_child, communication and admin_only.';
  END IF;
  IF (SELECT k.relkind FROM pg_class k WHERE k.oid = tbl) NOT IN ('r', 'p') THEN
    RAISE EXCEPTION '% is not a table', tbl USING ERRCODE = 'wrong_object_type';
  END IF;
  IF (SELECT k.relpersistence FROM pg_class k WHERE k.oid = tbl) = 't' THEN
    RAISE EXCEPTION 'a temporary table cannot be governed' USING ERRCODE = 'wrong_object_type',
      DETAIL = format('%s lives only as long as its session.', tbl);
  END IF;
  IF (SELECT n.nspname FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace WHERE k.oid = tbl)
       IN ('referral_crm_audit', 'pg_catalog', 'information_schema') THEN
    RAISE EXCEPTION 'table % cannot be governed', tbl USING ERRCODE = 'wrong_object_type',
      DETAIL = 'The audit trail and the system catalogs keep their own rules.';
  END IF;
  IF family = 'reference' AND is_patient THEN
    RAISE EXCEPTION 'a table with patient data cannot be in the reference family'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Use referral_child, patient_child or admin_only.';
  END IF;
  FOREACH c IN ARRAY coalesce(sensitive_columns, '{}') || coalesce(liaison_columns, '{}')
                     || CASE WHEN retention_column IS NULL THEN '{}'::name[] ELSE ARRAY[retention_column] END
                     || CASE family WHEN 'referral' THEN ARRAY['queue_id', 'target_location_id']::name[]
                                    WHEN 'referral_child' THEN ARRAY['referral_id']::name[]
                                    WHEN 'patient' THEN ARRAY['patient_id']::name[]
                                    WHEN 'patient_child' THEN ARRAY['patient_id']::name[]
                                    WHEN 'note_child' THEN ARRAY['note_id']::name[]
                                    WHEN 'communication' THEN ARRAY['referral_id', 'patient_id', 'party']::name[]
                                    ELSE '{}'::name[] END LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = c
                      AND a.attnum > 0 AND NOT a.attisdropped) THEN
      RAISE EXCEPTION 'table % has no column "%"', tbl, c
        USING ERRCODE = 'undefined_column',
              HINT = 'Sensitive, liaison and retention columns must exist; family ' || family || ' needs its key columns.';
    END IF;
  END LOOP;
  IF retention IS NOT NULL AND retention_column IS NULL THEN
    RAISE EXCEPTION 'a retention window needs a retention column'
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Name the timestamp column that ages the row, e.g. updated_at.';
  END IF;
  IF retention_column IS NOT NULL AND (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = retention_column)
       NOT IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype) THEN
    RAISE EXCEPTION 'retention column "%" of % is not a date or timestamp', retention_column, tbl
      USING ERRCODE = 'datatype_mismatch';
  END IF;
  is_builtin := EXISTS (SELECT 1 FROM pg_depend d
                         WHERE d.classid = 'pg_class'::regclass AND d.objid = tbl AND d.deptype = 'e'
                           AND d.refobjid = (SELECT e.oid FROM pg_extension e WHERE e.extname = 'referral_crm'));

  INSERT INTO referral_crm.governed_tables AS g
         (table_name, policy_family, patient_data, audited, sensitive_columns, liaison_columns,
          retention, retention_column, purge_order, builtin)
  VALUES (tbl, family, is_patient, audited, coalesce(sensitive_columns, '{}'), liaison_columns,
          retention, retention_column, purge_order, is_builtin)
  ON CONFLICT (table_name) DO UPDATE
     SET policy_family = EXCLUDED.policy_family, patient_data = EXCLUDED.patient_data,
         audited = EXCLUDED.audited, sensitive_columns = EXCLUDED.sensitive_columns,
         liaison_columns = EXCLUDED.liaison_columns, retention = EXCLUDED.retention,
         retention_column = EXCLUDED.retention_column, purge_order = EXCLUDED.purge_order,
         by_default = false;

  -- Row-level security and the family's policies.
  IF family = 'reference' THEN
    EXECUTE format('ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s DISABLE ROW LEVEL SECURITY', tbl);
  ELSE
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  END IF;
  PERFORM referral_crm.apply_policies(tbl);

  -- The audit trigger: one per event, statement level, with transition tables.
  EXECUTE format('DROP TRIGGER IF EXISTS audit_insert ON %s', tbl);
  EXECUTE format('DROP TRIGGER IF EXISTS audit_update ON %s', tbl);
  EXECUTE format('DROP TRIGGER IF EXISTS audit_delete ON %s', tbl);
  EXECUTE format('DROP TRIGGER IF EXISTS audit_truncate ON %s', tbl);
  IF audited THEN
    args := (SELECT string_agg(quote_literal(s), ', ' ORDER BY s) FROM unnest(coalesce(sensitive_columns, '{}')) s);
    EXECUTE format('CREATE TRIGGER audit_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS audit_new '
                   'FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.audit_capture(%s)', tbl, coalesce(args, ''));
    EXECUTE format('CREATE TRIGGER audit_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS audit_old NEW TABLE AS audit_new '
                   'FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.audit_capture(%s)', tbl, coalesce(args, ''));
    EXECUTE format('CREATE TRIGGER audit_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS audit_old '
                   'FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.audit_capture(%s)', tbl, coalesce(args, ''));
    EXECUTE format('CREATE TRIGGER audit_truncate AFTER TRUNCATE ON %s '
                   'FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.audit_capture()', tbl);
  END IF;
  PERFORM referral_crm.apply_grants(tbl);
END
$$;
COMMENT ON FUNCTION referral_crm.govern_table(regclass, text, name[], name[], interval, name, integer, boolean, boolean) IS
  'put a table under governance: registry row, RLS enabled and forced with the family''s policies, the C audit trigger, role grants; idempotent';

-- Change the retention window of a governed table.
CREATE FUNCTION referral_crm.set_retention(tbl regclass, retention interval, retention_column name DEFAULT NULL)
  RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  g referral_crm.governed_tables;
BEGIN
  SELECT * INTO g FROM referral_crm.governed_tables t WHERE t.table_name = tbl;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'table % is not governed', tbl
      USING ERRCODE = 'undefined_object', HINT = 'Enrol it with referral_crm.govern_table().';
  END IF;
  PERFORM referral_crm.govern_table(tbl, g.policy_family, g.sensitive_columns, g.liaison_columns,
                                    retention, coalesce(retention_column, g.retention_column),
                                    g.purge_order, g.patient_data, g.audited);
END
$$;

-- Secure default for tables nobody classified: every table of the schema
-- that is not governed yet is enrolled as admin_only (patient data, RLS
-- forced, audited) and marked by_default, which governance_check()
-- reports.  Returns the tables it enrolled.
CREATE FUNCTION referral_crm.enrol_remaining() RETURNS SETOF regclass
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  t regclass;
BEGIN
  FOR t IN SELECT c.oid::regclass
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'referral_crm' AND c.relkind = 'r' AND NOT c.relispartition
              AND NOT EXISTS (SELECT 1 FROM referral_crm.governed_tables g WHERE g.table_name = c.oid)
            ORDER BY c.relname LOOP
    PERFORM referral_crm.govern_table(t, 'admin_only');
    UPDATE referral_crm.governed_tables g SET by_default = true WHERE g.table_name = t;
    RETURN NEXT t;
  END LOOP;
END
$$;
COMMENT ON FUNCTION referral_crm.enrol_remaining() IS
  'enrol every table of the schema not yet governed as admin_only (secure default); classify them with govern_table()';
