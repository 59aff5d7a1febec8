-- src/ingest/ingest.sql
-- Staging views, code mapping and the ingest(feed) functions.  Everything
-- is set-based: each staged row is parsed and validated in one pass, gets
-- at most one reject reason, and valid rows are merged with INSERT ... ON
-- CONFLICT DO UPDATE ... WHERE IS DISTINCT FROM, so that a repeated load
-- changes nothing.

CREATE FUNCTION referral_crm.stage_row() RETURNS trigger
  AS 'MODULE_PATHNAME', 'stage_row' LANGUAGE C;

CREATE FUNCTION referral_crm.stage_csv(feed text, csv text,
                                       OUT load_id bigint, OUT staged bigint, OUT malformed bigint)
  RETURNS record
  AS 'MODULE_PATHNAME', 'stage_csv' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION referral_crm.stage_csv(text, text) IS
  'stage a whole CSV file (header first); records with a wrong number of fields or broken quoting are staged too, and ingest() rejects them';

CREATE FUNCTION referral_crm.parse_timestamptz(value text) RETURNS timestamptz
  AS 'MODULE_PATHNAME', 'parse_timestamptz' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.parse_timestamptz(text) IS
  'ISO 8601, MM/DD/YYYY or CCYYMMDD date-time (offset optional; else the session time zone), or NULL if invalid';

CREATE FUNCTION referral_crm.parse_timestamptz(value text, zone text) RETURNS timestamptz
  AS 'MODULE_PATHNAME', 'parse_timestamptz_zone' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.parse_timestamptz(text, text) IS
  'ISO 8601, MM/DD/YYYY or CCYYMMDD date-time (offset optional; else local time in zone: the ingestion functions pass calendar_zone()), or NULL if invalid';

CREATE FUNCTION referral_crm.parse_date(value text) RETURNS date
  AS 'MODULE_PATHNAME', 'parse_date' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.parse_date(text) IS
  'YYYY-MM-DD, MM/DD/YYYY or CCYYMMDD date, or NULL if invalid';

-- Canonical code for a value as feeds write it: any case, FHIR and HL7 v2
-- synonyms, X12 SBR09 payer classes.  NULL for blank input, and also NULL
-- when the value cannot be mapped (the caller rejects the row).
CREATE FUNCTION referral_crm.map_code(kind text, value text) RETURNS text
  AS 'MODULE_PATHNAME', 'map_code' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.map_code(text, text) IS
  'canonical code of a feed value (any case, FHIR, HL7 v2 RF1 and X12 SBR09 synonyms), or NULL';

-- One staging view per feed, with exactly the feed's text columns.  COPY
-- into it (FORMAT csv, HEADER) goes through the INSTEAD OF trigger into
-- staged_rows, numbering the rows of each COPY; SELECT shows what is
-- staged and not yet ingested.
DO $$
DECLARE
  f record;
BEGIN
  FOR f IN SELECT feed, columns FROM referral_crm.ingest_feeds ORDER BY feed LOOP
    EXECUTE format(
      'CREATE VIEW referral_crm.%I AS SELECT %s FROM referral_crm.staged_rows s WHERE s.feed = %L',
      'staging_' || f.feed,
      (SELECT string_agg(format('s.fields[%s] AS %I', o, c), ', ' ORDER BY o)
         FROM unnest(f.columns) WITH ORDINALITY AS u (c, o)),
      f.feed);
    EXECUTE format(
      'CREATE TRIGGER stage INSTEAD OF INSERT ON referral_crm.%I FOR EACH ROW EXECUTE FUNCTION referral_crm.stage_row(%L)',
      'staging_' || f.feed, f.feed);
    EXECUTE format('COMMENT ON VIEW referral_crm.%I IS %L', 'staging_' || f.feed,
                   'staging for feed ' || f.feed || ': COPY ... FROM ... (FORMAT csv, HEADER), then referral_crm.ingest(' || quote_literal(f.feed) || ')');
  END LOOP;
END
$$;

------------------------------------------------------------------------
-- Value normalisers used by ingest (NULL when the value is not usable)
------------------------------------------------------------------------

-- ZIP or ZIP+4 as 12345 or 12345-6789; restores the leading zeros that a
-- spreadsheet or a numeric column dropped (4101 -> 04101, 623 -> 00623,
-- 41023134 -> 04102-3134).  NULL if the value is not a ZIP code.
CREATE FUNCTION referral_crm.norm_zip(value text) RETURNS text
  AS 'MODULE_PATHNAME', 'norm_zip' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ICD-10-CM codes from a list separated by ; , | or blanks, upper-cased,
-- with the dot restored (r079 -> R07.9).  Empty list for blank input; NULL
-- if any element is not a valid code.
-- The fields of a staged row as text columns (trimmed, blank = NULL), per
-- the caller's column definition list.
CREATE FUNCTION referral_crm.unpack_fields(fields text[]) RETURNS record
  AS 'MODULE_PATHNAME', 'unpack_fields' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION referral_crm.norm_icd10_list(value text) RETURNS text[]
  AS 'MODULE_PATHNAME', 'norm_icd10_list' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- true/false/t/f/yes/no/y/n/1/0 in any case; NULL otherwise.
CREATE FUNCTION referral_crm.parse_bool(value text) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE lower(btrim(value))
           WHEN 'true' THEN true WHEN 't' THEN true WHEN 'yes' THEN true WHEN 'y' THEN true WHEN '1' THEN true
           WHEN 'false' THEN false WHEN 'f' THEN false WHEN 'no' THEN false WHEN 'n' THEN false WHEN '0' THEN false
         END;

-- A decimal amount (optional sign, optional $, up to 2 decimals); NULL otherwise.
CREATE FUNCTION referral_crm.parse_amount(value text) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN btrim(value) ~ '^-?\$?[0-9]{1,10}(\.[0-9]{1,2})?$'
              THEN replace(btrim(value), '$', '')::numeric END;

-- A decimal number such as a coordinate; NULL otherwise.
CREATE FUNCTION referral_crm.parse_float(value text) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN btrim(value) ~ '^[-+]?[0-9]{1,4}(\.[0-9]{1,12})?$' THEN btrim(value)::double precision END;

-- The raw staged row as jsonb for ingest_rejects: column -> value when
-- the row has the feed's shape, else the fields or the raw line.
CREATE FUNCTION referral_crm.staged_raw(feed text, fields text[], raw text, problem text) RETURNS jsonb
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN CASE
    WHEN problem IS NOT NULL THEN jsonb_build_object('line', raw)
    WHEN cardinality(fields) = (SELECT cardinality(f.columns) FROM referral_crm.ingest_feeds f WHERE f.feed = staged_raw.feed)
      THEN (SELECT jsonb_object_agg(c, fields[o])
              FROM referral_crm.ingest_feeds f, unnest(f.columns) WITH ORDINALITY AS u (c, o)
             WHERE f.feed = staged_raw.feed)
    ELSE jsonb_build_object('fields', to_jsonb(fields))
  END;

-- Specialty code for a feed value: our code, its display name, a CMS
-- pri_spec label, in any case.
CREATE FUNCTION referral_crm.map_specialty(value text) RETURNS text
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  RETURN (
    SELECT s.specialty FROM referral_crm.specialties s
     WHERE s.specialty = lower(btrim(value))
        OR lower(s.display_name) = lower(btrim(value))
        OR upper(btrim(value)) = ANY (s.cms_labels)
     ORDER BY s.specialty = lower(btrim(value)) DESC, s.specialty
     LIMIT 1);

------------------------------------------------------------------------
-- ingest(feed)
------------------------------------------------------------------------

-- Lookup of specialty codes by any accepted spelling, for the current load.
CREATE FUNCTION referral_crm.ingest_prepare_lookups() RETURNS void
  LANGUAGE plpgsql SET client_min_messages = warning AS
$$
BEGIN
  DROP TABLE IF EXISTS pg_temp.rc_spec CASCADE;
  CREATE TEMP TABLE rc_spec ON COMMIT DROP AS
  SELECT DISTINCT ON (key) key, specialty
    FROM (SELECT s.specialty AS key, s.specialty, 1 AS pref FROM referral_crm.specialties s
          UNION ALL
          SELECT lower(s.display_name), s.specialty, 2 FROM referral_crm.specialties s
          UNION ALL
          SELECT lower(l), s.specialty, 3 FROM referral_crm.specialties s, unnest(s.cms_labels) AS l) k
   ORDER BY key, pref, specialty;
  ANALYZE rc_spec;
END
$$;

-- Patients named by the rows of pg_temp.rc_pat (source_system, mrn,
-- demographics, ord): the last row per patient wins; a blank value never
-- erases a known one.
CREATE FUNCTION referral_crm.ingest_upsert_patients(batch bigint) RETURNS void
  LANGUAGE plpgsql AS
$$
BEGIN
  INSERT INTO referral_crm.patients AS p
         (source_system, source_id, given_name, family_name, birth_date, sex, zip, phone,
          preferred_language, batch_id, source_row)
  SELECT DISTINCT ON (ss, mrn) ss, mrn, given, family, birth, sex, zip, phone, lang, batch, ord
    FROM pg_temp.rc_pat
   ORDER BY ss, mrn, ord DESC
  ON CONFLICT (source_system, source_id) DO UPDATE
     SET given_name = coalesce(EXCLUDED.given_name, p.given_name),
         family_name = coalesce(EXCLUDED.family_name, p.family_name),
         birth_date = coalesce(EXCLUDED.birth_date, p.birth_date),
         sex = coalesce(EXCLUDED.sex, p.sex),
         zip = coalesce(EXCLUDED.zip, p.zip),
         phone = coalesce(EXCLUDED.phone, p.phone),
         preferred_language = coalesce(EXCLUDED.preferred_language, p.preferred_language),
         batch_id = EXCLUDED.batch_id, source_row = EXCLUDED.source_row
   WHERE (p.given_name, p.family_name, p.birth_date, p.sex, p.zip, p.phone, p.preferred_language)
         IS DISTINCT FROM
         (coalesce(EXCLUDED.given_name, p.given_name), coalesce(EXCLUDED.family_name, p.family_name),
          coalesce(EXCLUDED.birth_date, p.birth_date), coalesce(EXCLUDED.sex, p.sex),
          coalesce(EXCLUDED.zip, p.zip), coalesce(EXCLUDED.phone, p.phone),
          coalesce(EXCLUDED.preferred_language, p.preferred_language));
END
$$;

-- Payers and plans named by pg_temp.rc_pay (payer_code, payer_name,
-- payer_class, plan_code, ord).
CREATE FUNCTION referral_crm.ingest_upsert_payers(batch bigint) RETURNS void
  LANGUAGE plpgsql AS
$$
BEGIN
  INSERT INTO referral_crm.payers AS p (payer_code, name, payer_class, source_system, source_id, batch_id)
  SELECT DISTINCT ON (payer_code) payer_code, coalesce(payer_name, payer_code), coalesce(payer_class, 'other'),
         'feed', payer_code, batch
    FROM (SELECT payer_code, payer_name, payer_class, max(ord) AS ord
            FROM pg_temp.rc_pay GROUP BY payer_code, payer_name, payer_class) g
   ORDER BY payer_code, ord DESC
  ON CONFLICT (payer_code) DO UPDATE
     SET name = coalesce(EXCLUDED.name, p.name), payer_class = EXCLUDED.payer_class, batch_id = EXCLUDED.batch_id
   WHERE (p.name, p.payer_class) IS DISTINCT FROM (coalesce(EXCLUDED.name, p.name), EXCLUDED.payer_class)
     AND EXCLUDED.payer_class <> 'other';
  INSERT INTO referral_crm.payer_plans AS pl (payer_id, plan_code, name, source_system, source_id, batch_id)
  SELECT p.payer_id, r.plan_code, r.plan_code, 'feed', r.payer_code || '/' || r.plan_code, batch
    FROM (SELECT DISTINCT payer_code, plan_code FROM pg_temp.rc_pay WHERE plan_code IS NOT NULL) r
    JOIN referral_crm.payers p USING (payer_code)
   ORDER BY p.payer_id, r.plan_code
  ON CONFLICT (payer_id, plan_code) DO NOTHING;
END
$$;

-- Among the rows of pg_temp.rc_rows still valid, a key (ss, sid) seen
-- earlier in the same load makes the later rows duplicates.
CREATE FUNCTION referral_crm.ingest_mark_duplicates() RETURNS void
  LANGUAGE plpgsql AS
$$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_temp.rc_rows WHERE reason IS NULL GROUP BY ss, sid HAVING count(*) > 1) THEN
    UPDATE pg_temp.rc_rows r SET reason = 'duplicate_key'
      FROM (SELECT load_id, row_no,
                   row_number() OVER (PARTITION BY ss, sid ORDER BY load_id, row_no) AS n
              FROM pg_temp.rc_rows WHERE reason IS NULL) d
     WHERE d.n > 1 AND r.load_id = d.load_id AND r.row_no = d.row_no;
  END IF;
END
$$;

-- Record the rejects of pg_temp.rc_rows (reason IS NOT NULL).
CREATE FUNCTION referral_crm.ingest_record_rejects(p_feed text, batch bigint) RETURNS bigint
  LANGUAGE plpgsql AS
$$
DECLARE
  n bigint;
BEGIN
  INSERT INTO referral_crm.ingest_rejects (feed, batch_id, load_id, source_row, raw, reason, message)
  SELECT p_feed, batch, r.load_id, r.row_no, referral_crm.staged_raw(p_feed, r.fields, r.raw, r.problem),
         r.reason, r.message
    FROM pg_temp.rc_rows r
   WHERE r.reason IS NOT NULL
   ORDER BY r.load_id, r.row_no;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

-- Every valid row of pg_temp.rc_rows is in tbl now, keyed (source_system,
-- source_id) = (ss, sid), an unchanged one too: a row in neither its table
-- nor the rejects would be lost, so the load fails instead.
CREATE FUNCTION referral_crm.ingest_assert_stored(tbl regclass, feed text) RETURNS void
  LANGUAGE plpgsql AS
$$
DECLARE
  lost bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM pg_temp.rc_rows r WHERE r.reason IS NULL
                     AND NOT EXISTS (SELECT 1 FROM %s x WHERE x.source_system = r.ss AND x.source_id = r.sid)', tbl)
     INTO lost;
  IF lost > 0 THEN
    RAISE EXCEPTION 'ingest of % would lose rows', feed
      USING ERRCODE = 'internal_error',
            DETAIL = format('%s valid rows reached neither %s nor ingest_rejects; the batch is rolled back.', lost, tbl);
  END IF;
END
$$;
COMMENT ON FUNCTION referral_crm.ingest_assert_stored(regclass, text) IS
  'internal: fail the load if a valid staged row is not in its table';

-- A language tag in any case: its language subtag in lower case (BCP 47
-- tags are case-insensitive; patients.preferred_language keeps them so).
CREATE FUNCTION referral_crm.norm_language(tag text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN lower(substring(tag FROM '^[A-Za-z]*')) || substring(tag FROM '^[A-Za-z]*(.*)$');
COMMENT ON FUNCTION referral_crm.norm_language(text) IS
  'a language tag with its language subtag in lower case (EN-us -> en-us)';

-- Is a field other than the free-text ones (at the given positions) longer
-- than 1,000 bytes?  Keys and codes are indexed (a b-tree entry holds at
-- most 2,704 bytes): such a row is rejected as value_too_long instead of
-- failing its whole load.
CREATE FUNCTION referral_crm.ingest_field_too_long(fields text[], free_text int[]) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN EXISTS (SELECT 1 FROM unnest(fields) WITH ORDINALITY AS f (v, i)
                  WHERE octet_length(f.v) > 1000 AND f.i <> ALL (coalesce(free_text, '{}')));
COMMENT ON FUNCTION referral_crm.ingest_field_too_long(text[], int[]) IS
  'internal: does a field that is not free text exceed 1,000 bytes?';

-- The referrals feed.  Reads pg_temp.rc_staged; returns the counts.
CREATE FUNCTION referral_crm.ingest_referrals(batch bigint,
    OUT inserted bigint, OUT updated bigint, OUT unchanged bigint, OUT rejected bigint)
  LANGUAGE plpgsql SET client_min_messages = warning AS
$$
BEGIN
  PERFORM referral_crm.ingest_prepare_lookups();
  DROP TABLE IF EXISTS pg_temp.rc_rows CASCADE;
  CREATE TEMP TABLE rc_rows ON COMMIT DROP AS
  SELECT s.load_id, s.row_no, s.fields, s.raw, s.problem, v.*,
         referral_crm.parse_date(v.t_birth) AS birth,
         referral_crm.map_code('sex', v.t_sex) AS sex,
         referral_crm.norm_zip(v.t_zip) AS zip,
         referral_crm.parse_timestamptz(v.t_authored, (SELECT referral_crm.calendar_zone())) AS authored,
         referral_crm.parse_timestamptz(v.t_received, (SELECT referral_crm.calendar_zone())) AS received,
         referral_crm.map_code('priority', v.t_priority) AS priority,
         referral_crm.norm_icd10_list(v.t_dx) AS dx,
         referral_crm.map_code('payer_class', v.t_payer_class) AS payer_class,
         referral_crm.map_code('referral_channel', v.t_channel) AS channel,
         referral_crm.map_code('auth_status', v.t_auth) AS auth,
         referral_crm.map_code('referral_status', v.t_status) AS status,
         referral_crm.map_code('referral_stage', v.t_stage) AS stage,
         referral_crm.parse_date(v.t_needed) AS needed,
         sp.specialty, loc.location_id, NULL::text AS reason, NULL::text AS message
    FROM pg_temp.rc_staged s
   CROSS JOIN LATERAL referral_crm.unpack_fields(s.fields) AS v (
         ss text, sid text, mrn text, given text, family text, t_birth text, t_sex text, t_zip text,
         phone text, lang text, t_authored text, t_received text, ref_npi text, ref_name text, ref_org text,
         t_specialty text, target_npi text, loc_code text, t_priority text, reason_text text, t_dx text,
         payer_code text, payer_name text, t_payer_class text, plan_code text, t_channel text, refnum text,
         t_auth text, pa_num text, t_status text, status_reason text, t_stage text, stage_reason text,
         t_needed text, note text)
    LEFT JOIN pg_temp.rc_spec sp ON sp.key = lower(v.t_specialty)
    LEFT JOIN (SELECT l.source_id, min(l.location_id) AS location_id
                 FROM referral_crm.locations l GROUP BY l.source_id) loc ON loc.source_id = v.loc_code;
  ANALYZE pg_temp.rc_rows;
  -- A language tag in any case: its language subtag in lower case.
  UPDATE pg_temp.rc_rows r SET lang = referral_crm.norm_language(r.lang) WHERE r.lang ~ '^[A-Za-z]*[A-Z]';

  -- The first problem of each row, in a fixed order.
  UPDATE pg_temp.rc_rows r SET reason = x.reason
    FROM (SELECT q.load_id, q.row_no, CASE
            WHEN q.problem IS NOT NULL THEN 'malformed_csv'
            WHEN cardinality(q.fields) <> 35 THEN 'column_count'
            WHEN referral_crm.ingest_field_too_long(q.fields, '{20,31,33,35}') THEN 'value_too_long'
            WHEN q.ss IS NULL OR q.sid IS NULL OR q.mrn IS NULL THEN 'missing_key'
            WHEN q.t_authored IS NULL THEN 'missing_value'
            WHEN q.authored IS NULL OR (q.t_received IS NOT NULL AND q.received IS NULL)
              OR (q.t_birth IS NOT NULL AND q.birth IS NULL) OR (q.t_needed IS NOT NULL AND q.needed IS NULL) THEN 'bad_date'
            WHEN q.received < q.authored THEN 'bad_order'
            WHEN (q.t_priority IS NOT NULL AND q.priority IS NULL) OR (q.t_status IS NOT NULL AND q.status IS NULL)
              OR (q.t_stage IS NOT NULL AND q.stage IS NULL) OR (q.t_channel IS NOT NULL AND q.channel IS NULL)
              OR (q.t_auth IS NOT NULL AND q.auth IS NULL) OR (q.t_sex IS NOT NULL AND q.sex IS NULL)
              OR (q.t_payer_class IS NOT NULL AND q.payer_class IS NULL) OR q.dx IS NULL
              OR (q.lang IS NOT NULL AND q.lang !~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$') THEN 'invalid_code'
            WHEN (q.ref_npi IS NOT NULL AND NOT referral_crm.npi_is_valid(q.ref_npi))
              OR (q.target_npi IS NOT NULL AND NOT referral_crm.npi_is_valid(q.target_npi)) THEN 'invalid_npi'
            WHEN q.t_zip IS NOT NULL AND q.zip IS NULL THEN 'invalid_zip'
            WHEN q.t_specialty IS NOT NULL AND q.specialty IS NULL THEN 'unknown_specialty'
            WHEN q.loc_code IS NOT NULL AND q.location_id IS NULL THEN 'unknown_location'
            WHEN q.plan_code IS NOT NULL AND q.payer_code IS NULL THEN 'missing_value'
          END AS reason
          FROM pg_temp.rc_rows q) x
   WHERE r.load_id = x.load_id AND r.row_no = x.row_no AND x.reason IS NOT NULL;
  PERFORM referral_crm.ingest_mark_duplicates();

  -- Checks against what is already stored.
  UPDATE pg_temp.rc_rows r SET reason = CASE
           WHEN (p.source_system, p.source_id) IS DISTINCT FROM (r.ss, r.mrn) THEN 'patient_mismatch'
           WHEN x.status <> coalesce(r.status, x.status)
                AND NOT referral_crm.transition_allowed('referral_status', x.status, r.status) THEN 'illegal_transition'
           WHEN x.stage <> coalesce(r.stage, x.stage)
                AND NOT referral_crm.transition_allowed('referral_stage', x.stage, r.stage) THEN 'illegal_transition'
           WHEN x.status <> coalesce(r.status, x.status) AND r.status_reason IS NOT NULL
                AND r.status_reason = x.status_reason AND r.status IN ('rejected', 'cancelled', 'failed', 'on-hold')
                THEN 'missing_reason'
           WHEN r.authored > x.authored_at
                AND (SELECT min(a.start_at) FROM referral_crm.appointments a WHERE a.referral_id = x.referral_id) < r.authored
                THEN 'before_referral'
         END
    FROM referral_crm.referrals x JOIN referral_crm.patients p ON p.patient_id = x.patient_id
   WHERE r.reason IS NULL AND x.source_system = r.ss AND x.source_id = r.sid
     AND (CASE
           WHEN (p.source_system, p.source_id) IS DISTINCT FROM (r.ss, r.mrn) THEN 'patient_mismatch'
           WHEN x.status <> coalesce(r.status, x.status)
                AND NOT referral_crm.transition_allowed('referral_status', x.status, r.status) THEN 'illegal_transition'
           WHEN x.stage <> coalesce(r.stage, x.stage)
                AND NOT referral_crm.transition_allowed('referral_stage', x.stage, r.stage) THEN 'illegal_transition'
           WHEN x.status <> coalesce(r.status, x.status) AND r.status_reason IS NOT NULL
                AND r.status_reason = x.status_reason AND r.status IN ('rejected', 'cancelled', 'failed', 'on-hold')
                THEN 'missing_reason'
           WHEN r.authored > x.authored_at
                AND (SELECT min(a.start_at) FROM referral_crm.appointments a WHERE a.referral_id = x.referral_id) < r.authored
                THEN 'before_referral'
         END) IS NOT NULL;

  -- A blank status or stage keeps the stored one (and its reason).
  UPDATE pg_temp.rc_rows r SET status = coalesce(r.status, x.status), stage = coalesce(r.stage, x.stage)
    FROM referral_crm.referrals x
   WHERE r.reason IS NULL AND x.source_system = r.ss AND x.source_id = r.sid
     AND (r.status IS NULL OR r.stage IS NULL);

  UPDATE pg_temp.rc_rows r SET message = CASE r.reason
           WHEN 'malformed_csv' THEN 'the record is not valid CSV: ' || r.problem
           WHEN 'column_count' THEN format('the record has %s fields, the referrals feed has 35', cardinality(r.fields))
           WHEN 'value_too_long' THEN 'a key or code field is longer than 1,000 bytes (only reason, status_reason, stage_reason and note may be)'
           WHEN 'missing_key' THEN 'source_system, referral_id and patient_mrn are required'
           WHEN 'missing_value' THEN CASE WHEN r.t_authored IS NULL THEN 'authored_at is required' ELSE 'plan_code needs a payer_code' END
           WHEN 'bad_date' THEN format('a date is not valid: authored_at %L, received_at %L, patient_birth_date %L, needed_by %L',
                                       r.t_authored, r.t_received, r.t_birth, r.t_needed)
           WHEN 'bad_order' THEN format('received_at %s is before authored_at %s', r.t_received, r.t_authored)
           WHEN 'invalid_code' THEN format('a code is not valid: priority %L, status %L, stage %L, channel %L, auth_status %L, sex %L, payer_class %L, diagnosis_codes %L, language %L',
                                           r.t_priority, r.t_status, r.t_stage, r.t_channel, r.t_auth, r.t_sex, r.t_payer_class, r.t_dx, r.lang)
           WHEN 'invalid_npi' THEN format('an NPI is not valid: referring_npi %L, target_npi %L', r.ref_npi, r.target_npi)
           WHEN 'invalid_zip' THEN format('patient_zip %L is not a ZIP code', r.t_zip)
           WHEN 'unknown_specialty' THEN format('target_specialty %L is not a known specialty', r.t_specialty)
           WHEN 'unknown_location' THEN format('target_location_code %L is not in the directory', r.loc_code)
           WHEN 'duplicate_key' THEN format('referral %s/%s appears earlier in the same load', r.ss, r.sid)
           WHEN 'patient_mismatch' THEN format('referral %s/%s belongs to another patient', r.ss, r.sid)
           WHEN 'illegal_transition' THEN format('status %L / stage %L is not a legal move from the stored state', r.t_status, r.t_stage)
           WHEN 'missing_reason' THEN format('status %s needs a new status_reason', r.status)
           WHEN 'before_referral' THEN format('authored_at %s would follow the referral''s first appointment', r.t_authored)
         END
   WHERE r.reason IS NOT NULL;

  rejected := referral_crm.ingest_record_rejects('referrals', batch);

  -- Patients, payers, referring organisations.
  DROP VIEW IF EXISTS pg_temp.rc_pat;
  CREATE TEMP VIEW rc_pat AS
  SELECT ss, mrn, given, family, birth, sex, zip, phone, lang, row_number() OVER (ORDER BY load_id, row_no) AS ord
    FROM pg_temp.rc_rows WHERE reason IS NULL;
  PERFORM referral_crm.ingest_upsert_patients(batch);
  DROP VIEW IF EXISTS pg_temp.rc_pay;
  CREATE TEMP VIEW rc_pay AS
  SELECT payer_code, payer_name, payer_class, plan_code, row_number() OVER (ORDER BY load_id, row_no) AS ord
    FROM pg_temp.rc_rows WHERE reason IS NULL AND payer_code IS NOT NULL;
  PERFORM referral_crm.ingest_upsert_payers(batch);
  INSERT INTO referral_crm.organizations (name, source_system, source_id, batch_id)
  SELECT DISTINCT ON (lower(ref_org)) ref_org, 'feed', 'name:' || lower(ref_org), batch
    FROM pg_temp.rc_rows WHERE reason IS NULL AND ref_org IS NOT NULL
   ORDER BY lower(ref_org), load_id, row_no
  ON CONFLICT (source_system, source_id) DO NOTHING;

  -- The referrals themselves.
  WITH src AS (
    SELECT r.*, p.patient_id, rc.clinician_id AS ref_clinician_id, rc.in_network AS ref_in_network,
           tc.clinician_id AS target_clinician_id, tc.in_network AS target_in_network,
           o.organization_id, py.payer_id, pl.plan_id
      FROM pg_temp.rc_rows r
      JOIN referral_crm.patients p ON p.source_system = r.ss AND p.source_id = r.mrn
      LEFT JOIN referral_crm.clinicians rc ON rc.npi = r.ref_npi
      LEFT JOIN referral_crm.clinicians tc ON tc.npi = r.target_npi
      LEFT JOIN referral_crm.organizations o ON o.source_system = 'feed' AND o.source_id = 'name:' || lower(r.ref_org)
      LEFT JOIN referral_crm.payers py ON py.payer_code = r.payer_code
      LEFT JOIN referral_crm.payer_plans pl ON pl.payer_id = py.payer_id AND pl.plan_code = r.plan_code
     WHERE r.reason IS NULL),
  up AS (
    INSERT INTO referral_crm.referrals AS t
           (source_system, source_id, patient_id, authored_at, received_at, needed_by,
            referring_clinician_id, referring_npi, referring_name, referring_organization_id,
            target_specialty, target_clinician_id, target_npi, target_location_id, priority, reason,
            diagnosis_codes, payer_id, plan_id, in_network, channel, referral_number, auth_status,
            prior_auth_number, status, status_reason, stage, stage_reason, batch_id, source_row)
    SELECT ss, sid, patient_id, authored, received, needed,
           ref_clinician_id, ref_npi, ref_name, organization_id,
           specialty, target_clinician_id, target_npi, location_id, coalesce(priority, 'routine'), reason_text,
           dx, payer_id, plan_id, target_in_network, channel, refnum, coalesce(auth, 'not-required'),
           pa_num, coalesce(status, 'requested'),
           CASE WHEN status_reason IS NULL AND status IN ('rejected', 'cancelled', 'failed', 'on-hold')
                THEN format('%s reported by %s', status, ss) ELSE status_reason END,
           coalesce(stage, 'new'),
           CASE WHEN stage_reason IS NULL AND stage = 'closed-lost'
                THEN format('%s reported by %s', stage, ss) ELSE stage_reason END,
           batch, row_no
      FROM src
    ON CONFLICT (source_system, source_id) DO UPDATE
       SET authored_at = EXCLUDED.authored_at, received_at = EXCLUDED.received_at, needed_by = EXCLUDED.needed_by,
           -- the link follows the referrer the row names: kept (it may come
           -- from name resolution) only while NPI and name are unchanged
           referring_clinician_id = CASE WHEN (EXCLUDED.referring_npi, EXCLUDED.referring_name)
                                               IS NOT DISTINCT FROM (t.referring_npi, t.referring_name)
                                          THEN coalesce(EXCLUDED.referring_clinician_id, t.referring_clinician_id)
                                          ELSE EXCLUDED.referring_clinician_id END,
           referring_npi = EXCLUDED.referring_npi, referring_name = EXCLUDED.referring_name,
           referring_organization_id = EXCLUDED.referring_organization_id,
           target_specialty = EXCLUDED.target_specialty, target_clinician_id = EXCLUDED.target_clinician_id,
           target_npi = EXCLUDED.target_npi, target_location_id = EXCLUDED.target_location_id,
           priority = EXCLUDED.priority, reason = EXCLUDED.reason, diagnosis_codes = EXCLUDED.diagnosis_codes,
           payer_id = EXCLUDED.payer_id, plan_id = EXCLUDED.plan_id, in_network = EXCLUDED.in_network,
           channel = EXCLUDED.channel, referral_number = EXCLUDED.referral_number,
           auth_status = EXCLUDED.auth_status, prior_auth_number = EXCLUDED.prior_auth_number,
           status = EXCLUDED.status,
           status_reason = CASE WHEN EXCLUDED.status = t.status THEN t.status_reason ELSE EXCLUDED.status_reason END,
           stage = EXCLUDED.stage,
           stage_reason = CASE WHEN EXCLUDED.stage = t.stage THEN t.stage_reason ELSE EXCLUDED.stage_reason END,
           batch_id = EXCLUDED.batch_id, source_row = EXCLUDED.source_row
     WHERE (t.authored_at, t.received_at, t.needed_by, t.referring_npi, t.referring_name,
            t.referring_organization_id, t.target_specialty, t.target_clinician_id, t.target_npi,
            t.target_location_id, t.priority, t.reason, t.diagnosis_codes, t.payer_id, t.plan_id,
            t.in_network, t.channel, t.referral_number, t.auth_status, t.prior_auth_number, t.status, t.stage)
           IS DISTINCT FROM
           (EXCLUDED.authored_at, EXCLUDED.received_at, EXCLUDED.needed_by, EXCLUDED.referring_npi,
            EXCLUDED.referring_name, EXCLUDED.referring_organization_id, EXCLUDED.target_specialty,
            EXCLUDED.target_clinician_id, EXCLUDED.target_npi, EXCLUDED.target_location_id, EXCLUDED.priority,
            EXCLUDED.reason, EXCLUDED.diagnosis_codes, EXCLUDED.payer_id, EXCLUDED.plan_id, EXCLUDED.in_network,
            EXCLUDED.channel, EXCLUDED.referral_number, EXCLUDED.auth_status, EXCLUDED.prior_auth_number,
            EXCLUDED.status, EXCLUDED.stage)
    RETURNING (xmax = 0) AS is_insert)
  SELECT count(*) FILTER (WHERE is_insert), count(*) FILTER (WHERE NOT is_insert)
    INTO inserted, updated FROM up;

  unchanged := (SELECT count(*) FROM pg_temp.rc_rows WHERE reason IS NULL) - inserted - updated;
  PERFORM referral_crm.ingest_assert_stored('referral_crm.referrals', 'referrals');

  -- The note that came with each referral.
  INSERT INTO referral_crm.referral_notes AS n (referral_id, note_type, authored_at, body, source_system, source_id, batch_id, source_row)
  SELECT x.referral_id, 'referral', r.authored, r.note, r.ss, r.sid, batch, r.row_no
    FROM pg_temp.rc_rows r JOIN referral_crm.referrals x ON x.source_system = r.ss AND x.source_id = r.sid
   WHERE r.reason IS NULL AND r.note IS NOT NULL
  ON CONFLICT (source_system, source_id) DO UPDATE
     SET body = EXCLUDED.body, authored_at = EXCLUDED.authored_at, batch_id = EXCLUDED.batch_id, source_row = EXCLUDED.source_row
   WHERE (n.body, n.authored_at) IS DISTINCT FROM (EXCLUDED.body, EXCLUDED.authored_at);
END
$$;

-- The appointments feed.
CREATE FUNCTION referral_crm.ingest_appointments(batch bigint,
    OUT inserted bigint, OUT updated bigint, OUT unchanged bigint, OUT rejected bigint)
  LANGUAGE plpgsql SET client_min_messages = warning AS
$$
BEGIN
  DROP TABLE IF EXISTS pg_temp.rc_rows CASCADE;
  CREATE TEMP TABLE rc_rows ON COMMIT DROP AS
  SELECT s.load_id, s.row_no, s.fields, s.raw, s.problem, v.*,
         referral_crm.parse_date(v.t_birth) AS birth,
         referral_crm.map_code('sex', v.t_sex) AS sex,
         referral_crm.norm_zip(v.t_zip) AS zip,
         referral_crm.map_code('appointment_status', v.t_status) AS status,
         referral_crm.parse_timestamptz(v.t_start, (SELECT referral_crm.calendar_zone())) AS start_at,
         referral_crm.parse_timestamptz(v.t_end, (SELECT referral_crm.calendar_zone())) AS end_at,
         referral_crm.parse_timestamptz(v.t_booked, (SELECT referral_crm.calendar_zone())) AS booked_at,
         referral_crm.parse_timestamptz(v.t_cancelled, (SELECT referral_crm.calendar_zone())) AS cancelled_at,
         referral_crm.parse_bool(v.t_reminder) AS reminder,
         c.clinician_id, loc.location_id, ref.referral_id, ref.authored_at, ref.patient_system, ref.patient_mrn,
         NULL::text AS reason, NULL::text AS message
    FROM pg_temp.rc_staged s
   CROSS JOIN LATERAL referral_crm.unpack_fields(s.fields) AS v (
         ss text, sid text, ref_sid text, mrn text, t_birth text, t_sex text, t_zip text, npi text,
         loc_code text, t_status text, t_start text, t_end text, t_booked text, t_cancelled text,
         cancel_reason text, t_reminder text)
    LEFT JOIN referral_crm.clinicians c ON c.npi = v.npi
    LEFT JOIN (SELECT l.source_id, min(l.location_id) AS location_id
                 FROM referral_crm.locations l GROUP BY l.source_id) loc ON loc.source_id = v.loc_code
    LEFT JOIN LATERAL (SELECT x.referral_id, x.authored_at, p.source_system AS patient_system, p.source_id AS patient_mrn
                         FROM referral_crm.referrals x JOIN referral_crm.patients p USING (patient_id)
                        WHERE x.source_system = v.ss AND x.source_id = v.ref_sid) ref ON v.ref_sid IS NOT NULL;
  ANALYZE pg_temp.rc_rows;

  UPDATE pg_temp.rc_rows r SET reason = CASE
           WHEN r.problem IS NOT NULL THEN 'malformed_csv'
           WHEN cardinality(r.fields) <> 16 THEN 'column_count'
           WHEN referral_crm.ingest_field_too_long(r.fields, '{15}') THEN 'value_too_long'
           WHEN r.ss IS NULL OR r.sid IS NULL OR r.mrn IS NULL THEN 'missing_key'
           WHEN r.t_start IS NULL THEN 'missing_value'
           WHEN r.start_at IS NULL OR (r.t_end IS NOT NULL AND r.end_at IS NULL)
             OR (r.t_booked IS NOT NULL AND r.booked_at IS NULL) OR (r.t_cancelled IS NOT NULL AND r.cancelled_at IS NULL)
             OR (r.t_birth IS NOT NULL AND r.birth IS NULL) THEN 'bad_date'
           WHEN r.end_at < r.start_at THEN 'bad_order'
           WHEN (r.t_status IS NOT NULL AND r.status IS NULL) OR (r.t_sex IS NOT NULL AND r.sex IS NULL) THEN 'invalid_code'
           WHEN r.t_reminder IS NOT NULL AND r.reminder IS NULL THEN 'bad_boolean'
           WHEN r.t_zip IS NOT NULL AND r.zip IS NULL THEN 'invalid_zip'
           WHEN r.npi IS NOT NULL AND NOT referral_crm.npi_is_valid(r.npi) THEN 'invalid_npi'
           WHEN r.npi IS NOT NULL AND r.clinician_id IS NULL THEN 'unknown_clinician'
           WHEN r.loc_code IS NOT NULL AND r.location_id IS NULL THEN 'unknown_location'
           WHEN r.ref_sid IS NOT NULL AND r.referral_id IS NULL THEN 'unknown_referral'
           WHEN r.referral_id IS NOT NULL AND (r.patient_system, r.patient_mrn) IS DISTINCT FROM (r.ss, r.mrn) THEN 'patient_mismatch'
           WHEN r.start_at < r.authored_at THEN 'before_referral'
         END;
  PERFORM referral_crm.ingest_mark_duplicates();

  UPDATE pg_temp.rc_rows r SET message = CASE r.reason
           WHEN 'malformed_csv' THEN 'the record is not valid CSV: ' || r.problem
           WHEN 'column_count' THEN format('the record has %s fields, the appointments feed has 16', cardinality(r.fields))
           WHEN 'value_too_long' THEN 'a key or code field is longer than 1,000 bytes (only cancel_reason may be)'
           WHEN 'missing_key' THEN 'source_system, appointment_id and patient_mrn are required'
           WHEN 'missing_value' THEN 'start_at is required'
           WHEN 'bad_date' THEN format('a date is not valid: start_at %L, end_at %L, booked_at %L, cancelled_at %L, patient_birth_date %L',
                                       r.t_start, r.t_end, r.t_booked, r.t_cancelled, r.t_birth)
           WHEN 'bad_order' THEN format('end_at %s is before start_at %s', r.t_end, r.t_start)
           WHEN 'invalid_code' THEN format('a code is not valid: status %L, patient_sex %L', r.t_status, r.t_sex)
           WHEN 'bad_boolean' THEN format('reminder_sent %L is not a boolean', r.t_reminder)
           WHEN 'invalid_zip' THEN format('patient_zip %L is not a ZIP code', r.t_zip)
           WHEN 'invalid_npi' THEN format('clinician_npi %L is not a valid NPI', r.npi)
           WHEN 'unknown_clinician' THEN format('clinician_npi %s is not in the directory', r.npi)
           WHEN 'unknown_location' THEN format('location_code %L is not in the directory', r.loc_code)
           WHEN 'unknown_referral' THEN format('referral %s/%s is not known', r.ss, r.ref_sid)
           WHEN 'patient_mismatch' THEN format('referral %s/%s is for another patient', r.ss, r.ref_sid)
           WHEN 'before_referral' THEN format('start_at %s is before referral %s/%s was authored', r.t_start, r.ss, r.ref_sid)
           WHEN 'duplicate_key' THEN format('appointment %s/%s appears earlier in the same load', r.ss, r.sid)
         END
   WHERE r.reason IS NOT NULL;
  rejected := referral_crm.ingest_record_rejects('appointments', batch);

  DROP VIEW IF EXISTS pg_temp.rc_pat;
  CREATE TEMP VIEW rc_pat AS
  SELECT ss, mrn, NULL::text AS given, NULL::text AS family, birth, sex, zip, NULL::text AS phone,
         NULL::text AS lang, row_number() OVER (ORDER BY load_id, row_no) AS ord
    FROM pg_temp.rc_rows WHERE reason IS NULL;
  PERFORM referral_crm.ingest_upsert_patients(batch);

  WITH up AS (
    INSERT INTO referral_crm.appointments AS t
           (source_system, source_id, referral_id, patient_id, clinician_id, location_id, status, start_at, end_at,
            booked_at, cancelled_at, cancel_reason, reminder_sent, batch_id, source_row)
    SELECT r.ss, r.sid, r.referral_id, p.patient_id, r.clinician_id, r.location_id, coalesce(r.status, 'booked'),
           r.start_at, r.end_at, r.booked_at, r.cancelled_at, r.cancel_reason, coalesce(r.reminder, false),
           batch, r.row_no
      FROM pg_temp.rc_rows r JOIN referral_crm.patients p ON p.source_system = r.ss AND p.source_id = r.mrn
     WHERE r.reason IS NULL
    ON CONFLICT (source_system, source_id) DO UPDATE
       SET referral_id = EXCLUDED.referral_id, patient_id = EXCLUDED.patient_id, clinician_id = EXCLUDED.clinician_id,
           location_id = EXCLUDED.location_id, status = EXCLUDED.status, start_at = EXCLUDED.start_at,
           end_at = EXCLUDED.end_at, booked_at = EXCLUDED.booked_at, cancelled_at = EXCLUDED.cancelled_at,
           cancel_reason = EXCLUDED.cancel_reason, reminder_sent = EXCLUDED.reminder_sent,
           batch_id = EXCLUDED.batch_id, source_row = EXCLUDED.source_row
     WHERE (t.referral_id, t.patient_id, t.clinician_id, t.location_id, t.status, t.start_at, t.end_at,
            t.booked_at, t.cancelled_at, t.cancel_reason, t.reminder_sent)
           IS DISTINCT FROM
           (EXCLUDED.referral_id, EXCLUDED.patient_id, EXCLUDED.clinician_id, EXCLUDED.location_id, EXCLUDED.status,
            EXCLUDED.start_at, EXCLUDED.end_at, EXCLUDED.booked_at, EXCLUDED.cancelled_at, EXCLUDED.cancel_reason,
            EXCLUDED.reminder_sent)
    RETURNING (xmax = 0) AS is_insert)
  SELECT count(*) FILTER (WHERE is_insert), count(*) FILTER (WHERE NOT is_insert) INTO inserted, updated FROM up;
  unchanged := (SELECT count(*) FROM pg_temp.rc_rows WHERE reason IS NULL) - inserted - updated;
  PERFORM referral_crm.ingest_assert_stored('referral_crm.appointments', 'appointments');
END
$$;

-- The claims feed (X12 837 headers).  A claim is keyed by its claim
-- number (CLM01) in its source system; a replacement (frequency 7) or void
-- (8) updates the stored claim.
CREATE FUNCTION referral_crm.ingest_claims(batch bigint,
    OUT inserted bigint, OUT updated bigint, OUT unchanged bigint, OUT rejected bigint)
  LANGUAGE plpgsql SET client_min_messages = warning AS
$$
BEGIN
  DROP TABLE IF EXISTS pg_temp.rc_rows CASCADE;
  CREATE TEMP TABLE rc_rows ON COMMIT DROP AS
  SELECT s.load_id, s.row_no, s.fields, s.raw, s.problem, v.*,
         coalesce(v.t_freq, '1') AS freq, lower(coalesce(v.t_type, 'professional')) AS claim_type,
         referral_crm.parse_date(v.t_birth) AS birth,
         referral_crm.map_code('sex', v.t_sex) AS sex,
         referral_crm.norm_zip(v.t_zip) AS zip,
         referral_crm.map_code('payer_class', v.t_payer_class) AS payer_class,
         referral_crm.parse_date(v.t_from) AS service_from,
         referral_crm.parse_date(v.t_to) AS service_to,
         referral_crm.parse_amount(v.t_charge) AS charge,
         referral_crm.parse_amount(v.t_paid) AS paid,
         referral_crm.norm_icd10_list(v.t_dx) AS dx,
         NULL::text AS reason, NULL::text AS message
    FROM pg_temp.rc_staged s
   CROSS JOIN LATERAL referral_crm.unpack_fields(s.fields) AS v (
         ss text, sid text, t_freq text, t_type text, mrn text, t_birth text, t_sex text, t_zip text,
         billing_npi text, rendering_npi text, referring_npi text, referring_name text, payer_code text,
         t_payer_class text, t_from text, t_to text, pos text, t_charge text, t_paid text, t_dx text,
         refnum text, pa_num text);
  ANALYZE pg_temp.rc_rows;

  UPDATE pg_temp.rc_rows r SET reason = CASE
           WHEN r.problem IS NOT NULL THEN 'malformed_csv'
           WHEN cardinality(r.fields) <> 22 THEN 'column_count'
           WHEN referral_crm.ingest_field_too_long(r.fields, '{}') THEN 'value_too_long'
           WHEN r.ss IS NULL OR r.sid IS NULL OR r.mrn IS NULL THEN 'missing_key'
           WHEN r.t_from IS NULL OR r.t_charge IS NULL THEN 'missing_value'
           WHEN r.service_from IS NULL OR (r.t_to IS NOT NULL AND r.service_to IS NULL)
             OR (r.t_birth IS NOT NULL AND r.birth IS NULL) THEN 'bad_date'
           WHEN r.service_to < r.service_from THEN 'bad_order'
           WHEN r.charge IS NULL OR (r.t_paid IS NOT NULL AND r.paid IS NULL) THEN 'bad_number'
           WHEN r.charge < 0 OR r.paid < 0 THEN 'negative_amount'
           WHEN NOT referral_crm.is_valid_code('claim_frequency', r.freq)
             OR NOT referral_crm.is_valid_code('claim_type', r.claim_type)
             OR (r.pos IS NOT NULL AND NOT referral_crm.is_valid_code('place_of_service', r.pos))
             OR (r.t_sex IS NOT NULL AND r.sex IS NULL) OR (r.t_payer_class IS NOT NULL AND r.payer_class IS NULL)
             OR r.dx IS NULL THEN 'invalid_code'
           WHEN (r.billing_npi IS NOT NULL AND NOT referral_crm.npi_is_valid(r.billing_npi))
             OR (r.rendering_npi IS NOT NULL AND NOT referral_crm.npi_is_valid(r.rendering_npi))
             OR (r.referring_npi IS NOT NULL AND NOT referral_crm.npi_is_valid(r.referring_npi)) THEN 'invalid_npi'
           WHEN r.t_zip IS NOT NULL AND r.zip IS NULL THEN 'invalid_zip'
         END;
  PERFORM referral_crm.ingest_mark_duplicates();

  UPDATE pg_temp.rc_rows r SET message = CASE r.reason
           WHEN 'malformed_csv' THEN 'the record is not valid CSV: ' || r.problem
           WHEN 'column_count' THEN format('the record has %s fields, the claims feed has 22', cardinality(r.fields))
           WHEN 'value_too_long' THEN 'a field is longer than 1,000 bytes'
           WHEN 'missing_key' THEN 'source_system, claim_number and patient_mrn are required'
           WHEN 'missing_value' THEN 'service_from and total_charge are required'
           WHEN 'bad_date' THEN format('a date is not valid: service_from %L, service_to %L, patient_birth_date %L',
                                       r.t_from, r.t_to, r.t_birth)
           WHEN 'bad_order' THEN format('service_to %s is before service_from %s', r.t_to, r.t_from)
           WHEN 'bad_number' THEN format('an amount is not valid: total_charge %L, paid_amount %L', r.t_charge, r.t_paid)
           WHEN 'negative_amount' THEN format('amounts must not be negative: total_charge %L, paid_amount %L', r.t_charge, r.t_paid)
           WHEN 'invalid_code' THEN format('a code is not valid: frequency %L, claim_type %L, place_of_service %L, patient_sex %L, payer_class %L, diagnosis_codes %L',
                                           r.t_freq, r.t_type, r.pos, r.t_sex, r.t_payer_class, r.t_dx)
           WHEN 'invalid_npi' THEN format('an NPI is not valid: billing %L, rendering %L, referring %L',
                                          r.billing_npi, r.rendering_npi, r.referring_npi)
           WHEN 'invalid_zip' THEN format('patient_zip %L is not a ZIP code', r.t_zip)
           WHEN 'duplicate_key' THEN format('claim %s/%s appears earlier in the same load', r.ss, r.sid)
         END
   WHERE r.reason IS NOT NULL;
  rejected := referral_crm.ingest_record_rejects('claims', batch);

  DROP VIEW IF EXISTS pg_temp.rc_pat;
  CREATE TEMP VIEW rc_pat AS
  SELECT ss, mrn, NULL::text AS given, NULL::text AS family, birth, sex, zip, NULL::text AS phone,
         NULL::text AS lang, row_number() OVER (ORDER BY load_id, row_no) AS ord
    FROM pg_temp.rc_rows WHERE reason IS NULL;
  PERFORM referral_crm.ingest_upsert_patients(batch);
  DROP VIEW IF EXISTS pg_temp.rc_pay;
  CREATE TEMP VIEW rc_pay AS
  SELECT payer_code, NULL::text AS payer_name, payer_class, NULL::text AS plan_code,
         row_number() OVER (ORDER BY load_id, row_no) AS ord
    FROM pg_temp.rc_rows WHERE reason IS NULL AND payer_code IS NOT NULL;
  PERFORM referral_crm.ingest_upsert_payers(batch);

  WITH src AS (
    SELECT r.*, p.patient_id, py.payer_id, rc.clinician_id AS rendering_id, fc.clinician_id AS referring_id,
           -- the referral it names: this patient's first; else one of a
           -- patient of another source system (patients are keyed per
           -- system) whose birth date, sex and ZIP do not contradict the
           -- claim's; never one of another patient of the same system
           (SELECT x.referral_id FROM referral_crm.referrals x JOIN referral_crm.patients xp ON xp.patient_id = x.patient_id
             WHERE x.referral_number = r.refnum
               AND (x.patient_id = p.patient_id
                    OR (xp.source_system <> p.source_system
                        AND (p.birth_date IS NULL OR xp.birth_date IS NULL OR p.birth_date = xp.birth_date)
                        AND (p.sex IS NULL OR xp.sex IS NULL OR p.sex = xp.sex)
                        AND (p.zip IS NULL OR xp.zip IS NULL OR left(p.zip, 5) = left(xp.zip, 5))))
             ORDER BY x.patient_id = p.patient_id DESC, x.referral_id LIMIT 1) AS referral_id
      FROM pg_temp.rc_rows r
      JOIN referral_crm.patients p ON p.source_system = r.ss AND p.source_id = r.mrn
      LEFT JOIN referral_crm.payers py ON py.payer_code = r.payer_code
      LEFT JOIN referral_crm.clinicians rc ON rc.npi = r.rendering_npi
      LEFT JOIN referral_crm.clinicians fc ON fc.npi = r.referring_npi
     WHERE r.reason IS NULL),
  up AS (
    INSERT INTO referral_crm.claims AS t
           (source_system, source_id, claim_number, frequency, claim_type, patient_id, billing_npi, rendering_npi,
            referring_npi, referring_name, rendering_clinician_id, referring_clinician_id, payer_id, payer_class,
            service_from, service_to, place_of_service, total_charge, paid_amount, diagnosis_codes,
            referral_number, prior_auth_number, referral_id, batch_id, source_row)
    SELECT ss, sid, sid, freq, claim_type, patient_id, billing_npi, rendering_npi,
           referring_npi, referring_name, rendering_id, referring_id, payer_id, payer_class,
           service_from, service_to, pos, charge, paid, dx, refnum, pa_num, referral_id, batch, row_no
      FROM src
    ON CONFLICT (source_system, source_id) DO UPDATE
       SET frequency = EXCLUDED.frequency, claim_type = EXCLUDED.claim_type, patient_id = EXCLUDED.patient_id,
           billing_npi = EXCLUDED.billing_npi, rendering_npi = EXCLUDED.rendering_npi,
           referring_npi = EXCLUDED.referring_npi, referring_name = EXCLUDED.referring_name,
           rendering_clinician_id = EXCLUDED.rendering_clinician_id,
           referring_clinician_id = CASE WHEN (EXCLUDED.referring_npi, EXCLUDED.referring_name)
                                               IS NOT DISTINCT FROM (t.referring_npi, t.referring_name)
                                          THEN coalesce(EXCLUDED.referring_clinician_id, t.referring_clinician_id)
                                          ELSE EXCLUDED.referring_clinician_id END,
           payer_id = EXCLUDED.payer_id, payer_class = EXCLUDED.payer_class, service_from = EXCLUDED.service_from,
           service_to = EXCLUDED.service_to, place_of_service = EXCLUDED.place_of_service,
           total_charge = EXCLUDED.total_charge, paid_amount = EXCLUDED.paid_amount,
           diagnosis_codes = EXCLUDED.diagnosis_codes, referral_number = EXCLUDED.referral_number,
           prior_auth_number = EXCLUDED.prior_auth_number, referral_id = EXCLUDED.referral_id,
           batch_id = EXCLUDED.batch_id, source_row = EXCLUDED.source_row
     WHERE (t.frequency, t.claim_type, t.patient_id, t.billing_npi, t.rendering_npi, t.referring_npi,
            t.referring_name, t.rendering_clinician_id, t.payer_id, t.payer_class, t.service_from, t.service_to,
            t.place_of_service, t.total_charge, t.paid_amount, t.diagnosis_codes, t.referral_number,
            t.prior_auth_number, t.referral_id)
           IS DISTINCT FROM
           (EXCLUDED.frequency, EXCLUDED.claim_type, EXCLUDED.patient_id, EXCLUDED.billing_npi, EXCLUDED.rendering_npi,
            EXCLUDED.referring_npi, EXCLUDED.referring_name, EXCLUDED.rendering_clinician_id, EXCLUDED.payer_id,
            EXCLUDED.payer_class, EXCLUDED.service_from, EXCLUDED.service_to, EXCLUDED.place_of_service,
            EXCLUDED.total_charge, EXCLUDED.paid_amount, EXCLUDED.diagnosis_codes, EXCLUDED.referral_number,
            EXCLUDED.prior_auth_number, EXCLUDED.referral_id)
    RETURNING (xmax = 0) AS is_insert)
  SELECT count(*) FILTER (WHERE is_insert), count(*) FILTER (WHERE NOT is_insert) INTO inserted, updated FROM up;
  unchanged := (SELECT count(*) FROM pg_temp.rc_rows WHERE reason IS NULL) - inserted - updated;
  PERFORM referral_crm.ingest_assert_stored('referral_crm.claims', 'claims');
END
$$;

-- The directory feeds.  directory_cms rows are first rewritten into the
-- native layout (source system 'cms-dac', location keyed by adrs_id).  A
-- clinician is keyed by NPI and takes its attributes from its first row in
-- the load; every row adds the practice location it names.
CREATE FUNCTION referral_crm.ingest_directory(p_feed text, batch bigint,
    OUT inserted bigint, OUT updated bigint, OUT unchanged bigint, OUT rejected bigint)
  LANGUAGE plpgsql SET client_min_messages = warning AS
$$
DECLARE
  ncols int := CASE p_feed WHEN 'directory_cms' THEN 40 ELSE 28 END;
BEGIN
  PERFORM referral_crm.ingest_prepare_lookups();
  DROP TABLE IF EXISTS pg_temp.rc_rows CASCADE;
  CREATE TEMP TABLE rc_rows ON COMMIT DROP AS
  WITH native AS (
    SELECT s.load_id, s.row_no, s.fields, s.raw, s.problem,
           CASE WHEN p_feed = 'directory_cms' AND cardinality(s.fields) = 40 THEN
             ARRAY['cms-dac', s.fields[1], s.fields[5], s.fields[6], s.fields[4], s.fields[7], s.fields[9],
                   s.fields[8], s.fields[12], NULL, s.fields[18], NULL, s.fields[40],
                   coalesce(nullif(s.fields[18], ''), s.fields[21]), s.fields[21], s.fields[22], s.fields[24],
                   s.fields[25], s.fields[26], NULL, NULL, s.fields[27], NULL, NULL, NULL, NULL, NULL, NULL]
             ELSE s.fields END AS f
      FROM pg_temp.rc_staged s)
  SELECT n.load_id, n.row_no, n.fields, n.raw, n.problem, v.*,
         referral_crm.map_code('sex', v.t_sex) AS sex,
         referral_crm.map_code('us_state', v.t_state) AS state,
         referral_crm.norm_zip(v.t_zip) AS zip,
         referral_crm.parse_float(v.t_lat) AS lat, referral_crm.parse_float(v.t_lon) AS lon,
         referral_crm.parse_bool(v.t_in_network) AS in_network,
         referral_crm.parse_bool(v.t_accepting) AS accepting,
         referral_crm.parse_date(v.t_from) AS active_from, referral_crm.parse_date(v.t_to) AS active_to,
         coalesce(v.loc_code, CASE WHEN v.address1 IS NOT NULL
                                   THEN 'addr:' || md5(lower(concat_ws('|', v.address1, v.address2,
                                                                      coalesce(referral_crm.norm_zip(v.t_zip), v.t_zip)))) END) AS loc_key,
         CASE WHEN v.org_name IS NOT NULL OR v.org_npi IS NOT NULL
              THEN coalesce('npi:' || v.org_npi, 'name:' || lower(v.org_name)) END AS org_key,
         CASE WHEN v.t_credentials IS NULL THEN '{}'::text[]
              ELSE array_remove(regexp_split_to_array(upper(v.t_credentials), '\s*[;,]\s*|\s+'), '') END AS credentials,
         sp.specialty, NULL::text AS reason, NULL::text AS message
    FROM native n
   CROSS JOIN LATERAL referral_crm.unpack_fields(n.f) AS v (
         ss text, sid text, given text, middle text, family text, suffix text, t_credentials text,
         t_sex text, t_specialty text, taxonomy text, org_name text, org_npi text, loc_code text,
         loc_name text, address1 text, address2 text, city text, t_state text, t_zip text, t_lat text,
         t_lon text, phone text, fax text, email text, t_in_network text, t_accepting text, t_from text,
         t_to text)
    LEFT JOIN pg_temp.rc_spec sp ON sp.key = lower(v.t_specialty);
  ANALYZE pg_temp.rc_rows;

  UPDATE pg_temp.rc_rows r SET reason = CASE
           WHEN r.problem IS NOT NULL THEN 'malformed_csv'
           WHEN cardinality(r.fields) <> ncols THEN 'column_count'
           WHEN referral_crm.ingest_field_too_long(r.fields, '{}') THEN 'value_too_long'
           WHEN r.ss IS NULL OR r.sid IS NULL THEN 'missing_key'
           WHEN r.family IS NULL THEN 'missing_value'
           WHEN NOT referral_crm.npi_is_valid(r.sid) OR (r.org_npi IS NOT NULL AND NOT referral_crm.npi_is_valid(r.org_npi)) THEN 'invalid_npi'
           WHEN (r.t_from IS NOT NULL AND r.active_from IS NULL) OR (r.t_to IS NOT NULL AND r.active_to IS NULL) THEN 'bad_date'
           WHEN r.active_to < r.active_from THEN 'bad_order'
           WHEN (r.t_sex IS NOT NULL AND r.sex IS NULL) OR (r.t_state IS NOT NULL AND r.state IS NULL)
             OR (r.taxonomy IS NOT NULL AND NOT referral_crm.is_valid_code('taxonomy', r.taxonomy)) THEN 'invalid_code'
           WHEN r.t_zip IS NOT NULL AND r.zip IS NULL THEN 'invalid_zip'
           WHEN (r.t_lat IS NOT NULL AND (r.lat IS NULL OR abs(r.lat) > 90))
             OR (r.t_lon IS NOT NULL AND (r.lon IS NULL OR abs(r.lon) > 180))
             OR ((r.lat IS NULL) <> (r.lon IS NULL)) THEN 'bad_number'
           WHEN (r.t_in_network IS NOT NULL AND r.in_network IS NULL)
             OR (r.t_accepting IS NOT NULL AND r.accepting IS NULL) THEN 'bad_boolean'
           WHEN r.t_specialty IS NOT NULL AND r.specialty IS NULL THEN 'unknown_specialty'
         END;
  -- The key of a directory row is the clinician and the location.
  UPDATE pg_temp.rc_rows r SET reason = 'duplicate_key'
    FROM (SELECT load_id, row_no,
                 row_number() OVER (PARTITION BY sid, loc_key ORDER BY load_id, row_no) AS n
            FROM pg_temp.rc_rows WHERE reason IS NULL) d
   WHERE d.n > 1 AND r.load_id = d.load_id AND r.row_no = d.row_no;

  UPDATE pg_temp.rc_rows r SET message = CASE r.reason
           WHEN 'malformed_csv' THEN 'the record is not valid CSV: ' || r.problem
           WHEN 'column_count' THEN format('the record has %s fields, the %s feed has %s', cardinality(r.fields), p_feed, ncols)
           WHEN 'value_too_long' THEN 'a field is longer than 1,000 bytes'
           WHEN 'missing_key' THEN 'the NPI is required'
           WHEN 'missing_value' THEN 'the family name is required'
           WHEN 'invalid_npi' THEN format('an NPI is not valid: npi %L, organization_npi %L', r.sid, r.org_npi)
           WHEN 'bad_date' THEN format('a date is not valid: active_from %L, active_to %L', r.t_from, r.t_to)
           WHEN 'bad_order' THEN format('active_to %s is before active_from %s', r.t_to, r.t_from)
           WHEN 'invalid_code' THEN format('a code is not valid: sex %L, state %L, taxonomy_code %L', r.t_sex, r.t_state, r.taxonomy)
           WHEN 'invalid_zip' THEN format('zip %L is not a ZIP code', r.t_zip)
           WHEN 'bad_number' THEN format('coordinates are not valid: latitude %L, longitude %L', r.t_lat, r.t_lon)
           WHEN 'bad_boolean' THEN format('a flag is not a boolean: in_network %L, accepting_referrals %L', r.t_in_network, r.t_accepting)
           WHEN 'unknown_specialty' THEN format('specialty %L is not a known specialty', r.t_specialty)
           WHEN 'duplicate_key' THEN format('clinician %s at this location appears earlier in the same load', r.sid)
         END
   WHERE r.reason IS NOT NULL;
  rejected := referral_crm.ingest_record_rejects(p_feed, batch);

  -- Organisations and locations (first row per key wins).
  INSERT INTO referral_crm.organizations AS o (name, npi, source_system, source_id, batch_id, source_row)
  -- An organisation NPI is one organisation: its first row in the load
  -- makes it (rows of other source systems then find it by its NPI).
  SELECT DISTINCT ON (ss, org_key) coalesce(org_name, org_npi), org_npi, ss, org_key, batch, row_no
    FROM (SELECT x.*, row_number() OVER (PARTITION BY x.org_npi ORDER BY x.load_id, x.row_no) AS npi_n
            FROM pg_temp.rc_rows x WHERE x.reason IS NULL AND x.org_key IS NOT NULL) r
   WHERE (org_npi IS NULL OR (npi_n = 1 AND NOT EXISTS (SELECT 1 FROM referral_crm.organizations x
                                          WHERE x.npi = r.org_npi AND (x.source_system, x.source_id) <> (r.ss, r.org_key))))
   ORDER BY ss, org_key, load_id, row_no
  ON CONFLICT (source_system, source_id) DO UPDATE SET name = EXCLUDED.name, batch_id = EXCLUDED.batch_id
   WHERE o.name IS DISTINCT FROM EXCLUDED.name;

  -- Each row's organisation: the one with its NPI, else its own key.
  DROP TABLE IF EXISTS pg_temp.rc_org CASCADE;
  CREATE TEMP TABLE rc_org ON COMMIT DROP AS
  SELECT DISTINCT ON (k.ss, k.org_key) k.ss, k.org_key, o.organization_id
    FROM (SELECT DISTINCT ss, org_key, org_npi FROM pg_temp.rc_rows WHERE reason IS NULL AND org_key IS NOT NULL) k
    JOIN referral_crm.organizations o
      ON (o.source_system = k.ss AND o.source_id = k.org_key) OR (k.org_npi IS NOT NULL AND o.npi = k.org_npi)
   ORDER BY k.ss, k.org_key, (o.npi IS NOT DISTINCT FROM k.org_npi) DESC, o.organization_id;

  DROP TABLE IF EXISTS pg_temp.rc_loc CASCADE;
  CREATE TEMP TABLE rc_loc ON COMMIT DROP AS
  WITH up AS (
    INSERT INTO referral_crm.locations AS l
           (organization_id, name, address_line1, address_line2, city, state, zip, latitude, longitude,
            phone, fax, source_system, source_id, batch_id, source_row)
    SELECT DISTINCT ON (r.ss, r.loc_key) o.organization_id, coalesce(r.loc_name, r.address1), r.address1, r.address2,
           r.city, r.state, r.zip, r.lat, r.lon, r.phone, r.fax, r.ss, r.loc_key, batch, r.row_no
      FROM pg_temp.rc_rows r
      LEFT JOIN pg_temp.rc_org o ON o.ss = r.ss AND o.org_key = r.org_key
     WHERE r.reason IS NULL AND r.loc_key IS NOT NULL
     ORDER BY r.ss, r.loc_key, r.load_id, r.row_no
    ON CONFLICT (source_system, source_id) DO UPDATE
       SET organization_id = EXCLUDED.organization_id, name = EXCLUDED.name, address_line1 = EXCLUDED.address_line1,
           address_line2 = EXCLUDED.address_line2, city = EXCLUDED.city, state = EXCLUDED.state, zip = EXCLUDED.zip,
           latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude, phone = EXCLUDED.phone, fax = EXCLUDED.fax,
           batch_id = EXCLUDED.batch_id, source_row = EXCLUDED.source_row
     WHERE (l.organization_id, l.name, l.address_line1, l.address_line2, l.city, l.state, l.zip, l.latitude,
            l.longitude, l.phone, l.fax)
           IS DISTINCT FROM
           (EXCLUDED.organization_id, EXCLUDED.name, EXCLUDED.address_line1, EXCLUDED.address_line2, EXCLUDED.city,
            EXCLUDED.state, EXCLUDED.zip, EXCLUDED.latitude, EXCLUDED.longitude, EXCLUDED.phone, EXCLUDED.fax)
    RETURNING l.source_system, l.source_id, (xmax = 0) AS is_insert)
  SELECT * FROM up;

  -- Clinicians, by NPI.
  DROP TABLE IF EXISTS pg_temp.rc_clin CASCADE;
  CREATE TEMP TABLE rc_clin ON COMMIT DROP AS
  WITH up AS (
    INSERT INTO referral_crm.clinicians AS c
           (npi, name_as_given, given_name, middle_name, family_name, name_suffix, credentials, sex, specialty,
            taxonomy_code, organization_id, phone, fax, email, in_network, accepting_referrals, active_from,
            active_to, source_system, source_id, batch_id, source_row)
    SELECT DISTINCT ON (r.sid) r.sid, concat_ws(' ', r.given, r.middle, r.family, r.suffix), r.given, r.middle,
           r.family, r.suffix, r.credentials, r.sex, r.specialty, r.taxonomy, o.organization_id, r.phone, r.fax,
           r.email, coalesce(r.in_network, false), coalesce(r.accepting, true), r.active_from, r.active_to,
           r.ss, r.sid, batch, r.row_no
      FROM pg_temp.rc_rows r
      LEFT JOIN pg_temp.rc_org o ON o.ss = r.ss AND o.org_key = r.org_key
     WHERE r.reason IS NULL
     ORDER BY r.sid, r.load_id, r.row_no
    ON CONFLICT (npi) DO UPDATE
       SET name_as_given = EXCLUDED.name_as_given, given_name = EXCLUDED.given_name,
           middle_name = EXCLUDED.middle_name, family_name = EXCLUDED.family_name,
           name_suffix = EXCLUDED.name_suffix, credentials = EXCLUDED.credentials, sex = EXCLUDED.sex,
           specialty = EXCLUDED.specialty, taxonomy_code = EXCLUDED.taxonomy_code,
           organization_id = EXCLUDED.organization_id, phone = EXCLUDED.phone, fax = EXCLUDED.fax,
           email = EXCLUDED.email, in_network = EXCLUDED.in_network,
           accepting_referrals = EXCLUDED.accepting_referrals, active_from = EXCLUDED.active_from,
           active_to = EXCLUDED.active_to, batch_id = EXCLUDED.batch_id, source_row = EXCLUDED.source_row
     WHERE (c.name_as_given, c.given_name, c.middle_name, c.family_name, c.name_suffix, c.credentials, c.sex,
            c.specialty, c.taxonomy_code, c.organization_id, c.phone, c.fax, c.email, c.in_network,
            c.accepting_referrals, c.active_from, c.active_to)
           IS DISTINCT FROM
           (EXCLUDED.name_as_given, EXCLUDED.given_name, EXCLUDED.middle_name, EXCLUDED.family_name,
            EXCLUDED.name_suffix, EXCLUDED.credentials, EXCLUDED.sex, EXCLUDED.specialty, EXCLUDED.taxonomy_code,
            EXCLUDED.organization_id, EXCLUDED.phone, EXCLUDED.fax, EXCLUDED.email, EXCLUDED.in_network,
            EXCLUDED.accepting_referrals, EXCLUDED.active_from, EXCLUDED.active_to)
    RETURNING c.npi, c.clinician_id, (xmax = 0) AS is_insert)
  SELECT * FROM up;

  -- Links; the first location of a clinician without one becomes primary.
  DROP TABLE IF EXISTS pg_temp.rc_link CASCADE;
  CREATE TEMP TABLE rc_link ON COMMIT DROP AS
  WITH up AS (
    INSERT INTO referral_crm.clinician_locations AS cl (clinician_id, location_id, is_primary)
    SELECT c.clinician_id, l.location_id,
           NOT EXISTS (SELECT 1 FROM referral_crm.clinician_locations x WHERE x.clinician_id = c.clinician_id AND x.is_primary)
           AND row_number() OVER (PARTITION BY c.clinician_id ORDER BY r.load_id, r.row_no) = 1
      FROM pg_temp.rc_rows r
      JOIN referral_crm.clinicians c ON c.npi = r.sid
      JOIN referral_crm.locations l ON l.source_system = r.ss AND l.source_id = r.loc_key
     WHERE r.reason IS NULL
    ON CONFLICT (clinician_id, location_id) DO NOTHING
    RETURNING cl.clinician_id, cl.location_id)
  SELECT * FROM up;

  -- Outcome per row: inserted if it created the clinician, the location or
  -- the link; updated if it changed the clinician or the location.
  SELECT count(*) FILTER (WHERE o = 'i'), count(*) FILTER (WHERE o = 'u'), count(*) FILTER (WHERE o = 'n')
    INTO inserted, updated, unchanged
    FROM (SELECT CASE
                   WHEN (first_of_npi AND c.is_insert) OR l.is_insert OR k.clinician_id IS NOT NULL THEN 'i'
                   WHEN (first_of_npi AND c.npi IS NOT NULL) OR l.source_id IS NOT NULL THEN 'u'
                   ELSE 'n' END AS o
            FROM (SELECT r.*, row_number() OVER (PARTITION BY r.sid ORDER BY r.load_id, r.row_no) = 1 AS first_of_npi
                    FROM pg_temp.rc_rows r WHERE r.reason IS NULL) r
            LEFT JOIN pg_temp.rc_clin c ON c.npi = r.sid
            LEFT JOIN pg_temp.rc_loc l ON l.source_system = r.ss AND l.source_id = r.loc_key
            LEFT JOIN referral_crm.locations ll ON ll.source_system = r.ss AND ll.source_id = r.loc_key
            LEFT JOIN pg_temp.rc_link k ON k.clinician_id = (SELECT clinician_id FROM referral_crm.clinicians WHERE npi = r.sid)
                                        AND k.location_id = ll.location_id) x;
END
$$;

-- ingest(feed): validate, normalise and merge what is staged for a feed.
-- Claims the staged rows it processes (FOR UPDATE SKIP LOCKED, then
-- DELETE), so that concurrent ingests of one feed split the work and never
-- process a row twice.  Loads (one COPY or stage_csv each) are applied in
-- staging order.  Every claimed row ends in the data model or in
-- ingest_rejects; the counts add up to the rows claimed.
CREATE FUNCTION referral_crm.ingest(feed text)
  RETURNS TABLE (batch_id bigint, inserted bigint, updated bigint, unchanged bigint, rejected bigint)
  LANGUAGE plpgsql SET client_min_messages = warning AS
$$
#variable_conflict use_variable
DECLARE
  b bigint;
  claimed bigint;
  c record;
  l bigint;
  t_ins bigint := 0;
  t_upd bigint := 0;
  t_unch bigint := 0;
  t_rej bigint := 0;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM referral_crm.ingest_feeds f WHERE f.feed = ingest.feed) THEN
    RAISE EXCEPTION 'unknown feed "%"', feed
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'The feeds are ' || (SELECT string_agg(f.feed, ', ' ORDER BY f.feed) FROM referral_crm.ingest_feeds f) || '.';
  END IF;
  INSERT INTO referral_crm.ingest_batches AS ib (feed) VALUES (feed) RETURNING ib.batch_id INTO b;

  DROP TABLE IF EXISTS pg_temp.rc_claimed CASCADE;
  CREATE TEMP TABLE rc_claimed ON COMMIT DROP AS
  WITH mine AS (
    SELECT s.ctid AS c FROM referral_crm.staged_rows s WHERE s.feed = ingest.feed FOR UPDATE SKIP LOCKED),
  gone AS (
    DELETE FROM referral_crm.staged_rows s USING mine WHERE s.ctid = mine.c
    RETURNING s.load_id, s.row_no, s.fields, s.raw, s.problem)
  SELECT * FROM gone;
  GET DIAGNOSTICS claimed = ROW_COUNT;
  ANALYZE pg_temp.rc_claimed;

  -- Loads are applied in the order they were staged, as if ingested one
  -- after the other: a later file supersedes an earlier one.
  FOR l IN SELECT DISTINCT x.load_id FROM pg_temp.rc_claimed x ORDER BY x.load_id LOOP
    DROP VIEW IF EXISTS pg_temp.rc_staged;
    EXECUTE format('CREATE TEMP VIEW rc_staged AS SELECT * FROM pg_temp.rc_claimed x WHERE x.load_id = %s', l);
    c := CASE feed
           WHEN 'referrals' THEN referral_crm.ingest_referrals(b)
           WHEN 'appointments' THEN referral_crm.ingest_appointments(b)
           WHEN 'claims' THEN referral_crm.ingest_claims(b)
           ELSE referral_crm.ingest_directory(feed, b)
         END;
    t_ins := t_ins + c.inserted;
    t_upd := t_upd + c.updated;
    t_unch := t_unch + c.unchanged;
    t_rej := t_rej + c.rejected;
  END LOOP;
  IF t_ins + t_upd + t_unch + t_rej <> claimed THEN
    RAISE EXCEPTION 'ingest of feed "%" accounted for % of % staged rows', feed,
                    t_ins + t_upd + t_unch + t_rej, claimed
      USING ERRCODE = 'internal_error';
  END IF;
  UPDATE referral_crm.ingest_batches AS ib
     SET finished_at = clock_timestamp(), inserted = t_ins, updated = t_upd,
         unchanged = t_unch, rejected = t_rej,
         details = jsonb_build_object('staged', claimed,
                                      'loads', (SELECT count(DISTINCT x.load_id) FROM pg_temp.rc_claimed x))
   WHERE ib.batch_id = b;
  DROP VIEW IF EXISTS pg_temp.rc_staged;
  DROP VIEW IF EXISTS pg_temp.rc_pat;
  DROP VIEW IF EXISTS pg_temp.rc_pay;
  RETURN QUERY SELECT b, t_ins, t_upd, t_unch, t_rej;
END
$$;
COMMENT ON FUNCTION referral_crm.ingest(text) IS
  'validate, normalise and merge the rows staged for a feed; returns batch_id, inserted, updated, unchanged, rejected';
