-- src/governance/services.sql
-- Pseudonymous tokens and their key, the analyst's suppressed views, read
-- tracing, legal holds and retention, disclosures to partners, the
-- permission review, the governance check and setup_roles().

\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit

------------------------------------------------------------------------
-- Pseudonym key (admin only)
------------------------------------------------------------------------

CREATE TABLE referral_crm.pseudonym_keys (
  key_id     integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key        bytea NOT NULL CONSTRAINT pseudonym_keys_length CHECK (length(key) BETWEEN 16 AND 64),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL DEFAULT session_user,
  retired_at timestamptz
);
COMMENT ON TABLE referral_crm.pseudonym_keys IS
  'HMAC keys of pseudonym(); the one with retired_at NULL is current.  Readable by referral_crm_admin only';
CREATE UNIQUE INDEX pseudonym_keys_one_current ON referral_crm.pseudonym_keys ((true)) WHERE retired_at IS NULL;
SELECT pg_catalog.pg_extension_config_dump('referral_crm.pseudonym_keys', '');
SELECT pg_catalog.pg_extension_config_dump(
  pg_catalog.pg_get_serial_sequence('referral_crm.pseudonym_keys', 'key_id')::regclass, '');

-- New current key; every token changes.  Returns the new key_id.
CREATE FUNCTION referral_crm.rotate_pseudonym_key() RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  k integer;
BEGIN
  UPDATE referral_crm.pseudonym_keys SET retired_at = now() WHERE retired_at IS NULL;
  INSERT INTO referral_crm.pseudonym_keys (key) VALUES (referral_crm.random_key()) RETURNING key_id INTO k;
  PERFORM referral_crm.audit_event('KEY_ROTATE', 'referral_crm.pseudonym_keys',
                                   jsonb_build_object('key_id', k), NULL);
  RETURN k;
END
$$;
COMMENT ON FUNCTION referral_crm.rotate_pseudonym_key() IS
  'retire the current pseudonym key and make a new random one (every token changes); admin only';

------------------------------------------------------------------------
-- Analyst views: pseudonymised, counts of 1 to 10 suppressed
------------------------------------------------------------------------

-- One grain only (month x referrer token x specialty) and no margins, so
-- that no suppressed cell can be recovered by subtraction.
CREATE FUNCTION referral_crm.analytics_referral_flow_rows()
  RETURNS TABLE (month date, referrer_token text, target_specialty text,
                 referrals bigint, visits_completed bigint, completion_pct numeric)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC
    SELECT g.month, referral_crm.pseudonym(g.referrer, 'referrer'), g.target_specialty,
           CASE WHEN g.n BETWEEN 1 AND 10 THEN NULL ELSE g.n END,
           CASE WHEN g.n BETWEEN 1 AND 10 OR g.done BETWEEN 1 AND 10 OR g.n - g.done BETWEEN 1 AND 10
                THEN NULL ELSE g.done END,
           CASE WHEN g.n BETWEEN 1 AND 10 OR g.done BETWEEN 1 AND 10 OR g.n - g.done BETWEEN 1 AND 10
                THEN NULL ELSE round(100.0 * g.done / g.n, 1) END
      FROM (SELECT date_trunc('month', r.authored_at AT TIME ZONE 'UTC')::date AS month,
                   coalesce('npi:' || r.referring_npi, 'clinician:' || r.referring_clinician_id,
                            'name:' || lower(r.referring_name), 'unknown') AS referrer,
                   coalesce(r.target_specialty, 'unknown') AS target_specialty,
                   count(*) AS n,
                   count(*) FILTER (WHERE r.stage = 'visit-completed') AS done
              FROM referral_crm.referrals r
             GROUP BY 1, 2, 3) g
     ORDER BY 1, 3, 2;
  END;
COMMENT ON FUNCTION referral_crm.analytics_referral_flow_rows() IS
  'rows of analytics_referral_flow (definer: reads referrals, returns only suppressed aggregates)';

CREATE VIEW referral_crm.analytics_referral_flow WITH (security_invoker = true) AS
  SELECT * FROM referral_crm.analytics_referral_flow_rows();
COMMENT ON VIEW referral_crm.analytics_referral_flow IS
  'referrals per month, referrer token and specialty; counts from 1 to 10, and what they can be derived from, are NULL';

------------------------------------------------------------------------
-- Read tracing: open a referral or a patient record
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.open_referral(id bigint) RETURNS SETOF referral_crm.referrals
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  r referral_crm.referrals;
BEGIN
  FOR r IN SELECT * FROM referral_crm.referrals x WHERE x.referral_id = id LOOP
    PERFORM referral_crm.audit_read('referral_crm.referrals', jsonb_build_object('referral_id', r.referral_id), NULL);
    RETURN NEXT r;
  END LOOP;
END
$$;
COMMENT ON FUNCTION referral_crm.open_referral(bigint) IS
  'the referral, if the current role may see it, with an audit entry of the view';

CREATE FUNCTION referral_crm.open_patient(id bigint) RETURNS SETOF referral_crm.patients
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  p referral_crm.patients;
BEGIN
  FOR p IN SELECT * FROM referral_crm.patients x WHERE x.patient_id = id LOOP
    PERFORM referral_crm.audit_read('referral_crm.patients', jsonb_build_object('patient_id', p.patient_id), NULL);
    RETURN NEXT p;
  END LOOP;
END
$$;
COMMENT ON FUNCTION referral_crm.open_patient(bigint) IS
  'the patient record, if the current role may see it, with an audit entry of the view';

------------------------------------------------------------------------
-- Legal holds and retention
------------------------------------------------------------------------

CREATE TABLE referral_crm.legal_holds (
  hold_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  patient_id  bigint,
  referral_id bigint,
  reason      text NOT NULL CONSTRAINT legal_holds_reason_nonempty CHECK (reason <> ''),
  placed_by   text NOT NULL DEFAULT session_user,
  placed_at   timestamptz NOT NULL DEFAULT now(),
  released_at timestamptz,
  CONSTRAINT legal_holds_one_subject CHECK (num_nonnulls(patient_id, referral_id) = 1)
);
COMMENT ON TABLE referral_crm.legal_holds IS
  'records that purge_expired() must keep: all of a patient''s, or one referral''s (with its notes, events, tasks ...)';
CREATE INDEX legal_holds_patient_idx ON referral_crm.legal_holds (patient_id) WHERE released_at IS NULL;
CREATE INDEX legal_holds_referral_idx ON referral_crm.legal_holds (referral_id) WHERE released_at IS NULL;
SELECT pg_catalog.pg_extension_config_dump('referral_crm.legal_holds', '');
SELECT pg_catalog.pg_extension_config_dump(
  pg_catalog.pg_get_serial_sequence('referral_crm.legal_holds', 'hold_id')::regclass, '');

-- The predicate "row t is under a legal hold" for a table's columns.
CREATE FUNCTION referral_crm.hold_predicate(tbl regclass) RETURNS text
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  has_patient boolean := EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = 'patient_id' AND NOT a.attisdropped);
  has_referral boolean := EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = 'referral_id' AND NOT a.attisdropped);
  pred text := 'false';
BEGIN
  IF has_patient THEN
    pred := pred || ' OR t.patient_id IN (SELECT h.patient_id FROM referral_crm.legal_holds h WHERE h.released_at IS NULL AND h.patient_id IS NOT NULL)'
                 || ' OR t.patient_id IN (SELECT r.patient_id FROM referral_crm.referrals r JOIN referral_crm.legal_holds h ON h.referral_id = r.referral_id WHERE h.released_at IS NULL)';
  END IF;
  IF has_referral THEN
    pred := pred || ' OR t.referral_id IN (SELECT h.referral_id FROM referral_crm.legal_holds h WHERE h.released_at IS NULL AND h.referral_id IS NOT NULL)'
                 || ' OR t.referral_id IN (SELECT r.referral_id FROM referral_crm.referrals r JOIN referral_crm.legal_holds h ON h.patient_id = r.patient_id WHERE h.released_at IS NULL)';
  END IF;
  RETURN '(' || pred || ')';
END
$$;

-- "no row of another table still references row t" (foreign keys that restrict).
CREATE FUNCTION referral_crm.unreferenced_predicate(tbl regclass) RETURNS text
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC
    SELECT coalesce(string_agg(format('NOT EXISTS (SELECT 1 FROM %s c WHERE %s)', c.conrelid::regclass,
                    (SELECT string_agg(format('c.%I = t.%I', ca.attname, pa.attname), ' AND ')
                       FROM unnest(c.conkey, c.confkey) AS k (ck, pk)
                       JOIN pg_attribute ca ON ca.attrelid = c.conrelid AND ca.attnum = k.ck
                       JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = k.pk)),
                    ' AND ' ORDER BY c.conname), 'true')
      FROM pg_constraint c
     WHERE c.contype = 'f' AND c.confrelid = tbl AND c.confdeltype IN ('a', 'r');
  END;

-- May purge_expired() delete from tbl by its retention column?  The table
-- must exist, be a permanent table of the owner of purge_expired (whose
-- rights the DELETE runs with), outside referral_crm_audit, and its
-- retention column a date or timestamp.
CREATE FUNCTION referral_crm.purgeable(tbl regclass, retention_column name) RETURNS boolean
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
  RETURN EXISTS (
    SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = retention_column AND a.attnum > 0 AND NOT a.attisdropped
     WHERE c.oid = tbl AND c.relkind IN ('r', 'p') AND c.relpersistence = 'p'
       AND n.nspname NOT IN ('referral_crm_audit', 'pg_catalog', 'information_schema')
       AND c.relowner = (SELECT p.proowner FROM pg_proc p
                          WHERE p.proname = 'purge_expired' AND p.pronamespace = 'referral_crm'::regnamespace)
       AND a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype));
COMMENT ON FUNCTION referral_crm.purgeable(regclass, name) IS
  'may purge_expired() purge this table by this column (a permanent table of the extension''s owner, outside the audit schema, a date or timestamp column)?';

-- Delete what has expired and is not under a legal hold.
CREATE FUNCTION referral_crm.purge_expired(dry_run boolean DEFAULT false)
  RETURNS TABLE (table_name text, cutoff timestamptz, purged bigint, held bigint, still_referenced bigint)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  g record;
  expired text;
  hold text;
  unref text;
  n bigint;
  trg record;
  disabled text[];
BEGIN
  PERFORM referral_crm.audit_suppress_values(true);
  -- Only tables this function's owner owns, outside the audit schema, with
  -- a date or timestamp retention column: the DELETE runs with the owner's
  -- rights, and another owner's triggers on its table would run with them.
  FOR g IN SELECT * FROM referral_crm.governed_tables x
            WHERE x.retention IS NOT NULL ORDER BY x.purge_order, x.table_name::text LOOP
    IF NOT referral_crm.purgeable(g.table_name, g.retention_column) THEN
      RAISE WARNING 'purge_expired skips %', g.table_name
        USING DETAIL = 'Only tables that the extension''s owner owns, outside referral_crm_audit, with a date or timestamp retention column are purged.',
              HINT = 'governance_check() lists such tables as retention_not_purgeable.';
      CONTINUE;
    END IF;
    table_name := g.table_name::text;
    cutoff := now() - g.retention;
    expired := format('t.%I < %L', g.retention_column, cutoff);
    hold := referral_crm.hold_predicate(g.table_name);
    unref := referral_crm.unreferenced_predicate(g.table_name);
    EXECUTE format('SELECT count(*) FILTER (WHERE %s), count(*) FILTER (WHERE NOT %s AND NOT (%s)) FROM %s t WHERE %s',
                   hold, hold, unref, g.table_name, expired)
       INTO held, still_referenced;
    purged := 0;
    IF NOT dry_run THEN
      -- append-only tables (event histories) give way to retention only
      disabled := '{}';
      FOR trg IN SELECT t.tgname FROM pg_trigger t
                  WHERE t.tgrelid = g.table_name AND t.tgenabled <> 'D'
                    AND t.tgfoid = 'referral_crm.append_only()'::regprocedure LOOP
        EXECUTE format('ALTER TABLE %s DISABLE TRIGGER %I', g.table_name, trg.tgname);
        disabled := disabled || trg.tgname::text;
      END LOOP;
      EXECUTE format('DELETE FROM %s t WHERE %s AND NOT %s AND %s', g.table_name, expired, hold, unref);
      GET DIAGNOSTICS n = ROW_COUNT;
      purged := n;
      FOR i IN 1 .. coalesce(array_length(disabled, 1), 0) LOOP
        EXECUTE format('ALTER TABLE %s ENABLE TRIGGER %I', g.table_name, disabled[i]);
      END LOOP;
      IF n > 0 THEN
        PERFORM referral_crm.audit_event('PURGE', g.table_name::text, NULL,
                  jsonb_build_object('rows', n, 'cutoff', cutoff, 'retention', g.retention::text, 'held', held));
      END IF;
    ELSE
      EXECUTE format('SELECT count(*) FROM %s t WHERE %s AND NOT %s AND %s', g.table_name, expired, hold, unref)
         INTO purged;
    END IF;
    RETURN NEXT;
  END LOOP;
  PERFORM referral_crm.audit_suppress_values(false);
END
$$;
COMMENT ON FUNCTION referral_crm.purge_expired(boolean) IS
  'delete the rows whose retention window has passed, except those under a legal hold or still referenced; audit entries keep only the keys';

-- Audit entries older than the retention of the audit trail (at least 6
-- years).  The chain stays verifiable: each chain's new start is recorded
-- in audit_chain_floors and vouched for by an AUDIT_PURGE entry.
CREATE FUNCTION referral_crm.purge_audit(older_than interval DEFAULT interval '6 years')
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp SET session_replication_role = replica AS
$$
DECLARE
  cut timestamptz := now() - older_than;
  n bigint := 0;
  floors jsonb;
BEGIN
  IF older_than IS NULL OR older_than < interval '6 years' THEN
    RAISE EXCEPTION 'audit entries are kept for at least 6 years'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'HIPAA (45 CFR 164.316(b)(2)) asks for six years; pass interval ''6 years'' or more.';
  END IF;
  -- per chain (not the checkpoint chain): the last entry older than the cut
  CREATE TEMP TABLE gov_floor ON COMMIT DROP AS
  SELECT DISTINCT ON (l.chain_id) l.chain_id, l.seq, l.hash
    FROM referral_crm_audit.audit_log l
   WHERE l.chain_id > 0 AND l.logged_at < cut
   ORDER BY l.chain_id, l.seq DESC;
  SELECT jsonb_agg(jsonb_build_array(f.chain_id, f.seq, encode(f.hash, 'hex')) ORDER BY f.chain_id)
    INTO floors FROM pg_temp.gov_floor f;
  IF floors IS NULL THEN
    RETURN 0;
  END IF;
  PERFORM referral_crm.audit_event('AUDIT_PURGE', 'referral_crm_audit.audit_log', NULL,
                                   jsonb_build_object('before', cut, 'floors', floors));
  DELETE FROM referral_crm_audit.audit_log l USING pg_temp.gov_floor f
   WHERE l.chain_id = f.chain_id AND l.seq <= f.seq;
  GET DIAGNOSTICS n = ROW_COUNT;
  INSERT INTO referral_crm_audit.audit_chain_floors AS x (chain_id, floor_seq, floor_hash, purged_at)
  SELECT f.chain_id, f.seq, f.hash, now() FROM pg_temp.gov_floor f
  ON CONFLICT (chain_id) DO UPDATE SET floor_seq = EXCLUDED.floor_seq, floor_hash = EXCLUDED.floor_hash,
                                       purged_at = EXCLUDED.purged_at;
  RETURN n;
END
$$;
COMMENT ON FUNCTION referral_crm.purge_audit(interval) IS
  'delete audit entries older than the given age (6 years at least); the remaining chains still verify';

------------------------------------------------------------------------
-- Disclosures to external partners
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.disclosable_columns() RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN ARRAY['referral_id', 'authored_at', 'needed_by', 'referring_npi', 'referring_name', 'target_specialty',
               'target_npi', 'priority', 'reason', 'diagnosis_codes', 'status', 'stage', 'referral_number',
               'prior_auth_number', 'patient_pseudo_key', 'patient_given_name', 'patient_family_name',
               'patient_birth_date', 'patient_sex', 'patient_zip', 'patient_phone'];

CREATE TABLE referral_crm.partners (
  partner         text PRIMARY KEY CONSTRAINT partners_code_format CHECK (partner ~ '^[a-z0-9]+([-_][a-z0-9]+)*$'),
  display_name    text NOT NULL,
  allowed_columns text[] NOT NULL
                  CONSTRAINT partners_columns_known CHECK (allowed_columns <@ referral_crm.disclosable_columns()),
  purposes        text[] NOT NULL CONSTRAINT partners_purposes_nonempty CHECK (cardinality(purposes) > 0),
  agreement       text,
  active          boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE referral_crm.partners IS
  'external partners: the columns each may receive and the purposes (e.g. treatment, payment, operations) of its agreement';
SELECT pg_catalog.pg_extension_config_dump('referral_crm.partners', '');

CREATE TABLE referral_crm.disclosures (
  disclosure_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partner       text NOT NULL,
  purpose       text NOT NULL,
  disclosed_at  timestamptz NOT NULL DEFAULT now(),
  disclosed_by  text NOT NULL,
  staff_id      bigint,
  columns       text[] NOT NULL,
  referral_ids  bigint[] NOT NULL,
  patient_ids   bigint[] NOT NULL
);
COMMENT ON TABLE referral_crm.disclosures IS
  'accounting of disclosures (45 CFR 164.528): what went to which partner, for what purpose, by whom';
SELECT pg_catalog.pg_extension_config_dump('referral_crm.disclosures', '');
SELECT pg_catalog.pg_extension_config_dump(
  pg_catalog.pg_get_serial_sequence('referral_crm.disclosures', 'disclosure_id')::regclass, '');

-- The partner's columns for a purpose, or an error.
CREATE FUNCTION referral_crm.partner_columns(partner text, purpose text) RETURNS text[]
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  p referral_crm.partners;
BEGIN
  SELECT * INTO p FROM referral_crm.partners x WHERE x.partner = partner_columns.partner;
  IF NOT FOUND OR NOT p.active THEN
    RAISE EXCEPTION 'no active sharing agreement with partner "%"', partner
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'An administrator registers the partner in referral_crm.partners.';
  END IF;
  IF NOT (purpose = ANY (p.purposes)) THEN
    RAISE EXCEPTION 'partner "%" may not receive data for purpose "%"', partner, purpose
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'The agreement allows: ' || array_to_string(p.purposes, ', ') || '.';
  END IF;
  RETURN p.allowed_columns;
END
$$;

CREATE FUNCTION referral_crm.record_disclosure(partner text, purpose text, columns text[],
                                               referral_ids bigint[], patient_ids bigint[])
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  d bigint;
BEGIN
  INSERT INTO referral_crm.disclosures (partner, purpose, staff_id, columns, referral_ids, patient_ids, disclosed_by)
  VALUES (partner, purpose,
          (SELECT s.staff_id FROM referral_crm.staff s WHERE s.login_role = referral_crm.acting_user()),
          columns, coalesce(referral_ids, '{}'), coalesce(patient_ids, '{}'), referral_crm.acting_user())
  RETURNING disclosure_id INTO d;
  PERFORM referral_crm.audit_event('DISCLOSE', 'referral_crm.referrals',
            jsonb_build_object('disclosure_id', d),
            jsonb_build_object('partner', partner, 'purpose', purpose, 'columns', to_jsonb(columns),
                               'referral_ids', to_jsonb(coalesce(referral_ids, '{}'))));
  RETURN d;
END
$$;

-- The referrals (that the caller may see) with the partner's columns only.
CREATE FUNCTION referral_crm.export_for_partner(partner text, purpose text, referral_ids bigint[])
  RETURNS SETOF jsonb
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  cols text[] := referral_crm.partner_columns(partner, purpose);
  docs jsonb[];
  rids bigint[];
  pids bigint[];
BEGIN
  SELECT array_agg(q.doc ORDER BY q.referral_id), array_agg(q.referral_id ORDER BY q.referral_id),
         array_agg(DISTINCT q.patient_id)
    INTO docs, rids, pids
    FROM (SELECT r.referral_id, r.patient_id,
                 (SELECT jsonb_object_agg(e.key, e.value ORDER BY e.key)
                    FROM jsonb_each(jsonb_build_object(
                           'referral_id', r.referral_id, 'authored_at', r.authored_at, 'needed_by', r.needed_by,
                           'referring_npi', r.referring_npi, 'referring_name', r.referring_name,
                           'target_specialty', r.target_specialty, 'target_npi', r.target_npi, 'priority', r.priority,
                           'reason', r.reason, 'diagnosis_codes', r.diagnosis_codes, 'status', r.status, 'stage', r.stage,
                           'referral_number', r.referral_number, 'prior_auth_number', r.prior_auth_number,
                           'patient_pseudo_key', p.pseudo_key, 'patient_given_name', p.given_name,
                           'patient_family_name', p.family_name, 'patient_birth_date', p.birth_date,
                           'patient_sex', p.sex, 'patient_zip', p.zip, 'patient_phone', p.phone)) e
                   WHERE e.key = ANY (cols)) AS doc
            FROM referral_crm.referrals r
            LEFT JOIN referral_crm.patients p ON p.patient_id = r.patient_id
           WHERE r.referral_id = ANY (referral_ids)) q;
  IF rids IS NULL THEN
    RETURN;
  END IF;
  PERFORM referral_crm.record_disclosure(partner, purpose, cols, rids, pids);
  RETURN QUERY SELECT d FROM unnest(docs) d;
END
$$;
COMMENT ON FUNCTION referral_crm.export_for_partner(text, text, bigint[]) IS
  'the requested referrals the caller may see, as jsonb with only the partner''s allowed columns; records the disclosure';

------------------------------------------------------------------------
-- Review
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.permission_review()
  RETURNS TABLE (login name, object text, object_type text, privileges text[], via text[], rows_seen text)
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC
    WITH logins AS (
      SELECT r.oid, r.rolname, r.rolsuper, r.rolbypassrls,
             ARRAY(SELECT g.rolname::text FROM pg_roles g
                    WHERE g.rolname = ANY (referral_crm.governance_roles()) AND g.oid <> r.oid
                      AND pg_has_role(r.oid, g.oid, 'MEMBER') ORDER BY g.rolname) AS via
        FROM pg_roles r WHERE r.rolcanlogin),
    rels AS (
      SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS object,
             CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
                            WHEN 'm' THEN 'materialized view' ELSE 'sequence' END AS object_type,
             c.relkind, c.relrowsecurity
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('referral_crm', 'referral_crm_audit') AND c.relkind IN ('r', 'p', 'v', 'm', 'S')),
    funcs AS (
      SELECT p.oid, p.oid::regprocedure::text AS object
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname = 'referral_crm' AND NOT has_function_privilege('public', p.oid, 'EXECUTE'))
    SELECT l.rolname, '*', 'superuser', ARRAY['ALL'], l.via, 'all'
      FROM logins l WHERE l.rolsuper
    UNION ALL
    SELECT l.rolname, x.object, x.object_type, x.privs, l.via,
           CASE WHEN x.relkind NOT IN ('r', 'p') THEN NULL
                WHEN x.relrowsecurity AND NOT l.rolbypassrls THEN 'row-level security applies'
                ELSE 'all' END
      FROM logins l
     CROSS JOIN LATERAL (
       SELECT rl.object, rl.object_type, rl.relkind, rl.relrowsecurity,
              CASE WHEN rl.relkind = 'S'
                   THEN ARRAY(SELECT pr FROM unnest(ARRAY['USAGE', 'SELECT', 'UPDATE']) pr
                               WHERE has_sequence_privilege(l.oid, rl.oid, pr))
                   ELSE ARRAY(SELECT pr FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE',
                                                           'REFERENCES', 'TRIGGER']) pr
                               WHERE has_table_privilege(l.oid, rl.oid, pr))
                        || ARRAY(SELECT pr || ' (some columns)' FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE']) pr
                                  WHERE NOT has_table_privilege(l.oid, rl.oid, pr)
                                    AND has_any_column_privilege(l.oid, rl.oid, pr)) END AS privs
         FROM rels rl) x
     WHERE NOT l.rolsuper AND cardinality(x.privs) > 0
    UNION ALL
    SELECT l.rolname, f.object, 'function', ARRAY['EXECUTE'], l.via, NULL
      FROM logins l CROSS JOIN funcs f
     WHERE NOT l.rolsuper AND has_function_privilege(l.oid, f.oid, 'EXECUTE')
    ORDER BY 1, 3, 2;
  END;
COMMENT ON FUNCTION referral_crm.permission_review() IS
  'each login''s effective rights on every object of the extension (restricted functions included), the group roles they come through, and whether row-level security filters its rows';

CREATE FUNCTION referral_crm.governance_check()
  RETURNS TABLE (severity text, finding text, object text, detail text)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  r record;
BEGIN
  IF current_setting('ssl') <> 'on' THEN
    severity := 'high'; finding := 'ssl_off'; object := 'ssl';
    detail := 'The server accepts no TLS connections: patient data crosses the network in clear text (45 CFR 164.312(e)).';
    RETURN NEXT;
  END IF;
  IF current_setting('password_encryption') <> 'scram-sha-256' THEN
    severity := 'high'; finding := 'weak_password_encryption'; object := 'password_encryption';
    detail := format('password_encryption is %s, not scram-sha-256.', current_setting('password_encryption'));
    RETURN NEXT;
  END IF;
  FOR r IN SELECT g.table_name::text AS t, c.relrowsecurity, c.relforcerowsecurity
             FROM referral_crm.governed_tables g JOIN pg_class c ON c.oid = g.table_name
            WHERE g.patient_data AND NOT (c.relrowsecurity AND c.relforcerowsecurity) ORDER BY 1 LOOP
    severity := 'critical'; finding := 'patient_table_without_rls'; object := r.t;
    detail := format('Row-level security is %s and %s.', CASE WHEN r.relrowsecurity THEN 'enabled' ELSE 'disabled' END,
                     CASE WHEN r.relforcerowsecurity THEN 'forced' ELSE 'not forced' END);
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT g.table_name::text AS t FROM referral_crm.governed_tables g
            WHERE g.audited AND (SELECT count(*) FROM pg_trigger t
                                  WHERE t.tgrelid = g.table_name AND t.tgenabled <> 'D'
                                    AND t.tgfoid = 'referral_crm.audit_capture()'::regprocedure) < 4
            ORDER BY 1 LOOP
    severity := 'high'; finding := 'table_not_audited'; object := r.t;
    detail := 'The audit triggers are missing or disabled; run referral_crm.govern_table() again.';
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT g.table_name::text AS t FROM referral_crm.governed_tables g WHERE g.by_default ORDER BY 1 LOOP
    severity := 'medium'; finding := 'table_enrolled_by_default'; object := r.t;
    detail := 'Nobody classified this table: it is admin_only until referral_crm.govern_table() gives it its family.';
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT format('%I.%I', n.nspname, c.relname) AS t
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'referral_crm' AND c.relkind IN ('r', 'p')
              AND NOT EXISTS (SELECT 1 FROM referral_crm.governed_tables g WHERE g.table_name = c.oid)
            ORDER BY 1 LOOP
    severity := 'high'; finding := 'table_not_governed'; object := r.t;
    detail := 'The table is in the extension''s schema but not enrolled: no policies, no audit.';
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT DISTINCT format('%I.%I', n.nspname, v.relname) AS v
             FROM pg_class v JOIN pg_namespace n ON n.oid = v.relnamespace
             JOIN pg_rewrite w ON w.ev_class = v.oid
             JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
                             AND d.refclassid = 'pg_class'::regclass
             JOIN referral_crm.governed_tables g ON g.table_name = d.refobjid AND g.patient_data
            WHERE n.nspname IN ('referral_crm', 'referral_crm_audit') AND v.relkind = 'v'
              AND NOT coalesce('security_invoker=true' = ANY (v.reloptions), false)
            ORDER BY 1 LOOP
    severity := 'high'; finding := 'view_not_security_invoker'; object := r.v;
    detail := 'A view over patient data runs with its owner''s rights and bypasses row-level security; ALTER VIEW ... SET (security_invoker = true).';
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure::text AS f,
                  coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false) AS pinned,
                  has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname IN ('referral_crm', 'referral_crm_audit') AND p.prosecdef
            ORDER BY 1 LOOP
    IF NOT r.pinned THEN
      severity := 'critical'; finding := 'security_definer_without_search_path'; object := r.f;
      detail := 'A SECURITY DEFINER function must pin search_path = pg_catalog, pg_temp.';
      RETURN NEXT;
    END IF;
    IF r.public_execute THEN
      severity := 'critical'; finding := 'security_definer_public'; object := r.f;
      detail := 'Every role may run this SECURITY DEFINER function with its owner''s rights (or attach it as a trigger); REVOKE EXECUTE ... FROM PUBLIC.';
      RETURN NEXT;
    END IF;
  END LOOP;
  FOR r IN SELECT a.rolname, a.rolsuper, a.rolbypassrls,
                  (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname IN ('referral_crm', 'referral_crm_audit') AND c.relowner = a.oid) AS owned
             FROM pg_roles a
            WHERE a.rolname = ANY (referral_crm.governance_roles())
               OR EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = ANY (referral_crm.governance_roles())
                           AND pg_has_role(a.oid, g.oid, 'MEMBER') AND NOT a.rolsuper)
            ORDER BY 1 LOOP
    IF r.rolsuper OR r.rolbypassrls THEN
      severity := 'critical'; finding := 'application_role_bypasses_rls'; object := r.rolname;
      detail := CASE WHEN r.rolsuper THEN 'An application role is a superuser.' ELSE 'An application role has BYPASSRLS.' END;
      RETURN NEXT;
    END IF;
    IF r.owned > 0 THEN
      severity := 'critical'; finding := 'application_role_owns_objects'; object := r.rolname;
      detail := format('It owns %s relations of the extension; owners can disable row-level security.', r.owned);
      RETURN NEXT;
    END IF;
  END LOOP;
  FOR r IN SELECT n.nspname FROM pg_namespace n
            WHERE (n.nspname IN ('referral_crm', 'referral_crm_audit', 'public')
                   OR n.oid IN (SELECT e.extnamespace FROM pg_extension e WHERE e.extname = 'referral_crm'))
              AND has_schema_privilege('public', n.oid, 'CREATE') ORDER BY 1 LOOP
    severity := CASE WHEN r.nspname = 'public' THEN 'medium' ELSE 'critical' END;
    finding := 'public_can_create'; object := r.nspname;
    detail := 'PUBLIC may create objects in this schema, which can shadow functions and operators.';
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT g.table_name::oid::text AS t FROM referral_crm.governed_tables g
            WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = g.table_name) ORDER BY 1 LOOP
    severity := 'medium'; finding := 'governed_table_missing'; object := r.t;
    detail := 'The registry names a table (by OID) that no longer exists; delete its governed_tables row.';
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT g.table_name::text AS t FROM referral_crm.governed_tables g
            WHERE g.retention IS NOT NULL AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = g.table_name)
              AND NOT referral_crm.purgeable(g.table_name, g.retention_column)
            ORDER BY 1 LOOP
    severity := 'medium'; finding := 'retention_not_purgeable'; object := r.t;
    detail := 'The table has a retention window that purge_expired() will not apply: it is not a permanent table of the extension''s owner with a date or timestamp retention column.';
    RETURN NEXT;
  END LOOP;
  IF (SELECT count(*) FROM pg_roles a WHERE a.rolname = ANY (referral_crm.governance_roles())) < 6 THEN
    severity := 'medium'; finding := 'roles_not_set_up'; object := 'referral_crm.setup_roles()';
    detail := 'The group roles do not all exist; a DBA runs SELECT referral_crm.setup_roles().';
    RETURN NEXT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM referral_crm.pseudonym_keys k WHERE k.retired_at IS NULL) THEN
    severity := 'low'; finding := 'no_pseudonym_key'; object := 'referral_crm.pseudonym_keys';
    detail := 'There is no current pseudonym key; setup_roles() or rotate_pseudonym_key() makes one.';
    RETURN NEXT;
  END IF;
END
$$;
COMMENT ON FUNCTION referral_crm.governance_check() IS
  'configuration findings with a severity: ssl, password encryption, tables without RLS or audit, unpinned SECURITY DEFINER functions, application roles that bypass RLS or own objects, schemas PUBLIC can create in';
