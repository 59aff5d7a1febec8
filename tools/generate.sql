-- tools/generate.sql: a deterministic, seeded generator of a realistic
-- physician-referral dataset for referral_crm.
--
--   psql -X -v ON_ERROR_STOP=1 -v scale=1000 -v seed=42 -v outdir=/tmp/out \
--        -f tools/generate.sql
--
-- Variables:
--   scale    number of referrals (100 .. 50,000,000; 1,000 .. 10,000,000 intended)
--   seed     any bigint; the same scale and seed give byte-identical files
--   outdir   output directory (created if missing)
--   datadir  the repository's data/ directory (default: data, relative to
--            the current directory; bin/generate passes an absolute path)
--
-- Needs a database where CREATE EXTENSION referral_crm has been run; uses its
-- specialty table and value-set functions, writes nothing into the database
-- (only temporary tables of this session).  Output, written on the client
-- by \copy: the five feed CSVs (directory.csv, directory_cms.csv,
-- referrals.csv, appointments.csv, claims.csv), FHIR R4 Bundles under
-- fhir/, and ground truth for tests under truth/.  See tools/README.md.
--
-- Determinism: every random choice is pg_temp.u(entity key, purpose), a hash
-- of (seed, key, purpose) mapped to [0,1); nothing uses random().  Every
-- output query has a total ORDER BY on integer keys.  All timestamps are
-- simulated as local wall-clock times in America/New_York relative to a
-- fixed anchor (2026-10-01 00:00), never now().
--
-- Hash purposes: each entity type owns a range of purpose numbers, so two
-- entities with the same key number never share a random stream:
--     1-199 referrals (key n)        200-299 patients (key patient_no)
--   300-399 clinicians (key clin_no) 400-499 appointments (key appt key)
--   500-599 claims (key appt key)    600-699 locations, organisations
--   700-799 dirty rows               800-899 unlinked appointments

\set ON_ERROR_STOP 1
\set QUIET on
\pset pager off

------------------------------------------------------------------------
-- Parameters
------------------------------------------------------------------------

\if :{?scale}
\else
  \warn 'generate.sql: pass -v scale=N (the number of referrals)'
  DO $$ BEGIN RAISE EXCEPTION 'missing psql variable "scale"'; END $$;
\endif
\if :{?seed}
\else
  \set seed 42
\endif
\if :{?outdir}
\else
  \warn 'generate.sql: pass -v outdir=DIR (where to write the files)'
  DO $$ BEGIN RAISE EXCEPTION 'missing psql variable "outdir"'; END $$;
\endif
\if :{?datadir}
\else
  \set datadir data
\endif

SELECT :'scale' ~ '^[0-9]{1,9}$' AND CASE WHEN :'scale' ~ '^[0-9]{1,9}$'
                                          THEN :'scale'::bigint BETWEEN 100 AND 50000000 END
         AS gen_scale_ok,
       :'seed' ~ '^-?[0-9]{1,18}$' AS gen_seed_ok \gset
\if :gen_scale_ok
\else
  DO $$ BEGIN RAISE EXCEPTION 'scale must be an integer between 100 and 50000000'; END $$;
\endif
\if :gen_seed_ok
\else
  DO $$ BEGIN RAISE EXCEPTION 'seed must be an integer'; END $$;
\endif

-- Absolute paths: psql's \copy does not expand variables, so the script
-- changes directory (\cd) to the data directory to read and to the output
-- directory to write, with relative file names.
\set gen_outdir `mkdir -p -- :'outdir'/fhir :'outdir'/truth 2>/dev/null && cd -- :'outdir' && pwd`
\set gen_datadir `cd -- :'datadir' 2>/dev/null && test -f directory/cms_dac_maine.csv && pwd`
SELECT :'gen_outdir' LIKE '/%' AS gen_outdir_ok, :'gen_datadir' LIKE '/%' AS gen_datadir_ok \gset
\if :gen_outdir_ok
\else
  DO $$ BEGIN RAISE EXCEPTION 'cannot create the output directory'; END $$;
\endif
\if :gen_datadir_ok
\else
  \warn 'generate.sql: run from the repository root, or pass -v datadir=/path/to/referral_crm/data'
  DO $$ BEGIN RAISE EXCEPTION 'data directory not found'; END $$;
\endif

SELECT extversion IS NOT NULL AS gen_ext_ok FROM pg_extension WHERE extname = 'referral_crm' \gset
\if :{?gen_ext_ok}
\else
  DO $$ BEGIN RAISE EXCEPTION 'run CREATE EXTENSION referral_crm in this database first'; END $$;
\endif

-- Session settings: fixed time zone and output styles, no parallel plans,
-- room for the temporary tables (temp_buffers must be set before the
-- session touches its first temporary table).
SET client_min_messages = warning;
SET TimeZone = 'America/New_York';
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = postgres;
SET extra_float_digits = 0;
SET max_parallel_workers_per_gather = 0;
SET temp_buffers = '2GB';
SET work_mem = '512MB';
SET hash_mem_multiplier = 2;
SET jit = off;              -- JIT would make results depend on cost estimates
-- Hash joins only: a nested loop over a mis-estimated temporary table can
-- turn seconds into hours, a merge join sorts wide rows for nothing.
SET enable_nestloop = off;
SET enable_mergejoin = off;

------------------------------------------------------------------------
-- Helpers (temporary functions; the seed is baked in as a constant)
------------------------------------------------------------------------

-- u(key, purpose): a uniform double in [0, 1), a pure function of
-- (seed, key, purpose): 53 bits of a 64-bit hash.  Two rounds of
-- hashint8extended: the key's hash, XORed with the purpose spread by a
-- multiplicative constant, hashed again.  (One round over key * 4096 +
-- purpose is not enough: adjacent inputs come out correlated, about -0.09,
-- and hashint8extended folds 64 bits to 32, so keys 2^20 apart would share
-- their streams.  Measured: correlations and 10x10 chi-square tests of
-- pairs of streams at noise level.)
SELECT format($f$
CREATE FUNCTION pg_temp.u(k bigint, p integer) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS 'SELECT (hashint8extended(hashint8extended(k, %1$s) # (p * 2654435761::bigint), %1$s)
              & 9007199254740991)::double precision / 9007199254740992.0'
$f$, :'seed'::bigint) \gexec

-- ui(key, purpose, n): a uniform integer in [0, n).
CREATE FUNCTION pg_temp.ui(k bigint, p integer, n bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS 'SELECT floor(pg_temp.u(k, p) * n)::bigint';

-- z(key, purpose): a standard normal deviate (Box-Muller on purposes p and
-- p + 1), clamped to [-3, 3].
CREATE FUNCTION pg_temp.z(k bigint, p integer) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS 'SELECT greatest(-3.0, least(3.0,
             sqrt(-2.0 * ln(1.0 - pg_temp.u(k, p))) * cos(2.0 * pi() * pg_temp.u(k, p + 1))))';

-- lognormal(key, purpose, median, sigma): a positive skewed duration.
CREATE FUNCTION pg_temp.lognormal(k bigint, p integer, median double precision,
                                  sigma double precision) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS 'SELECT median * exp(sigma * pg_temp.z(k, p))';

-- pick(arr, key, purpose): one element of a small array, uniformly.
CREATE FUNCTION pg_temp.pick(arr text[], k bigint, p integer) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS 'SELECT arr[1 + pg_temp.ui(k, p, cardinality(arr))]';

-- A Luhn-valid NPI from nine digits.
CREATE FUNCTION pg_temp.npi(first9 text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS 'SELECT first9 || referral_crm.npi_check_digit(first9)::text';

-- The same nine digits with a wrong check digit (a planted invalid NPI).
CREATE FUNCTION pg_temp.bad_npi(npi text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS 'SELECT left(npi, 9) || ((referral_crm.npi_check_digit(left(npi, 9)) + 1
                               + pg_temp.ui(hashtext(npi), 701, 8)) % 10)::text';

-- A local wall-clock time as ISO 8601 with its UTC offset
-- (2026-03-01T09:15:00-05:00); the session time zone is America/New_York.
CREATE FUNCTION pg_temp.ts_out(ts timestamp) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$SELECT to_char(ts AT TIME ZONE 'America/New_York', 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM')$$;

-- The next weekday on or after a date (Saturday and Sunday move to Monday).
-- (Integer arithmetic: 2000-01-03 was a Monday; extract() is slow.)
CREATE FUNCTION pg_temp.weekday(d date) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$SELECT d + CASE (d - date '2000-01-03') % 7 WHEN 5 THEN 2 WHEN 6 THEN 1 ELSE 0 END$$;

-- A clinic slot: a weekday at 08:00 .. 16:40 on a 20-minute grid; k20 is
-- the slot of the day, 0 .. 26.
CREATE FUNCTION pg_temp.slot(d date, k20 bigint) RETURNS timestamp
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$SELECT pg_temp.weekday(d) + time '08:00' + k20 * interval '20 minutes'$$;

-- The same moment, or the next one in office hours (a call or a booking):
-- weekend -> Monday 08:00-10:24, night -> 08:00-09:36 the same day,
-- evening -> 08:00-09:45 the next weekday.  Never earlier than t.
CREATE FUNCTION pg_temp.office(t timestamp) RETURNS timestamp
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
  SELECT CASE
           WHEN (t::date - date '2000-01-03') % 7 >= 5
             THEN t::date + (7 - (t::date - date '2000-01-03') % 7) + time '08:00' + (t - t::date) / 10
           WHEN t - t::date < interval '8 hours'
             THEN t::date + time '08:00' + (t - t::date) / 5
           WHEN t - t::date >= interval '17 hours'
             THEN t::date + CASE WHEN (t::date - date '2000-01-03') % 7 = 4 THEN 3 ELSE 1 END + time '08:00'
                  + (t - t::date - interval '17 hours') / 4
           ELSE t
         END
  $$;

-- Proper-case a name written in capitals (O'BRIEN -> O'Brien, MCLEAN -> McLean).
CREATE FUNCTION pg_temp.proper(s text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$SELECT CASE WHEN s LIKE 'MC_%' THEN 'Mc' || initcap(substr(s, 3)) ELSE initcap(s) END$$;

-- Capitalise the first letter of a sentence.
CREATE FUNCTION pg_temp.ucfirst(s text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS 'SELECT upper(left(s, 1)) || substr(s, 2)';

-- One typing error in a word: substitution, deletion, transposition or a
-- doubled letter, at a position chosen by (key, purpose).
CREATE FUNCTION pg_temp.typo(s text, k bigint, p integer) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
  SELECT CASE pg_temp.ui(k, p, 4)
           WHEN 0 THEN overlay(s PLACING chr(65 + ((ascii(upper(substr(s, i, 1))) - 65 + 1
                                                    + pg_temp.ui(k, p + 1, 24)::int) % 26 + 26) % 26)
                            FROM i FOR 1)
           WHEN 1 THEN overlay(s PLACING '' FROM i FOR 1)
           WHEN 2 THEN overlay(s PLACING substr(s, i + 1, 1) || substr(s, i, 1) FROM i FOR 2)
           ELSE overlay(s PLACING substr(s, i, 1) FROM i FOR 0)
         END
    FROM (SELECT 2 + pg_temp.ui(k, p + 2, greatest(length(s) - 2, 1))::int AS i) pos
  $$;

-- An order-preserving JSON pretty-printer (jsonb_pretty would sort keys).
CREATE FUNCTION pg_temp.json_pretty(j json, depth integer DEFAULT 0) RETURNS text
  LANGUAGE plpgsql IMMUTABLE AS
$$
DECLARE
  pad   text := repeat('  ', depth + 1);
  parts text[] := '{}';
  k     text;
  v     json;
BEGIN
  CASE json_typeof(j)
  WHEN 'object' THEN
    FOR k, v IN SELECT e.key, e.value FROM json_each(j) e LOOP
      parts := parts || (pad || to_json(k)::text || ': ' || pg_temp.json_pretty(v, depth + 1));
    END LOOP;
    IF cardinality(parts) = 0 THEN RETURN '{}'; END IF;
    RETURN E'{\n' || array_to_string(parts, E',\n') || E'\n' || repeat('  ', depth) || '}';
  WHEN 'array' THEN
    FOR v IN SELECT e.value FROM json_array_elements(j) e LOOP
      parts := parts || (pad || pg_temp.json_pretty(v, depth + 1));
    END LOOP;
    IF cardinality(parts) = 0 THEN RETURN '[]'; END IF;
    RETURN E'[\n' || array_to_string(parts, E',\n') || E'\n' || repeat('  ', depth) || ']';
  ELSE
    RETURN trim(j::text);
  END CASE;
END
$$;

------------------------------------------------------------------------
-- Run parameters
------------------------------------------------------------------------

CREATE TEMP TABLE g_param AS
SELECT :scale::bigint                                  AS scale,
       :'seed'::bigint                                 AS seed,
       timestamp '2026-10-01 00:00'                    AS anchor,
       date '2026-10-01'                               AS anchor_date,
       greatest(300, :scale::bigint / 50)              AS n_gen_clin,     -- generated clinicians
       greatest(50, :scale::bigint * 3 / 4)            AS n_pat,          -- patients
       (:scale::bigint * 30) / 100                     AS n_unlinked,     -- appointments without referral
       least(20, :scale::bigint / 10)                  AS n_bundles;      -- FHIR bundles

SELECT scale AS gen_scale, n_bundles AS gen_bundles, n_pat AS gen_n_pat FROM g_param \gset

------------------------------------------------------------------------
-- Source data (data/: CMS directory excerpts, names, note phrases)
------------------------------------------------------------------------

\cd :gen_datadir

-- CMS Doctors and Clinicians national file, full layout (header normalised
-- to the lower-case column names of the directory_cms feed).
CREATE TEMP TABLE src_cms (
  npi text, ind_pac_id text, ind_enrl_id text, lst_nm text, frst_nm text, mid_nm text, suff text,
  gndr text, cred text, med_sch text, grd_yr text, pri_spec text, sec_spec_1 text, sec_spec_2 text,
  sec_spec_3 text, sec_spec_4 text, sec_spec_all text, org_nm text, org_pac_id text, num_org_mem text,
  adr_ln_1 text, adr_ln_2 text, ln_2_sprs text, cty text, st text, zip text, phn_numbr text,
  hosp_afl_1 text, hosp_afl_lbn_1 text, hosp_afl_2 text, hosp_afl_lbn_2 text, hosp_afl_3 text,
  hosp_afl_lbn_3 text, hosp_afl_4 text, hosp_afl_lbn_4 text, hosp_afl_5 text, hosp_afl_lbn_5 text,
  ind_assgn text, grp_assgn text, adrs_id text);
\copy src_cms FROM 'directory/cms_dac_full_schema_sample.csv' (FORMAT csv, HEADER)

-- CMS Doctors and Clinicians, Maine (7 columns; ZIPs lost their leading zero).
CREATE TEMP TABLE src_maine (npi text, provider_name text, primary_specialty text, address text,
                             city text, state text, zip text);
\copy src_maine FROM 'directory/cms_dac_maine.csv' (FORMAT csv, HEADER)

CREATE TEMP TABLE src_surname (surname text, cnt bigint);
\copy src_surname FROM 'names/surnames_top5000.csv' (FORMAT csv, HEADER)

CREATE TEMP TABLE src_given (given_name text, sex text, weight bigint);
\copy src_given FROM 'names/given_names.csv' (FORMAT csv, HEADER)

CREATE TEMP TABLE src_nick (name1 text, relationship text, name2 text);
\copy src_nick FROM 'names/carltonnorthern_names.csv' (FORMAT csv, HEADER)

CREATE TEMP TABLE src_condition (specialty text, icd10 text, reason text, symptoms text,
                                 findings text, weight int, sex text, age_band text);
\copy src_condition FROM 'notes/conditions.csv' (FORMAT csv, HEADER)

CREATE TEMP TABLE src_template (specialty text, template text);
\copy src_template FROM 'notes/templates.csv' (FORMAT csv, HEADER)

CREATE TEMP TABLE src_phrase (kind text, phrase text);
\copy src_phrase FROM 'notes/phrases.csv' (FORMAT csv, HEADER)

\cd :gen_outdir

------------------------------------------------------------------------
-- Reference tables written here: specialty attributes, payers and plans,
-- Maine towns, street names
------------------------------------------------------------------------

-- Specialty attributes used by the generator.  grp: 'pcp' clinicians send
-- most referrals, 'target' specialties receive them; target_w: share of
-- referrals; gen_w: share of the generated clinicians; creds: credential
-- kind; new_min/fu_min: visit minutes; fu_mean/fu_step: follow-up visits
-- (mean count, days apart); new_chg/fu_chg: typical charges in dollars.
CREATE TEMP TABLE g_spec_info (
  specialty text PRIMARY KEY, taxonomy text, grp text, target_w int, gen_w int, creds text,
  new_min int, fu_min int, fu_mean numeric, fu_step int, new_chg numeric, fu_chg numeric);
INSERT INTO g_spec_info VALUES
  ('family-medicine',       '207Q00000X', 'pcp',     0, 180, 'md',  30, 20, 0,   0,  180, 120),
  ('internal-medicine',     '207R00000X', 'pcp',     0, 120, 'md',  30, 20, 0,   0,  190, 125),
  ('general-practice',      '208D00000X', 'pcp',     0,  10, 'md',  30, 20, 0,   0,  170, 110),
  ('nurse-practitioner',    '363L00000X', 'pcp',     0, 100, 'np',  30, 20, 0,   0,  150, 100),
  ('physician-assistant',   '363A00000X', 'pcp',     0,  50, 'pa',  30, 20, 0,   0,  150, 100),
  ('pediatrics',            '208000000X', 'pcp',     0,  20, 'md',  30, 20, 0,   0,  170, 110),
  ('geriatric-medicine',    '207RG0300X', 'pcp',     0,  10, 'md',  40, 20, 0,   0,  200, 130),
  ('cardiology',            '207RC0000X', 'target', 12,  60, 'md',  60, 30, 1.3, 60, 320, 180),
  ('orthopedic-surgery',    '207X00000X', 'target', 13,  65, 'md',  40, 20, 1.5, 42, 280, 150),
  ('dermatology',           '207N00000X', 'target',  9,  45, 'md',  30, 20, 0.7, 90, 220, 130),
  ('gastroenterology',      '207RG0100X', 'target', 10,  50, 'md',  40, 20, 0.6, 60, 300, 160),
  ('neurology',             '2084N0400X', 'target',  7,  35, 'md',  60, 30, 1.1, 90, 330, 180),
  ('pulmonary-disease',     '207RP1001X', 'target',  4,  20, 'md',  40, 20, 1.1, 90, 280, 160),
  ('endocrinology',         '207RE0101X', 'target',  4,  20, 'md',  40, 20, 1.8, 90, 260, 150),
  ('rheumatology',          '207RR0500X', 'target',  3,  15, 'md',  60, 30, 1.8, 90, 300, 170),
  ('urology',               '208800000X', 'target',  4,  20, 'md',  30, 20, 1.0, 60, 250, 140),
  ('otolaryngology',        '207Y00000X', 'target',  4,  20, 'md',  30, 20, 0.8, 60, 240, 140),
  ('ophthalmology',         '207W00000X', 'target',  4,  20, 'md',  40, 20, 1.0, 60, 230, 130),
  ('general-surgery',       '208600000X', 'target',  4,  20, 'md',  30, 20, 0.9, 21, 260, 120),
  ('psychiatry',            '2084P0800X', 'target',  3,  15, 'md',  60, 30, 2.8, 28, 350, 190),
  ('physical-therapy',      '225100000X', 'target',  6,  30, 'pt',  60, 45, 5.0,  4, 190, 130),
  ('obstetrics-gynecology', '207V00000X', 'target',  3,  15, 'md',  40, 20, 2.2, 28, 250, 140),
  ('hematology-oncology',   '207RH0003X', 'target',  3,  15, 'md',  60, 30, 2.8, 21, 380, 220),
  ('nephrology',            '207RN0300X', 'target',  2,  10, 'md',  60, 30, 1.8, 90, 300, 170),
  ('podiatry',              '213E00000X', 'target',  2,  10, 'dpm', 30, 20, 1.3, 60, 180, 110),
  ('sleep-medicine',        '207RS0012X', 'target',  2,  10, 'md',  40, 20, 0.9, 60, 260, 140),
  ('allergy-immunology',    '207K00000X', 'target',  1,   5, 'md',  60, 20, 0.9, 90, 280, 130),
  ('pain-management',       '208VP0014X', 'target',  1,   5, 'md',  40, 20, 2.0, 30, 300, 180),
  -- Present in the CMS data only (never generated, never a referral target).
  ('anesthesiology',        '207L00000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('emergency-medicine',    '207P00000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('diagnostic-radiology',  '2085R0202X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('interventional-radiology', '2085R0204X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('radiation-oncology',    '2085R0001X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('hospitalist',           '208M00000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('clinical-social-worker','1041C0700X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('clinical-psychology',   '103TC0700X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('mental-health-counselor','101YM0800X','other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('marriage-and-family-therapist', '106H00000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('optometry',             '152W00000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('chiropractic',          '111N00000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('nurse-anesthetist',     '367500000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('nurse-midwife',         '367A00000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('clinical-nurse-specialist', '364S00000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('occupational-therapy',  '225X00000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('speech-language-pathology', '235Z00000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('audiology',             '231H00000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('nutrition',             '133V00000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('infectious-disease',    '207RI0200X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('hematology',            '207RH0000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('medical-oncology',      '207RX0202X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('physical-medicine-rehabilitation', '208100000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('plastic-surgery',       '208200000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('vascular-surgery',      '2086S0129X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('neurosurgery',          '207T00000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('thoracic-surgery',      '208G00000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('hand-surgery',          '2086S0105X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('colorectal-surgery',    '208C00000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('surgical-oncology',     '2086X0206X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('hospice-palliative-care', '207RH0002X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('critical-care',         '207RC0200X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('cardiac-electrophysiology', '207RC0001X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('interventional-cardiology', '207RI0011X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('heart-failure-transplant-cardiology', '207RA0001X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('sports-medicine',       '207QS0010X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('addiction-medicine',    '207RA0401X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('geriatric-psychiatry',  '2084P0805X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('gynecological-oncology','207VX0201X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('osteopathic-manipulative-medicine', '204D00000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('oral-surgery',          '204E00000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('dentist',               '122300000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('pathology',             '207ZP0102X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('interventional-pain-management', '208VP0014X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('medical-genetics',      '207SG0201X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('micrographic-dermatologic-surgery', '207ND0101X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('cardiac-surgery',       '208G00000X', 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0),
  ('undersea-and-hyperbaric-medicine', NULL, 'other', 0, 0, NULL, 0, 0, 0, 0, 0, 0);

-- Every code used here must exist in referral_crm.specialties, and every
-- taxonomy must pass the extension's format check.
DO $$
DECLARE bad text;
BEGIN
  SELECT string_agg(i.specialty, ', ') INTO bad
    FROM g_spec_info i LEFT JOIN referral_crm.specialties s USING (specialty)
   WHERE s.specialty IS NULL OR NOT referral_crm.is_valid_code('taxonomy', i.taxonomy);
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'generate.sql: unknown specialty or bad taxonomy: %', bad;
  END IF;
  SELECT string_agg(DISTINCT c.specialty, ', ') INTO bad
    FROM src_condition c LEFT JOIN g_spec_info i ON i.specialty = c.specialty AND i.grp = 'target'
   WHERE i.specialty IS NULL OR NOT referral_crm.is_valid_code('icd10', c.icd10);
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'generate.sql: conditions for a non-target specialty or a bad ICD-10 code: %', bad;
  END IF;
END
$$;

-- CMS pri_spec label -> our specialty code (referral_crm.specialties.cms_labels).
CREATE TEMP TABLE g_cms_label AS
SELECT l.label AS cms_label, s.specialty
  FROM referral_crm.specialties s, unnest(s.cms_labels) AS l (label);

-- Payers (X12 payer id, name, class) and their plans.  pa: prior
-- authorisation required; pa_specs: for these specialties only (empty: all).
CREATE TEMP TABLE g_plan (payer_code text, payer_name text, payer_class text, plan_code text,
                          plan_name text, plan_type text, requires_referral boolean, pa boolean,
                          pa_specs text[]);
INSERT INTO g_plan VALUES
  ('00120', 'Medicare Part B',            'medicare',           'FFS',    'Medicare fee-for-service', 'ffs',  false, false, '{}'),
  ('77027', 'MaineCare',                  'medicaid',           'STD',    'MaineCare standard',       'other', true, true,
     '{orthopedic-surgery,sleep-medicine,pain-management,physical-therapy}'),
  ('60054', 'Pine Tree Health Plan',      'commercial',         'HMO',    'Pine Tree HMO',            'hmo',  true,  true,  '{}'),
  ('60054', 'Pine Tree Health Plan',      'commercial',         'PPO',    'Pine Tree PPO',            'ppo',  false, false, '{}'),
  ('60054', 'Pine Tree Health Plan',      'commercial',         'HSA',    'Pine Tree HSA Saver',      'hdhp', false, false, '{}'),
  ('NEMH1', 'Northeast Mutual Health',    'commercial',         'PPO',    'Northeast Mutual PPO',     'ppo',  false, true,
     '{orthopedic-surgery,sleep-medicine,pain-management}'),
  ('NEMH1', 'Northeast Mutual Health',    'commercial',         'EPO',    'Northeast Mutual EPO',     'epo',  true,  false, '{}'),
  ('CCI01', 'Coastal Choice Insurance',   'commercial',         'POS',    'Coastal Choice POS',       'pos',  true,  false, '{}'),
  ('CCI01', 'Coastal Choice Insurance',   'commercial',         'PPO',    'Coastal Choice PPO',       'ppo',  false, false, '{}'),
  ('HMA01', 'Harbor Medicare Advantage',  'medicare-advantage', 'HMO',    'Harbor Advantage HMO',     'hmo',  true,  true,
     '{orthopedic-surgery,cardiology,gastroenterology,sleep-medicine,pain-management}'),
  ('HMA01', 'Harbor Medicare Advantage',  'medicare-advantage', 'PPO',    'Harbor Advantage PPO',     'ppo',  false, false, '{}'),
  ('TRIE1', 'TRICARE East',               'tricare',            'PRIME',  'TRICARE Prime',            'hmo',  true,  true,  '{}'),
  ('TRIE1', 'TRICARE East',               'tricare',            'SELECT', 'TRICARE Select',           'ppo',  false, false, '{}'),
  ('VACCN', 'VA Community Care Network',  'va',                 'CCN',    'VA Community Care',        'other', true, true,  '{}'),
  ('WCME1', 'Pine State Workers Comp',    'workers-comp',       'WC',     'Workers compensation',     'other', false, true, '{}'),
  ('SELF',  'Self-pay',                   'self-pay',           NULL,     NULL,                       NULL,   false, false, '{}');

-- Payer mix by age group: (group, payer, plan, weight).
CREATE TEMP TABLE g_payer_mix AS
SELECT m.age_group, m.payer_code, m.plan_code, m.weight,
       sum(m.weight) OVER (PARTITION BY m.age_group ORDER BY m.ord) - m.weight AS lo,
       sum(m.weight) OVER (PARTITION BY m.age_group ORDER BY m.ord)            AS hi,
       sum(m.weight) OVER (PARTITION BY m.age_group)                           AS total
  FROM (VALUES
    ('65+', 1, '00120', 'FFS', 53), ('65+', 2, 'HMA01', 'HMO', 22), ('65+', 3, 'HMA01', 'PPO', 13),
    ('65+', 4, '77027', 'STD', 4),  ('65+', 5, '60054', 'PPO', 3),  ('65+', 6, 'VACCN', 'CCN', 2),
    ('65+', 7, 'TRIE1', 'SELECT', 1), ('65+', 8, 'SELF', NULL, 2),
    ('<65', 1, '77027', 'STD', 24), ('<65', 2, '60054', 'HMO', 12), ('<65', 3, '60054', 'PPO', 14),
    ('<65', 4, '60054', 'HSA', 6),  ('<65', 5, 'NEMH1', 'PPO', 12), ('<65', 6, 'NEMH1', 'EPO', 5),
    ('<65', 7, 'CCI01', 'POS', 6),  ('<65', 8, 'CCI01', 'PPO', 6),  ('<65', 9, 'TRIE1', 'PRIME', 2),
    ('<65', 10, 'TRIE1', 'SELECT', 1), ('<65', 11, 'VACCN', 'CCN', 1), ('<65', 12, 'WCME1', 'WC', 2),
    ('<65', 13, 'SELF', NULL, 5), ('<65', 14, '00120', 'FFS', 4)
  ) AS m (age_group, ord, payer_code, plan_code, weight);

-- Maine towns with approximate coordinates and a rough size weight (for
-- generated practices and for latitude/longitude of CMS addresses).
CREATE TEMP TABLE g_town (town text PRIMARY KEY, lat double precision, lon double precision, w int);
INSERT INTO g_town VALUES
  ('PORTLAND', 43.6591, -70.2568, 60), ('SOUTH PORTLAND', 43.6415, -70.2409, 20),
  ('SCARBOROUGH', 43.5781, -70.3217, 15), ('WESTBROOK', 43.6770, -70.3712, 15),
  ('FALMOUTH', 43.7295, -70.2420, 8), ('YARMOUTH', 43.8006, -70.1867, 6),
  ('BRUNSWICK', 43.9145, -69.9653, 18), ('BATH', 43.9109, -69.8206, 8),
  ('TOPSHAM', 43.9276, -69.9759, 5), ('BIDDEFORD', 43.4926, -70.4534, 18),
  ('SACO', 43.5009, -70.4428, 14), ('KENNEBUNK', 43.3840, -70.5445, 8),
  ('YORK', 43.1617, -70.6482, 8), ('KITTERY', 43.0881, -70.7362, 6),
  ('SANFORD', 43.4393, -70.7742, 15), ('LEWISTON', 44.1004, -70.2148, 30),
  ('AUBURN', 44.0979, -70.2312, 20), ('AUGUSTA', 44.3106, -69.7795, 25),
  ('WATERVILLE', 44.5520, -69.6317, 18), ('SKOWHEGAN', 44.7651, -69.7193, 7),
  ('FARMINGTON', 44.6706, -70.1512, 6), ('RUMFORD', 44.5537, -70.5509, 5),
  ('NORWAY', 44.2134, -70.5445, 4), ('BRIDGTON', 44.0548, -70.7128, 4),
  ('WINDHAM', 43.8000, -70.4100, 8), ('GORHAM', 43.6795, -70.4442, 8),
  ('BANGOR', 44.8012, -68.7778, 40), ('BREWER', 44.7967, -68.7614, 10),
  ('ORONO', 44.8831, -68.6720, 5), ('ELLSWORTH', 44.5434, -68.4195, 7),
  ('BAR HARBOR', 44.3876, -68.2039, 4), ('BELFAST', 44.4259, -69.0064, 5),
  ('ROCKPORT', 44.1859, -69.0762, 6), ('ROCKLAND', 44.1037, -69.1089, 6),
  ('CAMDEN', 44.2098, -69.0648, 3), ('DAMARISCOTTA', 44.0329, -69.5189, 4),
  ('PRESQUE ISLE', 46.6812, -68.0159, 8), ('CARIBOU', 46.8606, -68.0120, 6),
  ('HOULTON', 46.1262, -67.8403, 4), ('FORT KENT', 47.2587, -68.5892, 3),
  ('MILLINOCKET', 45.6573, -68.7098, 3), ('DOVER FOXCROFT', 45.1837, -69.2267, 3),
  ('CALAIS', 45.1845, -67.2786, 3), ('MACHIAS', 44.7151, -67.4614, 3),
  ('LINCOLN', 45.3623, -68.5053, 3), ('BUCKSPORT', 44.5737, -68.7956, 3),
  ('HAMPDEN', 44.7445, -68.8370, 4), ('GARDINER', 44.2301, -69.7756, 4),
  ('WINTHROP', 44.3051, -69.9773, 3), ('BETHEL', 44.4040, -70.7906, 2);

CREATE TEMP TABLE g_street (i int PRIMARY KEY, street text);
INSERT INTO g_street
SELECT ord, s FROM unnest(ARRAY[
  'MAIN ST', 'ELM ST', 'CONGRESS ST', 'STATE ST', 'HIGH ST', 'PARK AVE', 'FOREST AVE', 'WATER ST',
  'CENTER ST', 'PLEASANT ST', 'UNION ST', 'MAPLE ST', 'SCHOOL ST', 'CHURCH ST', 'MIDDLE ST',
  'COMMERCIAL ST', 'MEDICAL CTR DR', 'HOSPITAL DR', 'PROFESSIONAL DR', 'RIVER RD', 'WESTERN AVE',
  'BROADWAY', 'OCEAN AVE', 'HAMMOND ST', 'WASHINGTON ST', 'SPRING ST', 'BRIGHTON AVE',
  'MARGINAL WAY', 'US ROUTE 1', 'CAMPUS DR']) WITH ORDINALITY AS t (s, ord);

------------------------------------------------------------------------
-- Weighted pickers: slot tables.  A categorical distribution is spread
-- over M integer slots in proportion to the weights; a draw is
-- floor(u * M), matched by an equality (hash) join.
------------------------------------------------------------------------

-- Surnames by US frequency (top 5,000), 2^17 slots.
CREATE TEMP TABLE g_surname_slot AS
SELECT s.slot::int, w.surname
  FROM (SELECT surname,
               sum(cnt) OVER (ORDER BY cnt DESC, surname COLLATE "C") - cnt AS lo,
               sum(cnt) OVER (ORDER BY cnt DESC, surname COLLATE "C")       AS hi,
               sum(cnt) OVER ()                                             AS total
          FROM src_surname) w,
       generate_series(floor(w.lo * 131072 / w.total)::bigint, floor(w.hi * 131072 / w.total)::bigint - 1) AS s (slot);
CREATE UNIQUE INDEX ON g_surname_slot (slot);

-- Given names by sex, 2^14 slots each.
CREATE TEMP TABLE g_given_slot AS
SELECT w.sex, s.slot::int, w.given_name
  FROM (SELECT sex, given_name,
               sum(weight) OVER (PARTITION BY sex ORDER BY weight DESC, given_name COLLATE "C") - weight AS lo,
               sum(weight) OVER (PARTITION BY sex ORDER BY weight DESC, given_name COLLATE "C")          AS hi,
               sum(weight) OVER (PARTITION BY sex)                                                     AS total
          FROM src_given) w,
       generate_series(floor(w.lo * 16384 / w.total)::bigint, floor(w.hi * 16384 / w.total)::bigint - 1) AS s (slot);
CREATE UNIQUE INDEX ON g_given_slot (sex, slot);

-- Towns by size, 1,000 slots (only towns with a ZIP in the Maine data).
CREATE TEMP TABLE g_town_zip AS
SELECT upper(city) AS town,
       mode() WITHIN GROUP (ORDER BY lpad(left(lpad(zip, CASE WHEN length(zip) > 5 THEN 9 ELSE 5 END, '0'), 5), 5, '0') COLLATE "C") AS zip5
  FROM src_maine WHERE npi IS NOT NULL GROUP BY upper(city);
CREATE TEMP TABLE g_town_slot AS
SELECT s.slot::int, w.town
  FROM (SELECT t.town, sum(t.w) OVER (ORDER BY t.town COLLATE "C") - t.w AS lo,
               sum(t.w) OVER (ORDER BY t.town COLLATE "C") AS hi, sum(t.w) OVER () AS total
          FROM g_town t JOIN g_town_zip z USING (town)) w,
       generate_series(floor(w.lo * 1000 / w.total)::bigint, floor(w.hi * 1000 / w.total)::bigint - 1) AS s (slot);

-- Every slot table must cover 0 .. M-1 exactly once (a gap would drop rows
-- from the inner joins below).
DO $$
BEGIN
  IF (SELECT count(DISTINCT slot) <> 131072 OR count(*) <> 131072 FROM g_surname_slot)
     OR (SELECT count(*) <> 2 * 16384 OR count(DISTINCT (sex, slot)) <> 2 * 16384 FROM g_given_slot)
     OR (SELECT count(DISTINCT slot) <> 1000 OR count(*) <> 1000 FROM g_town_slot) THEN
    RAISE EXCEPTION 'generate.sql: a slot table does not cover its range';
  END IF;
END
$$;

-- Nicknames (carltonnorthern/nicknames): for each formal name its
-- nicknames numbered 1..n.  A nickname that is itself listed as a name
-- (bob, bill, liz) counts three times, so the common forms dominate the
-- archaic ones (dobbin, hob).
CREATE TEMP TABLE g_nick AS
SELECT upper(n.name1) AS formal, upper(n.name2) AS nick,
       row_number() OVER (PARTITION BY n.name1 ORDER BY n.name2 COLLATE "C", c.copy) AS k,
       count(*) OVER (PARTITION BY n.name1) AS n
  FROM src_nick n
  LEFT JOIN (SELECT DISTINCT name1 AS name FROM src_nick) known ON known.name = n.name2
  CROSS JOIN LATERAL generate_series(1, CASE WHEN known.name IS NOT NULL THEN 3 ELSE 1 END) AS c (copy)
 WHERE n.relationship = 'has_nickname';
CREATE UNIQUE INDEX ON g_nick (formal, k);

-- Names known as given names (to tell a middle name from a double
-- surname), without the surname particles that double as nicknames.
CREATE TEMP TABLE g_known_given AS
SELECT DISTINCT upper(x) AS name FROM (
  SELECT given_name FROM src_given UNION ALL SELECT name1 FROM src_nick UNION ALL SELECT name2 FROM src_nick) s (x)
 WHERE upper(x) NOT IN ('VAN', 'VON', 'DE', 'DEL', 'DELL', 'DELLA', 'DA', 'DI', 'LA', 'LE', 'ST', 'AL', 'EL',
                        'MAC', 'MC', 'BIN', 'BEN', 'DOS', 'DU', 'TER', 'TEN', 'DEN', 'O');

------------------------------------------------------------------------
-- Directory: organisations, locations, clinicians
------------------------------------------------------------------------

-- Maine clinicians from the CMS file: one row each (the file has one
-- address per NPI).  ZIPs regain their leading zero; nine digits are ZIP+4.
CREATE TEMP TABLE g_maine AS
SELECT row_number() OVER (ORDER BY m.npi COLLATE "C")::int AS clin_no,
       m.npi, upper(trim(m.provider_name)) AS full_name, m.primary_specialty AS cms_label,
       nullif(trim(m.address), '') AS address, upper(trim(m.city)) AS city, m.state,
       CASE WHEN length(z.z9) = 9 THEN left(z.z9, 5) || '-' || right(z.z9, 4) ELSE z.z9 END AS zip
  FROM src_maine m
  CROSS JOIN LATERAL (SELECT CASE WHEN length(m.zip) IN (4, 8) THEN '0' || m.zip ELSE m.zip END AS z9) z
 WHERE m.npi IS NOT NULL;

-- Credentials implied by a CMS specialty label (the Maine file has none;
-- physicians are left without one rather than guessing MD or DO).
CREATE TEMP TABLE g_label_cred (cms_label text PRIMARY KEY, cred text);
INSERT INTO g_label_cred VALUES
  ('NURSE PRACTITIONER', 'NP'), ('PHYSICIAN ASSISTANT', 'PA'),
  ('CERTIFIED REGISTERED NURSE ANESTHETIST (CRNA)', 'CRNA'), ('CERTIFIED NURSE MIDWIFE (CNM)', 'CNM'),
  ('CLINICAL SOCIAL WORKER', 'CSW'), ('PHYSICAL THERAPIST IN PRIVATE PRACTICE', 'PT'),
  ('OCCUPATIONAL THERAPIST IN PRIVATE PRACTICE', 'OT'), ('CHIROPRACTIC', 'DC'), ('OPTOMETRY', 'OD'),
  ('PODIATRY', 'DPM'), ('QUALIFIED AUDIOLOGIST', 'AU'), ('CLINICAL PSYCHOLOGIST', 'CP'),
  ('REGISTERED DIETITIAN OR NUTRITION PROFESSIONAL', 'RD'),
  ('QUALIFIED SPEECH LANGUAGE PATHOLOGIST', 'SLP'), ('MENTAL HEALTH COUNSELOR', 'LCPC'),
  ('MARRIAGE AND FAMILY THERAPIST', 'LMFT'), ('CERTIFIED CLINICAL NURSE SPECIALIST (CNS)', 'CNS');

-- Practice sites of the Maine clinicians: one per distinct address.
CREATE TEMP TABLE g_maine_site AS
SELECT row_number() OVER (ORDER BY m.city COLLATE "C", m.address COLLATE "C" NULLS FIRST, m.zip COLLATE "C")::int AS loc_no,
       m.address, m.city, m.zip, count(*) AS n_clin,
       mode() WITHIN GROUP (ORDER BY coalesce(i.grp, 'other') COLLATE "C") AS main_grp,
       mode() WITHIN GROUP (ORDER BY coalesce(l.specialty, '') COLLATE "C") AS main_spec
  FROM g_maine m
  LEFT JOIN g_cms_label l USING (cms_label)
  LEFT JOIN g_spec_info i ON i.specialty = l.specialty
 GROUP BY m.address, m.city, m.zip;

-- Generated clinicians: a fixed number per specialty (at least two), the
-- practices they work in (about six clinicians each).
CREATE TEMP TABLE g_gen_alloc AS
SELECT i.specialty, row_number() OVER (ORDER BY i.specialty COLLATE "C")::int AS spec_idx,
       greatest(2, round(p.n_gen_clin * i.gen_w / sum(i.gen_w) OVER ()))::int AS n_clin,
       ceil(greatest(2, round(p.n_gen_clin * i.gen_w / sum(i.gen_w) OVER ())) / 6.0)::int AS n_site
  FROM g_spec_info i, g_param p
 WHERE i.gen_w > 0;

CREATE TEMP TABLE g_gen_site AS
SELECT (SELECT count(*) FROM g_maine_site) + row_number() OVER (ORDER BY a.spec_idx, s.j) AS loc_no,
       a.specialty, a.spec_idx, s.j - 1 AS site_idx, a.n_site
  FROM g_gen_alloc a, generate_series(1, a.n_site) AS s (j);

-- All sites, with their organisation (one organisation per site).
CREATE TEMP TABLE g_loc AS
WITH site AS (
  SELECT s.loc_no, s.address, NULL::text AS address2, s.city, s.zip, s.n_clin,
         CASE WHEN s.n_clin >= 25 THEN 'hospital' ELSE 'practice' END AS kind,
         s.main_grp AS grp, nullif(s.main_spec, '') AS main_spec
    FROM g_maine_site s
  UNION ALL
  SELECT g.loc_no,
         (10 + pg_temp.ui(g.loc_no, 602, 990))::text || ' ' || st.street,
         CASE WHEN pg_temp.u(g.loc_no, 603) < 0.4 THEN 'STE ' || (100 + pg_temp.ui(g.loc_no, 604, 300))::text END,
         t.town, tz.zip5, NULL, 'practice', i.grp, g.specialty
    FROM g_gen_site g
    JOIN g_spec_info i USING (specialty)
    JOIN g_town_slot t ON t.slot = pg_temp.ui(g.loc_no, 601, 1000)
    JOIN g_town_zip tz ON tz.town = t.town
    JOIN g_street st ON st.i = 1 + pg_temp.ui(g.loc_no, 605, 30)
), named AS (
  SELECT site.*,
         pg_temp.proper(site.city) || ' ' ||
         CASE WHEN site.kind = 'hospital'
                THEN pg_temp.pick('{Medical Center,Regional Hospital,Hospital,Health Center}', site.loc_no, 606)
              WHEN site.grp = 'pcp'
                THEN pg_temp.pick('{Family Practice,Primary Care,Family Medicine,Internal Medicine,Community Health Center,Health Associates}',
                                  site.loc_no, 606)
              WHEN site.grp = 'target'
                THEN replace(initcap(sp.display_name), ' And ', ' and ') || ' '
                     || pg_temp.pick('{Associates,Center,Clinic,Specialists,Group}', site.loc_no, 606)
              ELSE coalesce(replace(initcap(sp.display_name), ' And ', ' and ') || ' ', '')
                   || pg_temp.pick('{Services,Associates,Center}', site.loc_no, 606)
         END AS base_name,
         pg_temp.proper(regexp_replace(site.address, '^[0-9][0-9A-Z-]* ', '')) AS street_name
    FROM site LEFT JOIN referral_crm.specialties sp ON sp.specialty = site.main_spec
)
SELECT n.loc_no,
       'LOC' || lpad(n.loc_no::text, 6, '0') AS location_code,
       n.loc_no AS org_no,
       CASE WHEN row_number() OVER (PARTITION BY n.base_name ORDER BY n.loc_no) > 1 AND n.street_name IS NOT NULL
            THEN n.base_name || ' at ' || n.street_name ELSE n.base_name END AS org_name,
       n.kind, n.grp,
       pg_temp.npi('29' || lpad(n.loc_no::text, 7, '0')) AS org_npi,
       pg_temp.u(n.loc_no, 607) < CASE WHEN n.kind = 'hospital' THEN 0.85 WHEN n.grp = 'target' THEN 0.6 ELSE 0.3 END
         AS in_network,
       n.address, n.address2, n.city, 'ME'::text AS state, n.zip, n.street_name,
       round((t.lat + (pg_temp.u(n.loc_no, 608) - 0.5) * 0.03)::numeric, 5) AS latitude,
       round((t.lon + (pg_temp.u(n.loc_no, 609) - 0.5) * 0.03)::numeric, 5) AS longitude,
       '207-555-' || lpad(pg_temp.ui(n.loc_no, 610, 10000)::text, 4, '0') AS phone,
       '207-555-' || lpad(pg_temp.ui(n.loc_no, 611, 10000)::text, 4, '0') AS fax
  FROM named n LEFT JOIN g_town t ON t.town = n.city;
ALTER TABLE g_loc ADD PRIMARY KEY (loc_no);
UPDATE g_loc SET org_name = org_name || ' ' || loc_no
 WHERE org_name IN (SELECT org_name FROM g_loc GROUP BY org_name HAVING count(*) > 1)
   AND loc_no NOT IN (SELECT min(loc_no) FROM g_loc GROUP BY org_name);
ALTER TABLE g_loc ADD COLUMN location_name text;
UPDATE g_loc SET location_name = org_name || CASE WHEN kind = 'hospital' THEN ' - Outpatient Clinics' ELSE '' END;

-- Generated clinicians: specialty block j of g_gen_alloc, shuffled for the
-- NPI order; NPIs 19xxxxxxx + check digit (no real NPI in the shipped CMS
-- excerpts starts with 19).
CREATE TEMP TABLE g_gen AS
SELECT (SELECT count(*) FROM g_maine) + row_number() OVER (ORDER BY pg_temp.u(a.spec_idx * 10000000 + j, 300), a.spec_idx, j) AS clin_no,
       row_number() OVER (ORDER BY pg_temp.u(a.spec_idx * 10000000 + j, 300), a.spec_idx, j) AS gen_no,
       a.specialty, a.spec_idx, j, a.n_site
  FROM g_gen_alloc a, generate_series(1, a.n_clin) AS j;

ANALYZE g_maine, g_maine_site, g_gen, g_gen_site, g_loc, g_given_slot, g_surname_slot, g_cms_label,
        g_label_cred, g_known_given, g_spec_info;

CREATE TEMP TABLE g_clin AS
WITH maine AS (
  SELECT m.clin_no, m.npi, m.cms_label, l.specialty,
         t.tok[1] AS given_name,
         CASE WHEN cardinality(t.tok) >= 3 AND t.tok[2] IN (SELECT name FROM g_known_given) THEN t.tok[2] END AS middle_name,
         CASE WHEN cardinality(t.tok) >= 3 AND t.tok[2] IN (SELECT name FROM g_known_given)
              THEN array_to_string(t.tok[3:], ' ') ELSE array_to_string(t.tok[2:], ' ') END AS family_name,
         NULL::text AS name_suffix,
         coalesce(ARRAY[c.cred], '{}') AS creds,
         c.cred IS NULL AS physician,
         (SELECT g.sex FROM src_given g WHERE g.given_name = t.tok[1]) AS sex,
         s.loc_no, NULL::bigint AS loc2_no, 'cms-maine' AS origin
    FROM g_maine m
    CROSS JOIN LATERAL (SELECT string_to_array(m.full_name, ' ') AS tok) t
    LEFT JOIN g_cms_label l USING (cms_label)
    LEFT JOIN g_label_cred c USING (cms_label)
    JOIN g_maine_site s ON s.city = m.city AND s.address IS NOT DISTINCT FROM m.address AND s.zip = m.zip
), gen AS (
  SELECT g.clin_no, pg_temp.npi('19' || lpad(g.gen_no::text, 7, '0')) AS npi, NULL::text AS cms_label,
         g.specialty, gv.given_name,
         CASE WHEN pg_temp.u(g.clin_no, 303) < 0.3 THEN mv.given_name
              WHEN pg_temp.u(g.clin_no, 303) < 0.6 THEN left(mv.given_name, 1) END AS middle_name,
         sn.surname AS family_name,
         CASE WHEN pg_temp.u(g.clin_no, 306) < 0.02 THEN 'JR' WHEN pg_temp.u(g.clin_no, 306) < 0.03 THEN 'III'
              WHEN pg_temp.u(g.clin_no, 306) < 0.035 THEN 'II' END AS name_suffix,
         CASE i.creds
           WHEN 'md' THEN ARRAY[CASE WHEN pg_temp.u(g.clin_no, 307) < 0.72 THEN 'MD' ELSE 'DO' END]
                          || CASE WHEN pg_temp.u(g.clin_no, 308) < 0.25 THEN
                               CASE g.specialty WHEN 'cardiology' THEN '{FACC}'::text[]
                                                WHEN 'internal-medicine' THEN '{FACP}' WHEN 'family-medicine' THEN '{FAAFP}'
                                                WHEN 'orthopedic-surgery' THEN '{FAAOS}' WHEN 'general-surgery' THEN '{FACS}'
                                                ELSE '{}' END
                             ELSE '{}' END
           WHEN 'np' THEN string_to_array(pg_temp.pick('{NP,FNP-C,APRN;FNP-BC,ANP-BC,FNP-BC}', g.clin_no, 307), ';')
           WHEN 'pa' THEN '{PA-C}'
           WHEN 'pt' THEN string_to_array(pg_temp.pick('{PT;DPT,DPT,PT}', g.clin_no, 307), ';')
           WHEN 'dpm' THEN '{DPM}'
         END AS creds,
         i.creds = 'md' AS physician,
         x.sex,
         gs.loc_no,
         CASE WHEN g.n_site > 1 AND pg_temp.u(g.clin_no, 309) < 0.12 THEN g2.loc_no END AS loc2_no,
         'generated' AS origin
    FROM g_gen g
    JOIN g_spec_info i USING (specialty)
    CROSS JOIN LATERAL (SELECT CASE WHEN pg_temp.u(g.clin_no, 301) <
                                         CASE i.creds WHEN 'np' THEN 0.85 WHEN 'pa' THEN 0.65 WHEN 'pt' THEN 0.6 ELSE 0.48 END
                                    THEN 'female' ELSE 'male' END AS sex) x
    JOIN g_given_slot gv ON gv.sex = x.sex AND gv.slot = pg_temp.ui(g.clin_no, 302, 16384)
    JOIN g_given_slot mv ON mv.sex = x.sex AND mv.slot = pg_temp.ui(g.clin_no, 304, 16384)
    JOIN g_surname_slot sn ON sn.slot = pg_temp.ui(g.clin_no, 305, 131072)
    JOIN g_gen_site gs ON gs.spec_idx = g.spec_idx AND gs.site_idx = (g.j - 1) / 6
    JOIN g_gen_site g2 ON g2.spec_idx = g.spec_idx AND g2.site_idx = ((g.j - 1) / 6 + 1) % g.n_site
)
SELECT c.clin_no, c.npi, c.cms_label, c.specialty, i.grp, i.taxonomy,
       c.given_name, c.middle_name, c.family_name, c.name_suffix, c.creds, c.physician, c.sex,
       c.loc_no, c.loc2_no, c.origin, l.org_no, l.in_network,
       pg_temp.u(c.clin_no, 310) < 0.95 AS accepting,
       date '2000-01-01' + pg_temp.ui(c.clin_no, 311, 9000)::int AS active_from,
       CASE WHEN pg_temp.u(c.clin_no, 312) < 0.015
            THEN date '2026-10-01' - 30 - pg_temp.ui(c.clin_no, 313, 600)::int END AS active_to,
       CASE WHEN c.origin = 'generated' AND pg_temp.u(c.clin_no, 314) < 0.5
            THEN lower(regexp_replace(c.given_name || '.' || c.family_name, '[^A-Za-z.]', '', 'g')) || '@example.org' END AS email
  FROM (SELECT * FROM maine UNION ALL SELECT * FROM gen) c
  LEFT JOIN g_spec_info i USING (specialty)
  JOIN g_loc l ON l.loc_no = c.loc_no;
ALTER TABLE g_clin ADD PRIMARY KEY (clin_no);
-- An inactive clinician must have become active first.
UPDATE g_clin SET active_to = active_from + 30 WHERE active_to < active_from;

-- Referral pools.  Referrers: active primary-care clinicians (90% of
-- referrals) and specialists (the rest).  Each referrer gets a referral
-- volume drawn from a lognormal distribution (sigma 1.45 for primary care:
-- the top 20% of referrers send about 75% of the referrals, the top 1%
-- about 20%); a referral draws a referrer in proportion to volume,
-- through 2^20 slots.
CREATE TEMP TABLE g_referrer_slot AS
SELECT s.slot::int, w.clin_no
  FROM (SELECT v.clin_no, v.share,
               sum(v.share) OVER (ORDER BY v.clin_no) - v.share AS lo,
               sum(v.share) OVER (ORDER BY v.clin_no) AS hi,
               sum(v.share) OVER () AS total
          FROM (SELECT x.clin_no, x.volume / sum(x.volume) OVER (PARTITION BY x.pcp)
                                  * CASE WHEN x.pcp THEN 0.9 ELSE 0.1 END AS share
                  FROM (SELECT c.clin_no, c.grp = 'pcp' AS pcp,
                               exp(CASE WHEN c.grp = 'pcp' THEN 1.45 ELSE 1.0 END * pg_temp.z(c.clin_no, 320))::numeric AS volume
                          FROM g_clin c
                         WHERE c.grp IN ('pcp', 'target') AND c.active_to IS NULL) x) v) w,
       generate_series(floor(w.lo * 1048576 / w.total)::bigint, floor(w.hi * 1048576 / w.total)::bigint - 1) AS s (slot);

-- Targets: active clinicians of a target specialty who accept referrals,
-- by (specialty, in network), each pool in a random order; a referral draws
-- rank floor(N * u^2) (the busiest tenth of a pool gets about a third).
-- A missing (specialty, network) pool falls back to the other one.  4,096
-- slots per (specialty, wanted network).
CREATE TEMP TABLE g_target_pool AS
SELECT c.specialty, c.in_network, c.clin_no,
       (row_number() OVER (PARTITION BY c.specialty, c.in_network ORDER BY pg_temp.u(c.clin_no, 321), c.clin_no) - 1)::int AS rank
  FROM g_clin c
 WHERE c.grp = 'target' AND c.active_to IS NULL AND c.accepting;
CREATE TEMP TABLE g_target_choice AS
SELECT i.specialty, w.want_in_network, x.in_network,
       (SELECT count(*) FROM g_target_pool p WHERE p.specialty = i.specialty AND p.in_network = x.in_network) AS n
  FROM g_spec_info i
  CROSS JOIN (VALUES (true), (false)) AS w (want_in_network)
  CROSS JOIN LATERAL (SELECT CASE WHEN EXISTS (SELECT 1 FROM g_target_pool p
                                                WHERE p.specialty = i.specialty AND p.in_network = w.want_in_network)
                                  THEN w.want_in_network ELSE NOT w.want_in_network END AS in_network) x
 WHERE i.grp = 'target';
CREATE TEMP TABLE g_target_slot AS
SELECT ch.specialty, ch.want_in_network, ch.slot, ch.in_network, p.clin_no
  FROM (SELECT c.*, s.slot, floor(c.n * power((s.slot + 0.5) / 4096.0, 2))::int AS rank
          FROM g_target_choice c CROSS JOIN generate_series(0, 4095) AS s (slot) OFFSET 0) ch
  JOIN g_target_pool p ON p.specialty = ch.specialty AND p.in_network = ch.in_network AND p.rank = ch.rank;

------------------------------------------------------------------------
-- Patients: only what the feeds carry, all derived from patient_no
------------------------------------------------------------------------

-- Note phrases in arrays (one row), and comorbidities "text|ICD-10".
CREATE TEMP TABLE g_phr AS
SELECT (SELECT array_agg(phrase ORDER BY phrase COLLATE "C") FROM src_phrase WHERE kind = 'duration') AS durations,
       (SELECT array_agg(phrase ORDER BY phrase COLLATE "C") FROM src_phrase WHERE kind = 'extra') AS extras,
       (SELECT array_agg(phrase ORDER BY phrase COLLATE "C") FROM src_phrase WHERE kind = 'salutation') AS salutations,
       (SELECT array_agg(split_part(phrase, '|', 1) ORDER BY phrase COLLATE "C") FROM src_phrase WHERE kind = 'history') AS hist_text,
       (SELECT array_agg(nullif(split_part(phrase, '|', 2), '') ORDER BY phrase COLLATE "C") FROM src_phrase WHERE kind = 'history') AS hist_code;
SELECT cardinality(hist_text) AS gen_n_hist FROM g_phr \gset

-- Patient home ZIPs, weighted like the Maine clinician addresses (2^14 slots).
CREATE TEMP TABLE g_zip_slot AS
SELECT s.slot::int, w.zip5
  FROM (SELECT zip5, sum(n) OVER (ORDER BY zip5 COLLATE "C") - n AS lo, sum(n) OVER (ORDER BY zip5 COLLATE "C") AS hi,
               sum(n) OVER () AS total
          FROM (SELECT left(zip, 5) AS zip5, count(*) AS n FROM g_maine GROUP BY 1) z) w,
       generate_series(floor(w.lo * 16384 / w.total)::bigint, floor(w.hi * 16384 / w.total)::bigint - 1) AS s (slot);

ANALYZE g_zip_slot, g_payer_mix;

-- Payer and plan by age group, 1,000 slots each, with the plan's rules.
CREATE TEMP TABLE g_payer_slot AS
SELECT m.age_group, s.slot::int, pl.payer_code, pl.plan_code, pl.payer_name, pl.payer_class, pl.pa, pl.pa_specs
  FROM g_payer_mix m
  JOIN g_plan pl ON pl.payer_code = m.payer_code AND pl.plan_code IS NOT DISTINCT FROM m.plan_code,
       generate_series(floor(m.lo * 1000 / m.total)::int, floor(m.hi * 1000 / m.total)::int - 1) AS s (slot);
ANALYZE g_payer_slot;

CREATE TEMP TABLE g_pat AS
WITH b AS (
  SELECT p AS patient_no, x.sex, x.age_years, x.age_years < 45 AS young,
         -- comorbidities: indexes into g_phr.hist_text (none, one or two), more with age
         CASE WHEN pg_temp.u(p, 212) < CASE WHEN x.age_years < 40 THEN 0.30 ELSE 0.70 END
              THEN 1 + pg_temp.ui(p, 213, :gen_n_hist)::int END AS com1,
         CASE WHEN pg_temp.u(p, 214) < CASE WHEN x.age_years < 40 THEN 0.05 ELSE 0.30 END
              THEN 1 + pg_temp.ui(p, 215, :gen_n_hist)::int END AS com2
    FROM generate_series(1, :gen_n_pat) AS p,
         LATERAL (SELECT CASE WHEN u.u201 < 0.548 THEN 'female' WHEN u.u201 < 0.997 THEN 'male'
                              WHEN u.u201 < 0.998 THEN 'other' ELSE 'unknown' END AS sex,
                         -- 8% children, adults around 58 (sd 16)
                         CASE WHEN pg_temp.u(p, 202) < 0.08 THEN pg_temp.u(p, 203) * 18
                              ELSE greatest(18.0, least(99.0, 58 + 16 * pg_temp.z(p, 204))) END AS age_years
                    FROM (SELECT pg_temp.u(p, 201) AS u201 OFFSET 0) u
                  OFFSET 0) x
  OFFSET 0
)
SELECT b.patient_no, 'MRN' || lpad(b.patient_no::text, 8, '0') AS mrn, b.sex,
       gv.given_name, sn.surname AS family_name,
       date '2026-10-01' - (b.age_years * 365.25)::int AS birth_date,
       b.young,
       z.zip5 AS zip,
       CASE WHEN pg_temp.u(b.patient_no, 208) < 0.97
            THEN '207-555-' || lpad(pg_temp.ui(b.patient_no, 209, 10000)::text, 4, '0') END AS phone,
       (ARRAY['en', 'es', 'fr', 'so', 'ar', 'pt', 'vi', 'zh'])
         [width_bucket(pg_temp.u(b.patient_no, 210), ARRAY[0.935, 0.955, 0.970, 0.980, 0.988, 0.993, 0.997]::float8[]) + 1]
         AS language,
       ps.payer_code, ps.plan_code, ps.payer_name, ps.payer_class, ps.pa, ps.pa_specs,
       -- the patient's class for choosing a condition: sex (F, M, X) and age band (Y under 45, O)
       CASE b.sex WHEN 'female' THEN 'F' WHEN 'male' THEN 'M' ELSE 'X' END
         || CASE WHEN b.young THEN ':Y' ELSE ':O' END AS pclass,
       -- comorbidities as the notes write them, and their ICD-10-CM codes
       CASE WHEN b.com1 IS NULL THEN 'unremarkable'
            ELSE ph.hist_text[b.com1] || CASE WHEN b.com2 <> b.com1 THEN ', ' || ph.hist_text[b.com2] ELSE '' END
       END AS com_text,
       ph.hist_code[b.com1] AS com_code1,
       CASE WHEN b.com2 <> b.com1 THEN ph.hist_code[b.com2] END AS com_code2
  FROM b
  CROSS JOIN g_phr ph
  JOIN g_given_slot gv ON gv.sex = CASE b.sex WHEN 'male' THEN 'male' ELSE 'female' END
                      AND gv.slot = pg_temp.ui(b.patient_no, 205, 16384)
  JOIN g_surname_slot sn ON sn.slot = pg_temp.ui(b.patient_no, 206, 131072)
  JOIN g_zip_slot z ON z.slot = pg_temp.ui(b.patient_no, 207, 16384)
  JOIN g_payer_slot ps ON ps.age_group = CASE WHEN b.age_years >= 65 THEN '65+' ELSE '<65' END
                      AND ps.slot = pg_temp.ui(b.patient_no, 211, 1000);
ALTER TABLE g_pat ADD PRIMARY KEY (patient_no);

-- Conditions with cumulative weights per specialty, phrases as arrays.
CREATE TEMP TABLE g_cond AS
SELECT row_number() OVER (ORDER BY c.specialty COLLATE "C", c.icd10 COLLATE "C")::int AS cond_no,
       c.specialty, c.icd10, c.reason,
       CASE WHEN c.reason ~ '^[A-Z][a-z]' THEN lower(left(c.reason, 1)) || substr(c.reason, 2) ELSE c.reason END AS reason_lc,
       string_to_array(c.symptoms, '|') AS symptoms,
       string_to_array(c.findings, '|') AS findings, c.sex, c.age_band,
       sum(c.weight) OVER (PARTITION BY c.specialty ORDER BY c.icd10 COLLATE "C") - c.weight AS lo,
       sum(c.weight) OVER (PARTITION BY c.specialty ORDER BY c.icd10 COLLATE "C") AS hi,
       sum(c.weight) OVER (PARTITION BY c.specialty) AS total
  FROM src_condition c;

-- Note templates per target specialty: its own (counted twice) and the
-- generic ones, turned into format() strings: the slots become positional
-- arguments, filled in one pass (see v_referrals).
CREATE TEMP TABLE g_spec_note AS
SELECT i.specialty,
       array_agg(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
                   replace(t.template, '%', '%%'),
                   '{salutation}', '%1$s'), '{age}', '%2$s'), '{sex_word}', '%3$s'), '{sex}', '%4$s'),
                   '{Symptom}', '%5$s'), '{symptom}', '%6$s'), '{Finding}', '%7$s'), '{finding}', '%8$s'),
                   '{duration}', '%9$s'), '{history}', '%10$s'), '{reason}', '%11$s'), '{Reason}', '%12$s')
                 ORDER BY t.specialty = '*', t.template COLLATE "C", c.copy) AS templates,
       -- sentences per template (a full stop followed by a blank, plus the last)
       array_agg(regexp_count(t.template, '[.] ') + 1 ORDER BY t.specialty = '*', t.template COLLATE "C", c.copy) AS sentences
  FROM g_spec_info i
  JOIN src_template t ON t.specialty IN (i.specialty, '*')
  CROSS JOIN LATERAL generate_series(1, CASE WHEN t.specialty = '*' THEN 1 ELSE 2 END) AS c (copy)
 WHERE i.grp = 'target'
 GROUP BY i.specialty;

-- What a referral is for, given the patient: target specialty (by
-- referral share) and condition (by weight within the specialty), among
-- the conditions that fit the patient's sex and age band (no prenatal care
-- for men, no screening colonoscopy at 30): 10,000 slots per patient class.
CREATE TEMP TABLE g_case_slot AS
SELECT w.pclass, s.slot::int, w.specialty, w.cond_no, w.icd10, w.fu_mean, w.fu_step
  FROM (SELECT k.pclass, c.specialty, c.cond_no, c.icd10, i.fu_mean, greatest(i.fu_step, 1) AS fu_step,
               sum(x.weight) OVER (PARTITION BY k.pclass ORDER BY c.cond_no) - x.weight AS lo,
               sum(x.weight) OVER (PARTITION BY k.pclass ORDER BY c.cond_no) AS hi,
               sum(x.weight) OVER (PARTITION BY k.pclass) AS total
          FROM (VALUES ('F', 'Y'), ('F', 'O'), ('M', 'Y'), ('M', 'O'), ('X', 'Y'), ('X', 'O')) AS k0 (sex, band)
          CROSS JOIN LATERAL (SELECT k0.sex || ':' || k0.band AS pclass) k
          JOIN g_cond c ON (c.sex = 'A' OR c.sex = k0.sex) AND (c.age_band = 'all' OR c.age_band = k0.band)
          JOIN g_spec_info i USING (specialty)
          CROSS JOIN LATERAL (SELECT i.target_w::numeric * (c.hi - c.lo) / c.total AS weight) x
         WHERE i.target_w > 0) w,
       generate_series(floor(w.lo * 10000 / w.total)::int, floor(w.hi * 10000 / w.total)::int - 1) AS s (slot);

------------------------------------------------------------------------
-- Referrals: the core of every referral (numbers and times); the feed
-- text is computed by the view v_referrals below.
--
-- (Each stage ends in OFFSET 0, which keeps the planner from merging it
-- into the next: merged, every use of a derived column would repeat the
-- whole expression behind it.  Unmerged, a stage computes its columns once
-- per row and streams them on.)
--
-- Life cycle, simulated on local wall-clock time:
--   authored A -> received R -> triaged T -> patient contacted C ->
--   booked B -> first visit S1 (outcome o1) [-> rebooked B2 -> S2 (o2)]
--   -> follow-up visits.
-- Each referral has a fate (scheduled, rejected, unreachable, declined,
-- on hold, entered in error); its status and stage are where that life
-- cycle stands at the anchor (2026-10-01 00:00).  Delays depend on the
-- priority: stat referrals are seen within days, routine ones in weeks.
------------------------------------------------------------------------

DO $$
BEGIN
  IF (SELECT count(DISTINCT slot) <> 16384 OR count(*) <> 16384 FROM g_zip_slot)
     OR (SELECT count(DISTINCT (pclass, slot)) <> 60000 OR count(*) <> 60000 FROM g_case_slot)
     OR (SELECT count(*) <> 1048576 OR sum(slot) <> 1048576::bigint * 1048575 / 2 FROM g_referrer_slot)
     OR (SELECT count(*) <> 2 * 4096 * count(DISTINCT specialty) FROM g_target_slot) THEN
    RAISE EXCEPTION 'generate.sql: a slot table does not cover its range';
  END IF;
END
$$;

-- Names of referrers who are in no directory (about 5% of the name-only
-- referrals): 1,000 made-up "Dr. Given Family".
CREATE TEMP TABLE g_unknown AS
SELECT k, pg_temp.proper(g.given_name) AS g, pg_temp.proper(s.surname) AS f
  FROM generate_series(0, 999) AS k
  JOIN g_given_slot g ON g.sex = CASE WHEN pg_temp.u(k, 340) < 0.5 THEN 'female' ELSE 'male' END
                     AND g.slot = pg_temp.ui(k, 341, 16384)
  JOIN g_surname_slot s ON s.slot = pg_temp.ui(k, 342, 131072);
ALTER TABLE g_unknown ADD PRIMARY KEY (k);
ANALYZE g_unknown;

-- Temporary tables are never analysed automatically; the big joins need
-- statistics to get hash joins.
ANALYZE g_plan, g_pat, g_cond, g_case_slot, g_referrer_slot, g_target_slot, g_clin, g_loc;

CREATE TEMP TABLE g_ref AS
WITH ra AS (
  -- picks and random draws, each hash computed once.  (Delays are added
  -- as seconds: an interval with a day part makes timestamp arithmetic slow.)
  SELECT d.n, d.channel, d.priority, d.authored,
         CASE d.channel WHEN 'portal' THEN 'portal' ELSE 'ehr' END AS source_system,
         cs.specialty, cs.cond_no, cs.icd10, pt.patient_no,
         -- what the referral row says about the patient
         pt.given_name AS p_given, pt.family_name AS p_family, pt.birth_date, pt.sex, pt.zip, pt.phone,
         pt.language, pt.payer_code, pt.payer_name, pt.payer_class, pt.plan_code, pt.com_text,
         -- the condition's code, then the patient's comorbidities (each in 60% of referrals)
         cs.icd10
         || CASE WHEN pt.com_code1 <> cs.icd10 AND pg_temp.u(d.n, 88) < 0.6 THEN ';' || pt.com_code1 ELSE '' END
         || CASE WHEN pt.com_code2 <> cs.icd10 AND pg_temp.u(d.n, 89) < 0.6 THEN ';' || pt.com_code2 ELSE '' END AS dx,
         rs.clin_no AS referrer_no,
         -- name-only referrals (no NPI): mostly fax, phone and paper
         d.u13 < CASE d.channel WHEN 'fax' THEN 0.25 WHEN 'phone' THEN 0.30 WHEN 'paper' THEN 0.35
                                WHEN 'email' THEN 0.15 WHEN 'portal' THEN 0.08 WHEN 'ehr' THEN 0.03
                                ELSE 0.02 END AS name_only,
         d.has_target, ts.clin_no AS target_no, ts.in_network AS target_in_network,
         pt.pa AND (cardinality(pt.pa_specs) = 0 OR cs.specialty = ANY (pt.pa_specs)) AS auth_required,
         cs.fu_mean, cs.fu_step,
         -- delays
         CASE d.channel
           WHEN 'paper' THEN (1 + pg_temp.ui(d.n, 18, 3)) * 1440.0 + pg_temp.ui(d.n, 19, 480)
           WHEN 'fax'   THEN pg_temp.lognormal(d.n, 18, 120, 1.0)
           WHEN 'email' THEN pg_temp.lognormal(d.n, 18, 90, 0.8)
           ELSE 1 + pg_temp.ui(d.n, 18, 15)
         END AS receive_minutes,
         pg_temp.lognormal(d.n, 20, CASE d.priority WHEN 'stat' THEN 1 WHEN 'asap' THEN 3 WHEN 'urgent' THEN 8 ELSE 30 END,
                           0.8) AS triage_hours,
         pg_temp.lognormal(d.n, 22, CASE d.priority WHEN 'stat' THEN 0.3 WHEN 'asap' THEN 0.8 WHEN 'urgent' THEN 1.5 ELSE 4 END,
                           0.6) AS contact_days,
         CASE WHEN pg_temp.u(d.n, 24) < 0.6 THEN 10.0 / 1440 ELSE pg_temp.lognormal(d.n, 25, 1, 0.7) END AS booking_days,
         greatest(1, round(pg_temp.lognormal(d.n, 27, CASE d.priority WHEN 'stat' THEN 1.5 WHEN 'asap' THEN 4
                                                                        WHEN 'urgent' THEN 9 ELSE 26 END, 0.5)))::int AS lead_days,
         pg_temp.ui(d.n, 28, 27) AS slot1,
         pg_temp.ui(d.n, 35, 27) AS slot2,
         (3 + pg_temp.ui(d.n, 33, 5))::int AS rebook_days,
         pg_temp.ui(d.n, 39, 27) AS slot_rebook,
         (7 + pg_temp.ui(d.n, 34, 21))::int AS lead2_days,
         -- outcomes of the first and the rebooked visit, if they are in the past
         CASE WHEN d.u31 < 0.19 THEN 'noshow' WHEN d.u31 < 0.26 THEN 'cancelled' ELSE 'fulfilled' END AS o1,
         CASE WHEN d.u36 < 0.16 THEN 'noshow' WHEN d.u36 < 0.21 THEN 'cancelled' ELSE 'fulfilled' END AS o2,
         pg_temp.u(d.n, 32) < CASE WHEN d.u31 < 0.19 THEN 0.75 ELSE 0.85 END AS rebook,
         -- the fate; out-of-network targets are declined more often
         CASE WHEN d.u37 < 0.005 THEN 'error'
              WHEN d.u37 < 0.055 THEN 'rejected'
              WHEN d.u37 < 0.100 THEN 'unreachable'
              WHEN d.u37 < CASE WHEN d.has_target AND NOT ts.in_network THEN 0.210 ELSE 0.155 END THEN 'declined'
              WHEN d.u37 < CASE WHEN d.has_target AND NOT ts.in_network THEN 0.240 ELSE 0.185 END THEN 'hold'
              ELSE 'scheduled' END AS fate,
         pg_temp.u(d.n, 41) AS u41, pg_temp.u(d.n, 42) AS u42, pg_temp.ui(d.n, 43, 3600)::int AS r43,
         pg_temp.u(d.n, 44) AS u44, pg_temp.u(d.n, 50) AS u50
    FROM (SELECT n, a.authored, a.u13, a.u31, a.u36, a.u37, a.has_target, a.want_in_network,
                 CASE WHEN a.u6 < 0.40 THEN 'ehr'    WHEN a.u6 < 0.70 THEN 'fax'
                      WHEN a.u6 < 0.80 THEN 'portal' WHEN a.u6 < 0.88 THEN 'direct'
                      WHEN a.u6 < 0.95 THEN 'phone'  WHEN a.u6 < 0.97 THEN 'email'
                      ELSE 'paper' END AS channel,
                 CASE WHEN a.u7 < 0.80 THEN 'routine' WHEN a.u7 < 0.92 THEN 'urgent'
                      WHEN a.u7 < 0.97 THEN 'asap' ELSE 'stat' END AS priority
            FROM generate_series(1, :gen_scale) AS n,
                 LATERAL (SELECT
                   -- authored: a day of the 365 before the anchor (weekends mostly
                   -- moved to the Friday before), office hours peaking at noon
                   day.d + CASE WHEN (day.d - date '2000-01-03') % 7 >= 5 AND pg_temp.u(n, 2) < 0.85
                                THEN 4 - (day.d - date '2000-01-03') % 7 ELSE 0 END
                   + ((420 + floor((pg_temp.u(n, 3) + pg_temp.u(n, 4)) / 2 * 660)) * 60
                      + pg_temp.ui(n, 5, 60)) * interval '1 second' AS authored,
                   pg_temp.u(n, 6) AS u6, pg_temp.u(n, 7) AS u7, pg_temp.u(n, 13) AS u13,
                   pg_temp.u(n, 31) AS u31, pg_temp.u(n, 36) AS u36, pg_temp.u(n, 37) AS u37,
                   -- 70% name a clinician; those are in network 82% of the time
                   pg_temp.u(n, 15) < 0.7 AS has_target,
                   pg_temp.u(n, 15) >= 0.7 OR pg_temp.u(n, 16) < 0.82 AS want_in_network
                   FROM (SELECT date '2026-10-01' - 1 - pg_temp.ui(n, 1, 365)::int AS d) day) a
           OFFSET 0) d
    JOIN g_pat pt ON pt.patient_no = 1 + pg_temp.ui(d.n, 10, :gen_n_pat)
    JOIN g_case_slot cs ON cs.pclass = pt.pclass AND cs.slot = pg_temp.ui(d.n, 8, 10000)
    JOIN g_referrer_slot rs ON rs.slot = pg_temp.ui(d.n, 12, 1048576)
    JOIN g_target_slot ts ON ts.specialty = cs.specialty AND ts.want_in_network = d.want_in_network
                         AND ts.slot = pg_temp.ui(d.n, 17, 4096)
  OFFSET 0
), rb AS (
  -- the time line: received, triaged, the call to the patient (each step
  -- adds its delay to the one before) ...
  SELECT ra.*, t1.received, t2.triaged, t3.contacted_raw
    FROM ra
    CROSS JOIN LATERAL (SELECT least(ra.authored + round(ra.receive_minutes * 60) * interval '1 second',
                                     timestamp '2026-10-01 00:00' - interval '1 minute') AS received) t1
    CROSS JOIN LATERAL (SELECT t1.received + round(ra.triage_hours * 3600) * interval '1 second' AS triaged) t2
    CROSS JOIN LATERAL (SELECT t2.triaged + round(ra.contact_days * 86400) * interval '1 second' AS contacted_raw) t3
  OFFSET 0
), rb2 AS (
  -- ... made in office hours, then the booking (same call, or days later,
  -- also in office hours) ...
  SELECT rb.*, pg_temp.office(rb.contacted_raw) AS contacted
    FROM rb
  OFFSET 0
), rb3 AS (
  SELECT rb2.*, pg_temp.office(rb2.contacted + round(rb2.booking_days * 86400) * interval '1 second') AS booked
    FROM rb2
  OFFSET 0
), rs AS (
  -- ... the first visit, the rebooking (three to seven days after a missed
  -- first visit) and the rebooked visit (one to four weeks after that)
  SELECT rb3.*,
         pg_temp.slot(rb3.booked::date + rb3.lead_days, rb3.slot1) AS s1,
         pg_temp.slot(rb3.booked::date + rb3.lead_days + rb3.rebook_days, rb3.slot_rebook) AS booked2,
         pg_temp.slot(rb3.booked::date + rb3.lead_days + rb3.rebook_days + rb3.lead2_days, rb3.slot2) AS s2
    FROM rb3
  OFFSET 0
), rp AS (
  -- where the referral stands at the anchor
  SELECT rs.*,
         CASE
           WHEN rs.triaged > a.t THEN 'pre'
           WHEN rs.fate IN ('error', 'rejected', 'hold') THEN rs.fate
           WHEN rs.fate = 'unreachable' THEN CASE WHEN rs.contacted + interval '14 days' <= a.t THEN 'unreachable' ELSE 'triaged' END
           WHEN rs.fate = 'declined' THEN CASE WHEN rs.contacted <= a.t THEN 'declined' ELSE 'triaged' END
           WHEN rs.contacted > a.t THEN 'triaged'
           WHEN rs.booked > a.t THEN 'contacted'
           WHEN rs.s1 > a.t THEN 'booked'
           WHEN rs.o1 = 'fulfilled' THEN 'seen'
           WHEN NOT rs.rebook THEN CASE WHEN rs.s1 + interval '7 days' > a.t THEN 'contacted' ELSE 'lost-' || rs.o1 END
           WHEN rs.booked2 > a.t THEN 'contacted'
           WHEN rs.s2 > a.t THEN 'booked'
           WHEN rs.o2 = 'fulfilled' THEN 'seen'
           WHEN rs.s2 + interval '7 days' > a.t THEN 'contacted'
           ELSE 'lost-' || rs.o2
         END AS phase
    FROM rs, (SELECT timestamp '2026-10-01 00:00' AS t) a
  OFFSET 0
), rc AS (
  SELECT rp.*,
         CASE WHEN rp.phase = 'seen' THEN CASE WHEN rp.o1 = 'fulfilled' THEN rp.s1 ELSE rp.s2 END END AS visit,
         CASE WHEN NOT rp.auth_required THEN 'not-required'
              WHEN rp.phase IN ('pre', 'error', 'rejected') THEN 'required'
              WHEN rp.phase = 'declined' AND rp.u41 < 0.5 THEN 'denied'
              WHEN rp.phase IN ('seen', 'booked', 'lost-noshow', 'lost-cancelled') THEN 'approved'
              WHEN rp.phase = 'contacted' AND rp.booked <= timestamp '2026-10-01 00:00' THEN 'approved'
              ELSE 'pending' END AS auth_status
    FROM rp
  OFFSET 0
)
SELECT rc.n, 0 AS sub, NULL::text AS dirty_kind, rc.n AS id_no,
       rc.source_system, rc.channel, rc.priority, rc.specialty, rc.cond_no, rc.icd10, rc.patient_no,
       rc.p_given, rc.p_family, rc.birth_date, rc.sex, rc.zip, rc.phone, rc.language, rc.payer_code,
       rc.payer_name, rc.payer_class, rc.plan_code, rc.com_text, rc.dx,
       rc.referrer_no, rc.name_only, rc.has_target, rc.target_no,
       -- 5% of the name-only referrals name someone in no directory
       rc.name_only AND pg_temp.u(rc.n, 14) < 0.05 AS unknown_referrer,
       CASE WHEN rc.name_only AND pg_temp.u(rc.n, 14) < 0.05
            THEN (SELECT ARRAY[un.g, un.f] FROM g_unknown un WHERE un.k = pg_temp.ui(rc.n, 73, 1000)) END AS unknown_name,
       rc.authored, rc.received, rc.booked, rc.s1, rc.o1, rc.rebook, rc.booked2, rc.s2, rc.o2,
       rc.phase, rc.fu_step,
       rc.visit,
       CASE WHEN rc.phase = 'seen' THEN least(12, round(-rc.fu_mean * ln(1 - rc.u50)))::int ELSE 0 END AS n_fu,
       rc.auth_status,
       CASE rc.phase
         WHEN 'pre' THEN CASE WHEN rc.u42 < 0.6 THEN 'requested' ELSE 'received' END
         WHEN 'error' THEN 'entered-in-error'
         WHEN 'rejected' THEN 'rejected'
         WHEN 'hold' THEN 'on-hold'
         WHEN 'unreachable' THEN 'failed'
         WHEN 'declined' THEN 'cancelled'
         WHEN 'triaged' THEN CASE WHEN rc.u42 < 0.8 THEN 'accepted' ELSE 'received' END
         WHEN 'contacted' THEN 'accepted'
         WHEN 'booked' THEN CASE WHEN rc.u42 < 0.55 THEN 'accepted' WHEN rc.u42 < 0.75 THEN 'ready' ELSE 'in-progress' END
         WHEN 'seen' THEN CASE WHEN rc.visit >= timestamp '2026-09-21 00:00' THEN 'in-progress' ELSE 'completed' END
         WHEN 'lost-noshow' THEN 'failed'
         WHEN 'lost-cancelled' THEN 'cancelled'
       END AS status,
       -- a reason wherever the status needs one (rejected, cancelled, failed, on-hold)
       CASE rc.phase
         WHEN 'rejected' THEN (ARRAY['not a covered service', 'insufficient clinical information',
                                     'referred to the wrong specialty', 'outside our service area',
                                     'provider not accepting new patients', 'duplicate referral'])[1 + rc.r43 % 6]
         WHEN 'hold' THEN CASE WHEN rc.auth_status = 'pending' AND rc.u44 < 0.8 THEN 'awaiting prior authorization'
                               ELSE (ARRAY['awaiting records from referring office', 'patient asked to defer',
                                           'awaiting imaging results', 'awaiting insurance verification'])[1 + rc.r43 % 4] END
         WHEN 'unreachable' THEN (ARRAY['unable to reach patient after 3 attempts', 'no working phone number',
                                        'patient did not respond to letters'])[1 + rc.r43 % 3]
         WHEN 'declined' THEN CASE WHEN rc.auth_status = 'denied' THEN 'prior authorization denied'
                                   ELSE (ARRAY['patient declined', 'patient chose another provider',
                                               'referring office withdrew referral', 'condition resolved',
                                               'patient moved out of area', 'cost or coverage concerns'])[1 + rc.r43 % 6] END
         WHEN 'lost-noshow' THEN (ARRAY['patient did not attend and did not reschedule',
                                        'no-show; unable to reschedule'])[1 + rc.r43 % 2]
         WHEN 'lost-cancelled' THEN 'patient cancelled the appointment and did not reschedule'
       END AS status_reason,
       CASE rc.phase
         WHEN 'pre' THEN 'new' WHEN 'error' THEN 'new' WHEN 'triaged' THEN 'new'
         WHEN 'hold' THEN CASE WHEN rc.contacted <= timestamp '2026-10-01 00:00' THEN 'contacted' ELSE 'new' END
         WHEN 'contacted' THEN 'contacted'
         WHEN 'booked' THEN 'scheduled'
         WHEN 'seen' THEN 'visit-completed'
         ELSE 'closed-lost'
       END AS stage,
       -- a reason wherever the stage is closed-lost
       CASE rc.phase
         WHEN 'rejected' THEN 'declined by the specialist office'
         WHEN 'unreachable' THEN 'unable to contact patient'
         WHEN 'lost-noshow' THEN 'no-show'
         WHEN 'lost-cancelled' THEN 'patient cancelled'
         WHEN 'declined' THEN CASE WHEN rc.auth_status = 'denied' THEN 'authorization denied'
                                   ELSE (ARRAY['patient declined', 'went to another provider', 'referral withdrawn',
                                               'no longer needed', 'moved out of area', 'coverage or cost'])[1 + rc.r43 % 6] END
       END AS stage_reason,
       -- the number billing sends as REF*9F (missing on a few paper and phone referrals)
       CASE WHEN rc.channel IN ('paper', 'phone') AND pg_temp.u(rc.n, 48) < 0.3 THEN NULL
            ELSE 'RN' || to_char(rc.authored, 'YY') || lpad(rc.n::text, 8, '0') END AS referral_number,
       CASE WHEN rc.auth_status = 'approved' THEN 'PA' || lpad(pg_temp.ui(rc.n, 49, 1000000000)::text, 9, '0') END
         AS pa_number,
       rc.authored::date + CASE rc.priority WHEN 'stat' THEN 1 WHEN 'asap' THEN 3 WHEN 'urgent' THEN 14
                                            ELSE CASE WHEN pg_temp.u(rc.n, 46) < 0.5 THEN NULL
                                                      ELSE 30 * (1 + pg_temp.ui(rc.n, 47, 3))::int END END AS needed_by
  FROM rc;
ALTER TABLE g_ref ADD PRIMARY KEY (n, sub);

-- Per clinician, the pieces that referral and claim rows write.
CREATE TEMP TABLE g_clin_txt AS
SELECT c.clin_no, c.npi, c.specialty, c.physician,
       pg_temp.proper(c.given_name) AS g, pg_temp.proper(c.family_name) AS f,
       c.given_name, c.family_name, c.middle_name, left(c.middle_name, 1) AS mi,
       coalesce(c.creds[1], CASE WHEN c.physician THEN 'MD' END) AS cred1,
       nullif(array_to_string(c.creds, ', '), '') AS creds_str,
       pg_temp.proper(na.nick) AS nick_a, pg_temp.proper(nb.nick) AS nick_b,
       l.org_name, l.org_npi, l.location_code, l.kind AS loc_kind, l.loc_no, o.org_size
  FROM g_clin c
  JOIN g_loc l ON l.loc_no = c.loc_no
  JOIN (SELECT org_no, count(*) AS org_size FROM g_clin GROUP BY org_no) o ON o.org_no = c.org_no
  LEFT JOIN (SELECT formal, max(n) AS n FROM g_nick GROUP BY formal) nn ON nn.formal = c.given_name
  LEFT JOIN g_nick na ON na.formal = c.given_name AND na.k = 1 + pg_temp.ui(c.clin_no, 330, nn.n)
  LEFT JOIN g_nick nb ON nb.formal = c.given_name AND nb.k = 1 + pg_temp.ui(c.clin_no, 331, nn.n);
ALTER TABLE g_clin_txt ADD PRIMARY KEY (clin_no);
ANALYZE g_clin_txt;


------------------------------------------------------------------------
-- Dirty rows: about 1% extra rows per feed, each a copy of a clean row
-- with one fault that ingestion must reject.  A dirty row follows its
-- template in the file (same sort key, sub = its number).
------------------------------------------------------------------------

CREATE TEMP TABLE g_dirty_kind (feed text, ord int, kind text);
INSERT INTO g_dirty_kind VALUES
  ('referrals', 1, 'bad_date'), ('referrals', 2, 'unknown_code'), ('referrals', 3, 'missing_key'),
  ('referrals', 4, 'invalid_npi'), ('referrals', 5, 'duplicate_key'),
  ('appointments', 1, 'bad_date'), ('appointments', 2, 'unknown_code'), ('appointments', 3, 'missing_key'),
  ('appointments', 4, 'invalid_npi'), ('appointments', 5, 'duplicate_key'), ('appointments', 6, 'before_referral'),
  ('claims', 1, 'bad_date'), ('claims', 2, 'unknown_code'), ('claims', 3, 'missing_key'),
  ('claims', 4, 'invalid_npi'), ('claims', 5, 'duplicate_key'), ('claims', 6, 'negative_charge'),
  ('directory', 1, 'bad_date'), ('directory', 2, 'unknown_code'), ('directory', 3, 'missing_key'),
  ('directory', 4, 'invalid_npi'), ('directory', 5, 'duplicate_key'),
  ('directory_cms', 1, 'missing_key'), ('directory_cms', 2, 'invalid_npi');

-- Referrals (templates: referrals with an NPI and without appointments),
-- in turn: bad_date (unparseable authored_at), unknown_code (priority,
-- status or stage outside its value set and not a code that ingestion maps,
-- such as FHIR's 'active' or 'no-show'), missing_key (empty referral_id),
-- invalid_npi (referring NPI with a wrong check digit), duplicate_key (the
-- template's referral_id again).  The others get new ids after the clean
-- ones (R<scale + 1> ...).
CREATE TEMP TABLE g_ref_dirty AS
SELECT r.*, row_number() OVER (ORDER BY r.n)::int AS d
  FROM g_ref r
 WHERE r.n IN (SELECT n FROM g_ref
                WHERE NOT name_only AND phase NOT IN ('seen', 'booked', 'contacted') AND phase NOT LIKE 'lost-%'
                ORDER BY pg_temp.u(n, 702), n
                LIMIT greatest(5, :gen_scale / 100));
UPDATE g_ref_dirty t
   SET sub = t.d, dirty_kind = k.kind, n_fu = 0,
       id_no = CASE WHEN k.kind = 'duplicate_key' THEN t.n ELSE :gen_scale + t.d END,
       referral_number = CASE WHEN k.kind = 'duplicate_key' THEN t.referral_number
                              ELSE 'RN' || to_char(t.authored, 'YY') || lpad((:gen_scale + t.d)::text, 8, '0') END
  FROM g_dirty_kind k
 WHERE k.feed = 'referrals' AND k.ord = 1 + (t.d - 1) % 5;
ALTER TABLE g_ref_dirty DROP COLUMN d;
INSERT INTO g_ref SELECT * FROM g_ref_dirty;
ANALYZE g_ref (n, sub, patient_no, referrer_no, target_no, cond_no, specialty, phase);

-- The referrals of the FHIR bundles (see below), picked now: the view
-- v_referrals can be restricted to them.
CREATE TEMP TABLE g_fhir_pick AS
SELECT row_number() OVER (ORDER BY x.n)::int AS bundle_no, x.n
  FROM (SELECT n FROM g_ref
         WHERE sub = 0 AND NOT name_only AND has_target AND phase IN ('seen', 'booked')
         ORDER BY pg_temp.u(n, 190), n
         LIMIT :gen_bundles) x;

------------------------------------------------------------------------
-- referrals.csv
------------------------------------------------------------------------

-- Phrase lists as constants of the view: ARRAY[...] of literals, folded
-- once at plan time (a '{...}'::text[] literal would be parsed per row).
SELECT (SELECT 'ARRAY[' || string_agg(quote_literal(x), ', ' ORDER BY i) || ']'
          FROM unnest(durations) WITH ORDINALITY AS t (x, i)) AS gen_durations,
       (SELECT 'ARRAY[' || string_agg(quote_literal(x), ', ' ORDER BY i) || ']'
          FROM unnest(extras) WITH ORDINALITY AS t (x, i)) AS gen_extras,
       (SELECT 'ARRAY[' || string_agg(quote_literal(x), ', ' ORDER BY i) || ']'
          FROM unnest(salutations) WITH ORDINALITY AS t (x, i)) AS gen_salutations
  FROM g_phr \gset

-- The referral feed, row by row.  Referring names: with an NPI, often also
-- a name as the EHR prints it; without one (name-only referrals, mostly
-- faxed, phoned or on paper) the name as an office writes it: nickname,
-- initial, one typing error, "LAST, FIRST M", title and credentials, all
-- capitals, odd spacing; 5% of them name someone in no directory.
--
-- The setting gen.rows restricts the rows: 'all', 'name-only' (for the
-- ground truth) or 'fhir' (the referrals of the FHIR bundles).  (The
-- stages end in OFFSET 0, which also keeps an outer WHERE from reaching
-- down to the table; hence the setting.)
SET gen.rows = 'all';
CREATE TEMP VIEW v_referrals AS
WITH v0 AS (
  SELECT r.n, r.sub, r.dirty_kind, r.id_no, r.source_system, r.channel, r.priority, r.specialty,
         r.authored, r.received, r.status, r.status_reason, r.stage, r.stage_reason, r.auth_status,
         r.pa_number, r.referral_number, r.needed_by, r.name_only, r.has_target, r.unknown_referrer,
         r.patient_no, r.p_given, r.p_family, r.birth_date, r.sex, r.zip, r.phone, r.language,
         r.payer_code, r.payer_name, r.payer_class, r.plan_code, r.com_text, r.dx,
         rf.npi AS rf_npi, rf.g AS rf_g, rf.f AS rf_f, rf.given_name AS rf_given, rf.family_name AS rf_family,
         rf.middle_name AS rf_middle, rf.mi AS rf_mi, rf.cred1, rf.creds_str, rf.physician AS rf_physician,
         CASE WHEN pg_temp.u(r.n, 70) < 0.6 THEN rf.nick_a ELSE coalesce(rf.nick_b, rf.nick_a) END AS nick,
         rf.org_name AS rf_org,
         tg.npi AS tg_npi, tg.f AS tg_f, tg.location_code AS tg_loc,
         c.reason, c.reason_lc,
         pg_temp.pick(c.symptoms, r.n, 81) AS symptom, pg_temp.pick(c.findings, r.n, 82) AS finding,
         sn.templates[t.tk] AS tmpl, sn.sentences[t.tk] AS tmpl_sentences,
         r.unknown_name[1] AS un_g, r.unknown_name[2] AS un_f,
         pg_temp.u(r.n, 71) AS v_kind, pg_temp.u(r.n, 72) AS v_form,
         floor((r.authored::date - r.birth_date) / 365.25)::int AS age
    FROM g_ref r
    JOIN g_clin_txt rf ON rf.clin_no = r.referrer_no
    JOIN g_clin_txt tg ON tg.clin_no = r.target_no
    JOIN g_cond c ON c.cond_no = r.cond_no
    JOIN g_spec_note sn ON sn.specialty = r.specialty
    CROSS JOIN LATERAL (SELECT 1 + pg_temp.ui(r.n, 80, cardinality(sn.templates))::int AS tk) t
   WHERE CASE current_setting('gen.rows')
           WHEN 'name-only' THEN r.name_only AND r.sub = 0
           WHEN 'fhir' THEN r.sub = 0 AND r.n IN (SELECT n FROM g_fhir_pick)
           ELSE true END
  OFFSET 0
), v1 AS (
  SELECT v0.*,
         CASE WHEN v0.unknown_referrer THEN 'unknown'
              WHEN NOT v0.name_only THEN 'with-npi'
              WHEN v0.v_kind < 0.20 THEN CASE WHEN v0.nick IS NOT NULL THEN 'nickname' ELSE 'initial' END
              WHEN v0.v_kind < 0.35 THEN 'initial'
              WHEN v0.v_kind < 0.50 THEN 'typo'
              WHEN v0.v_kind < 0.65 THEN 'last-first'
              WHEN v0.v_kind < 0.80 THEN 'title-credentials'
              WHEN v0.v_kind < 0.90 THEN 'all-caps'
              ELSE 'spacing' END AS variant,
         pg_temp.pick(:gen_durations, v0.n, 83) AS duration,
         CASE WHEN v0.has_target
              THEN replace(pg_temp.pick(:gen_salutations, v0.n, 84), '{target}', v0.tg_f)
              ELSE 'Dear Colleague' END AS salutation,
         CASE WHEN v0.language <> 'en'
              THEN 'Needs ' || CASE v0.language WHEN 'es' THEN 'Spanish' WHEN 'fr' THEN 'French' WHEN 'so' THEN 'Somali'
                                                WHEN 'ar' THEN 'Arabic' WHEN 'pt' THEN 'Portuguese'
                                                WHEN 'vi' THEN 'Vietnamese' ELSE 'Mandarin' END || ' interpreter.' END
           AS language_note,
         CASE WHEN pg_temp.u(v0.n, 85) < 0.4 THEN 0 WHEN pg_temp.u(v0.n, 85) < 0.8 THEN 1 ELSE 2 END AS n_extra,
         (:gen_extras)[1 + x.x1] AS extra1,
         (:gen_extras)[1 + (x.x1 + 1 + x.x2) % cardinality(:gen_extras)] AS extra2
    FROM v0
    CROSS JOIN LATERAL (SELECT pg_temp.ui(v0.n, 86, cardinality(:gen_extras))::int AS x1,
                               pg_temp.ui(v0.n, 87, cardinality(:gen_extras) - 1)::int AS x2) x
  OFFSET 0
), v2 AS (
  SELECT v1.*,
         CASE v1.variant
           WHEN 'with-npi' THEN
             CASE WHEN v1.v_form < 0.30 THEN v1.rf_g || ' ' || v1.rf_f || coalesce(', ' || v1.creds_str, '')
                  WHEN v1.v_form < 0.50 THEN v1.rf_family || ', ' || v1.rf_given
                  WHEN v1.v_form < 0.60 THEN v1.rf_given || ' ' || coalesce(v1.rf_middle || ' ', '') || v1.rf_family
             END
           WHEN 'unknown' THEN
             CASE WHEN v1.v_form < 0.5 THEN 'Dr. ' || v1.un_g || ' ' || v1.un_f
                  WHEN v1.v_form < 0.8 THEN upper(v1.un_f || ', ' || v1.un_g)
                  ELSE v1.un_g || ' ' || v1.un_f || ' MD' END
           WHEN 'nickname' THEN
             CASE WHEN v1.v_form < 0.5 THEN v1.nick || ' ' || v1.rf_f
                  WHEN v1.v_form < 0.8 THEN CASE WHEN v1.rf_physician THEN 'Dr. ' || v1.nick || ' ' || v1.rf_f
                                                 ELSE v1.nick || ' ' || v1.rf_f || coalesce(' ' || v1.cred1, '') END
                  ELSE v1.nick || ' ' || v1.rf_f || coalesce(', ' || v1.cred1, '') END
           WHEN 'initial' THEN
             CASE WHEN v1.v_form < 0.35 THEN left(v1.rf_g, 1) || '. ' || v1.rf_f
                  WHEN v1.v_form < 0.60 THEN left(v1.rf_g, 1) || ' ' || v1.rf_f
                  WHEN v1.v_form < 0.80 THEN v1.rf_f || ', ' || left(v1.rf_g, 1) || '.'
                  ELSE CASE WHEN v1.rf_physician THEN 'Dr. ' ELSE '' END || left(v1.rf_g, 1) || '. ' || v1.rf_f END
           WHEN 'typo' THEN
             CASE WHEN v1.v_form < 0.75 THEN v1.rf_g || ' ' || pg_temp.proper(pg_temp.typo(v1.rf_family, v1.n, 74))
                  ELSE pg_temp.proper(pg_temp.typo(v1.rf_given, v1.n, 74)) || ' ' || v1.rf_f END
           WHEN 'last-first' THEN
             CASE WHEN v1.v_form < 0.5 THEN v1.rf_family || ', ' || v1.rf_given || coalesce(' ' || v1.rf_mi, '')
                  ELSE v1.rf_f || ', ' || v1.rf_g || coalesce(' ' || v1.rf_mi || '.', '') END
           WHEN 'title-credentials' THEN
             CASE WHEN v1.v_form < 0.4 AND v1.rf_physician THEN 'Dr. ' || v1.rf_g || ' ' || v1.rf_f || ' ' || v1.cred1
                  WHEN v1.v_form < 0.7 THEN v1.rf_g || ' ' || v1.rf_f || coalesce(', ' || coalesce(v1.creds_str, v1.cred1), '')
                  WHEN v1.v_form < 0.85 AND v1.rf_physician THEN 'Dr ' || v1.rf_g || ' ' || v1.rf_f
                  ELSE v1.rf_g || ' ' || coalesce(v1.rf_mi || ' ', '') || v1.rf_f || coalesce(' ' || v1.cred1, '') END
           WHEN 'all-caps' THEN
             CASE WHEN v1.v_form < 0.6 THEN v1.rf_given || ' ' || v1.rf_family
                  ELSE CASE WHEN v1.rf_physician THEN 'DR ' ELSE '' END || v1.rf_given || ' ' || v1.rf_family
                       || coalesce(' ' || upper(v1.cred1), '') END
           ELSE
             CASE WHEN v1.v_form < 0.5 THEN lower(v1.rf_given || ' ' || v1.rf_family)
                  ELSE v1.rf_g || '  ' || v1.rf_f END
         END AS referring_name,
         -- the referral note: a template per specialty with its slots filled,
         -- a priority prefix, then up to two extra sentences (at most 6 in all)
         CASE v1.priority WHEN 'stat' THEN 'STAT: ' WHEN 'asap' THEN 'ASAP - ' ELSE '' END ||
         format(v1.tmpl, v1.salutation, v1.age,
                CASE v1.sex WHEN 'female' THEN 'female' WHEN 'male' THEN 'male' ELSE 'patient' END,
                CASE v1.sex WHEN 'female' THEN 'F' WHEN 'male' THEN 'M' ELSE 'pt' END,
                pg_temp.ucfirst(v1.symptom), v1.symptom, pg_temp.ucfirst(v1.finding), v1.finding,
                v1.duration, v1.com_text, v1.reason_lc, v1.reason)
         || CASE WHEN v1.language_note IS NOT NULL AND v1.tmpl_sentences < 6 THEN ' ' || v1.language_note ELSE '' END
         || CASE WHEN v1.n_extra >= 1 AND v1.tmpl_sentences + (v1.language_note IS NOT NULL)::int < 6
                 THEN ' ' || v1.extra1 ELSE '' END
         || CASE WHEN v1.n_extra >= 2 AND v1.tmpl_sentences + (v1.language_note IS NOT NULL)::int < 5
                 THEN ' ' || v1.extra2 ELSE '' END
           AS note_text
    FROM v1
  OFFSET 0
)
SELECT v2.n, v2.sub, v2.dirty_kind, v2.variant, v2.rf_npi AS true_referrer_npi,
       v2.source_system,
       CASE WHEN v2.dirty_kind = 'missing_key' THEN NULL ELSE 'R' || lpad(v2.id_no::text, 8, '0') END AS referral_id,
       'MRN' || lpad(v2.patient_no::text, 8, '0') AS patient_mrn, pg_temp.proper(v2.p_given) AS patient_given_name,
       pg_temp.proper(v2.p_family) AS patient_family_name, v2.birth_date::text AS patient_birth_date,
       v2.sex AS patient_sex, v2.zip AS patient_zip, v2.phone AS patient_phone, v2.language AS patient_language,
       CASE WHEN v2.dirty_kind = 'bad_date'
            THEN (ARRAY['2026-02-30T10:15:00-05:00', 'yesterday', '2026-13-05T09:00:00-05:00',
                        '2026-06-31T14:20:00-04:00', '03/45/2026'])[1 + (v2.sub - 1) / 5 % 5]
            ELSE pg_temp.ts_out(v2.authored) END AS authored_at,
       pg_temp.ts_out(v2.received) AS received_at,
       CASE WHEN v2.name_only THEN NULL
            WHEN v2.dirty_kind = 'invalid_npi' THEN pg_temp.bad_npi(v2.rf_npi)
            ELSE v2.rf_npi END AS referring_npi,
       v2.referring_name,
       CASE WHEN NOT v2.unknown_referrer AND pg_temp.u(v2.n, 61) < 0.7 THEN v2.rf_org END AS referring_organization,
       v2.specialty AS target_specialty,
       CASE WHEN v2.has_target THEN v2.tg_npi END AS target_npi,
       CASE WHEN v2.has_target OR pg_temp.u(v2.n, 63) < 0.5 THEN v2.tg_loc END AS target_location_code,
       CASE WHEN v2.dirty_kind = 'unknown_code' AND (v2.sub - 1) / 5 % 5 = 0 THEN 'urgnet'
            WHEN v2.dirty_kind = 'unknown_code' AND (v2.sub - 1) / 5 % 5 = 2 THEN 'high'
            ELSE v2.priority END AS priority,
       CASE WHEN pg_temp.u(v2.n, 62) < 0.70 THEN v2.reason
            WHEN pg_temp.u(v2.n, 62) < 0.85 THEN 'Eval ' || v2.reason_lc
            ELSE 'Consult - ' || v2.reason END AS reason,
       v2.dx AS diagnosis_codes,
       v2.payer_code, v2.payer_name, v2.payer_class, v2.plan_code,
       v2.channel, v2.referral_number, v2.auth_status, v2.pa_number AS prior_auth_number,
       CASE WHEN v2.dirty_kind = 'unknown_code' AND (v2.sub - 1) / 5 % 5 = 1 THEN 'open'
            WHEN v2.dirty_kind = 'unknown_code' AND (v2.sub - 1) / 5 % 5 = 4 THEN 'pending-review'
            ELSE v2.status END AS status,
       v2.status_reason,
       CASE WHEN v2.dirty_kind = 'unknown_code' AND (v2.sub - 1) / 5 % 5 = 3 THEN 'won' ELSE v2.stage END AS stage,
       v2.stage_reason, v2.needed_by::text AS needed_by, v2.note_text
  FROM v2;

-- The header must be the feed's column list (referral_crm.ingest_feeds,
-- when the installed extension has it).
CREATE FUNCTION pg_temp.check_header(feed text, view_name text) RETURNS void
  LANGUAGE plpgsql AS
$$
DECLARE
  cols text[];
  want text[];
BEGIN
  SELECT array_agg(attname::text ORDER BY attnum) INTO cols
    FROM pg_attribute WHERE attrelid = view_name::regclass AND attnum > 0 AND NOT attisdropped;
  IF to_regclass('referral_crm.ingest_feeds') IS NOT NULL THEN
    EXECUTE 'SELECT columns FROM referral_crm.ingest_feeds WHERE feed = $1' INTO want USING feed;
    IF want IS NOT NULL AND want IS DISTINCT FROM cols THEN
      RAISE EXCEPTION 'generate.sql: % columns % differ from referral_crm.ingest_feeds %', feed, cols, want;
    END IF;
  END IF;
END
$$;

CREATE TEMP VIEW out_referrals AS
SELECT source_system, referral_id, patient_mrn, patient_given_name, patient_family_name, patient_birth_date,
       patient_sex, patient_zip, patient_phone, patient_language, authored_at, received_at, referring_npi,
       referring_name, referring_organization, target_specialty, target_npi, target_location_code, priority,
       reason, diagnosis_codes, payer_code, payer_name, payer_class, plan_code, channel, referral_number,
       auth_status, prior_auth_number, status, status_reason, stage, stage_reason, needed_by, note_text
  FROM v_referrals
 ORDER BY n, sub;
DO $$ BEGIN PERFORM pg_temp.check_header('referrals', 'out_referrals'); END $$;

SET work_mem = '1GB';       -- sort the feed in memory where it fits
\copy (SELECT * FROM out_referrals) TO 'referrals.csv' (FORMAT csv, HEADER)
SET work_mem = '512MB';

-- Ground truth: the clinician behind every name-only referral.
SET gen.rows = 'name-only';
\copy (SELECT referral_id, referring_name, variant, CASE WHEN variant <> 'unknown' THEN true_referrer_npi END AS true_npi FROM v_referrals ORDER BY n) TO 'truth/referring_names.csv' (FORMAT csv, HEADER)
-- The referral rows of the FHIR bundles.
SET gen.rows = 'fhir';
CREATE TEMP TABLE g_fhir_ref AS SELECT * FROM v_referrals;
SET gen.rows = 'all';

------------------------------------------------------------------------
-- Appointments: for every referral that reached scheduling, the first
-- visit (k = 0), the rebooked one after a no-show or cancellation (k = 1)
-- and the follow-ups after a completed first visit (k = 2 ..); past
-- visits are fulfilled, no-shows (about 20%) or cancelled, later ones
-- booked.  Plus visits of established patients without a referral.
-- Appointment key: n * 16 + k (referrals), (scale + j) * 16 (no referral).
-- The rows carry what the appointment and claim feeds need.
------------------------------------------------------------------------

CREATE TEMP TABLE g_appt AS
WITH a0 AS (
  SELECT r.n, k.k, r.n * 16 + k.k AS akey, r.source_system, r.patient_no, r.birth_date, r.sex, r.zip,
         r.payer_code, r.payer_class, r.target_no AS clin_no, r.specialty, r.cond_no, r.icd10, r.dx, r.authored,
         r.referrer_no, r.name_only, r.unknown_referrer, r.unknown_name, r.referral_number, r.pa_number,
         CASE WHEN k.k = 0 THEN r.s1 WHEN k.k = 1 THEN r.s2
              ELSE pg_temp.slot(r.visit::date + (k.k - 1) * r.fu_step
                                + pg_temp.ui(r.n * 16 + k.k, 401, greatest(1, r.fu_step / 3))::int,
                                pg_temp.ui(r.n * 16 + k.k, 402, 27)) END AS start_at,
         CASE WHEN k.k = 0 THEN r.booked WHEN k.k = 1 THEN r.booked2
              WHEN k.k = 2 THEN r.visit + interval '30 minutes'
              ELSE pg_temp.slot(r.visit::date + (k.k - 2) * r.fu_step
                                + pg_temp.ui(r.n * 16 + k.k - 1, 401, greatest(1, r.fu_step / 3))::int,
                                pg_temp.ui(r.n * 16 + k.k - 1, 402, 27)) + interval '30 minutes' END AS booked_at,
         CASE WHEN k.k = 0 THEN r.o1 WHEN k.k = 1 THEN r.o2
              WHEN pg_temp.u(r.n * 16 + k.k, 403) < 0.18 THEN 'noshow'
              WHEN pg_temp.u(r.n * 16 + k.k, 403) < 0.25 THEN 'cancelled'
              ELSE 'fulfilled' END AS outcome,
         k.k >= 2 AS follow_up
    FROM g_ref r
    CROSS JOIN LATERAL generate_series(0, 1 + r.n_fu) AS k (k)
   WHERE r.sub = 0 AND r.booked <= timestamp '2026-10-01 00:00'
     AND r.phase IN ('contacted', 'booked', 'seen', 'lost-noshow', 'lost-cancelled')
     AND (k.k <> 1 OR (r.o1 <> 'fulfilled' AND r.rebook AND r.s1 <= timestamp '2026-10-01 00:00'))
  UNION ALL
  -- established patients, no referral: a year back and three months ahead;
  -- billing names the patient's primary-care clinician now and then
  SELECT p.scale + j, 0, (p.scale + j) * 16, 'ehr', pt.patient_no, pt.birth_date, pt.sex, pt.zip,
         pt.payer_code, pt.payer_class, ts.clin_no, cs.specialty, cs.cond_no, cs.icd10, cs.icd10, NULL,
         rs.clin_no, false, false, NULL, NULL, NULL,
         v.start_at,
         -- booked about two weeks ahead (moved into office hours below)
         v.start_at - round(pg_temp.lognormal((p.scale + j) * 16, 410, 14, 0.8) * 86400) * interval '1 second',
         CASE WHEN pg_temp.u((p.scale + j) * 16, 805) < 0.19 THEN 'noshow'
                    WHEN pg_temp.u((p.scale + j) * 16, 805) < 0.26 THEN 'cancelled' ELSE 'fulfilled' END,
         true
    FROM g_param p
    CROSS JOIN generate_series(1, p.n_unlinked) AS j
    CROSS JOIN LATERAL (SELECT pg_temp.slot(date '2026-10-01' - 365 + pg_temp.ui((p.scale + j) * 16, 803, 455)::int,
                                            pg_temp.ui((p.scale + j) * 16, 804, 27)) AS start_at) v
    JOIN g_pat pt ON pt.patient_no = 1 + pg_temp.ui((p.scale + j) * 16, 801, p.n_pat)
    JOIN g_case_slot cs ON cs.pclass = pt.pclass AND cs.slot = pg_temp.ui((p.scale + j) * 16, 802, 10000)
    JOIN g_target_slot ts ON ts.specialty = cs.specialty AND ts.want_in_network
                         AND ts.slot = pg_temp.ui((p.scale + j) * 16, 806, 4096)
    JOIN g_referrer_slot rs ON rs.slot = pg_temp.ui((p.scale + j) * 16, 807, 1048576)
), a1 AS (
  SELECT a0.*,
         CASE WHEN a0.n > :gen_scale AND pg_temp.office(a0.booked_at) < a0.start_at - interval '1 hour'
              THEN pg_temp.office(a0.booked_at) ELSE a0.booked_at END AS booked,
         a0.start_at + CASE WHEN a0.follow_up THEN i.fu_min ELSE i.new_min END * interval '1 minute' AS end_at,
         CASE WHEN a0.start_at > timestamp '2026-10-01 00:00' THEN 'booked'
              WHEN pg_temp.u(a0.akey, 411) < 0.003 THEN 'entered-in-error'
              ELSE a0.outcome END AS status,
         c.loc_no, c.npi AS clin_npi
    FROM a0
    JOIN g_spec_info i ON i.specialty = a0.specialty
    JOIN g_clin c ON c.clin_no = a0.clin_no
  OFFSET 0
)
SELECT a1.n, a1.k, 0 AS sub, NULL::text AS dirty_kind, a1.akey, a1.akey AS id_key,
       a1.n <= :gen_scale AS linked,
       a1.source_system, a1.patient_no, a1.birth_date, a1.sex, a1.zip, a1.payer_code, a1.payer_class,
       a1.clin_no, a1.clin_npi, a1.loc_no, a1.specialty, a1.cond_no, a1.icd10, a1.dx, a1.authored,
       a1.referrer_no, a1.name_only, a1.unknown_referrer, a1.unknown_name, a1.referral_number, a1.pa_number,
       a1.follow_up, a1.status, a1.start_at, a1.end_at, a1.booked AS booked_at,
       CASE WHEN a1.status = 'cancelled'
            THEN greatest(a1.booked + interval '1 hour',
                          a1.start_at - (2 + pg_temp.ui(a1.akey, 412, 70)) * interval '1 hour') END AS cancelled_at,
       CASE WHEN a1.status = 'cancelled'
            THEN pg_temp.pick(ARRAY['patient request', 'schedule conflict', 'patient ill', 'no transportation', 'weather',
                                    'provider unavailable', 'rescheduled by clinic', 'insurance issue'],
                              a1.akey, 413) END AS cancel_reason,
       -- reminders go out for visits booked more than two days ahead; missed
       -- visits had one less often
       a1.start_at - a1.booked > interval '2 days'
         AND pg_temp.u(a1.akey, 414) < CASE WHEN a1.status = 'noshow' THEN 0.65 ELSE 0.9 END AS reminder_sent
  FROM a1
 WHERE a1.booked <= timestamp '2026-10-01 00:00'
   AND a1.start_at <= timestamp '2026-10-01 00:00' + interval '200 days';

-- Dirty appointment rows (templates: visits linked to a referral), in
-- turn: bad_date (start_at), unknown_code (status), missing_key,
-- invalid_npi (clinician), duplicate_key (the template's appointment_id
-- again), before_referral (a visit that starts before its referral was
-- authored).  New ids: A9000000001 ...
CREATE TEMP TABLE g_appt_dirty AS
SELECT a.*, row_number() OVER (ORDER BY a.akey)::int AS d
  FROM g_appt a
 WHERE a.akey IN (SELECT akey FROM g_appt WHERE linked
                   ORDER BY pg_temp.u(akey, 703), akey
                   LIMIT greatest(6, (SELECT count(*) FROM g_appt) / 100));
UPDATE g_appt_dirty t
   SET sub = t.d, dirty_kind = k.kind,
       id_key = CASE WHEN k.kind = 'duplicate_key' THEN t.akey ELSE 9000000000 + t.d END
  FROM g_dirty_kind k
 WHERE k.feed = 'appointments' AND k.ord = 1 + (t.d - 1) % 6;
-- a visit three to twelve days before the referral, booked two weeks before
UPDATE g_appt_dirty t
   SET status = 'fulfilled', cancelled_at = NULL, cancel_reason = NULL,
       start_at = x.start_at, end_at = x.start_at + (t.end_at - t.start_at),
       booked_at = pg_temp.slot(t.authored::date - 15, pg_temp.ui(t.akey, 707, 27))
  FROM (SELECT akey, pg_temp.slot(authored::date - 3 - pg_temp.ui(akey, 705, 10)::int, pg_temp.ui(akey, 706, 27)) AS start_at
          FROM g_appt_dirty) x
 WHERE x.akey = t.akey AND t.dirty_kind = 'before_referral';
ALTER TABLE g_appt_dirty DROP COLUMN d;
INSERT INTO g_appt SELECT * FROM g_appt_dirty;
ALTER TABLE g_appt ADD PRIMARY KEY (akey, sub);
ANALYZE g_appt (akey, sub, n, patient_no, clin_no, cond_no, specialty, status);

------------------------------------------------------------------------
-- Claims: one professional claim header (X12 837) per fulfilled visit
-- billed through this clearinghouse (85%; half of VA and workers'
-- compensation visits, no self-pay ones), once billed (3 to 27 days after
-- the visit).  Claim key = appointment key.
------------------------------------------------------------------------

CREATE TEMP TABLE g_claim AS
WITH c0 AS (
  SELECT a.akey, a.n, a.k, a.linked, a.patient_no, a.birth_date, a.sex, a.zip, a.payer_code, a.payer_class,
         a.clin_no, a.icd10, a.dx, a.follow_up, a.start_at::date AS service_date,
         a.referrer_no, a.name_only, a.unknown_referrer, a.unknown_name, a.referral_number, a.pa_number,
         ct.npi AS rendering_npi, CASE WHEN ct.org_size > 1 THEN ct.org_npi ELSE ct.npi END AS billing_npi,
         ct.loc_kind, i.new_chg, i.fu_chg
    FROM g_appt a
    JOIN g_clin_txt ct ON ct.clin_no = a.clin_no
    JOIN g_spec_info i ON i.specialty = ct.specialty
   WHERE a.sub = 0 AND a.status = 'fulfilled'
     AND a.start_at::date + 3 + pg_temp.ui(a.akey, 501, 25)::int <= date '2026-10-01'
     AND pg_temp.u(a.akey, 500) < CASE a.payer_class WHEN 'self-pay' THEN 0 WHEN 'va' THEN 0.5
                                                     WHEN 'workers-comp' THEN 0.5 ELSE 0.85 END
  OFFSET 0
), c1 AS (
  SELECT c0.*,
         round((CASE WHEN c0.icd10 = 'Z12.11' AND NOT c0.follow_up THEN 1850   -- screening colonoscopy
                     WHEN c0.follow_up THEN c0.fu_chg ELSE c0.new_chg END
                * exp(0.25 * pg_temp.z(c0.akey, 502)))::numeric, 2) AS charge,
         CASE WHEN c0.loc_kind = 'hospital' OR (c0.icd10 = 'Z12.11' AND NOT c0.follow_up) THEN '22' ELSE '11' END AS pos
    FROM c0
  OFFSET 0
)
SELECT c1.akey, 0 AS sub, NULL::text AS dirty_kind, c1.akey AS id_key, c1.n, c1.k, c1.linked, c1.patient_no,
       c1.birth_date, c1.sex, c1.zip, c1.payer_code, c1.payer_class,
       c1.clin_no, c1.service_date, c1.dx, c1.rendering_npi, c1.billing_npi,
       c1.referrer_no, c1.unknown_referrer, c1.unknown_name, c1.pos, c1.charge,
       CASE WHEN pg_temp.u(c1.akey, 504) < 0.03 THEN '7' ELSE '1' END AS frequency,
       CASE WHEN c1.pos = '22' AND pg_temp.u(c1.akey, 505) < 0.3 THEN 'institutional' ELSE 'professional' END AS claim_type,
       -- paid: nothing yet for many recent claims, 4% denied, else a share by payer class
       CASE WHEN c1.service_date > date '2026-09-01' AND pg_temp.u(c1.akey, 506) < 0.6 THEN NULL
            WHEN pg_temp.u(c1.akey, 507) < 0.04 THEN 0.00
            ELSE round(c1.charge * CASE c1.payer_class WHEN 'medicare' THEN 0.42 WHEN 'medicare-advantage' THEN 0.45
                                                       WHEN 'medicaid' THEN 0.30 WHEN 'commercial' THEN 0.58
                                                       WHEN 'tricare' THEN 0.44 WHEN 'va' THEN 0.50
                                                       WHEN 'workers-comp' THEN 0.65 WHEN 'self-pay' THEN 0.25
                                                       ELSE 0.40 END
                                 * (0.9 + 0.2 * pg_temp.u(c1.akey, 508))::numeric, 2) END AS paid,
       -- REF*9F: the referral's number, left off by billing now and then
       CASE WHEN c1.linked AND pg_temp.u(c1.akey, 509) >= 0.08 THEN c1.referral_number END AS referral_number,
       c1.pa_number,
       -- the referring provider (NM1*DN): by NPI, or by name only when the
       -- referral named no NPI (and on 6% of the others); visits without a
       -- referral name a primary-care clinician on 30% of the claims
       CASE WHEN c1.linked THEN NOT c1.name_only AND pg_temp.u(c1.akey, 510) >= 0.06
            ELSE pg_temp.u(c1.akey, 510) < 0.3 END AS referring_by_npi,
       CASE WHEN c1.linked THEN c1.name_only OR pg_temp.u(c1.akey, 510) < 0.06 OR pg_temp.u(c1.akey, 511) < 0.5
            ELSE pg_temp.u(c1.akey, 510) < 0.3 END AS referring_with_name
  FROM c1;

-- Dirty claim rows, in turn: bad_date (service_from), unknown_code
-- (frequency, claim type or place of service), missing_key (claim_number),
-- invalid_npi (rendering NPI), duplicate_key (the template's claim number
-- again), negative_charge.  New claim numbers: C9000000001 ...
CREATE TEMP TABLE g_claim_dirty AS
SELECT c.*, row_number() OVER (ORDER BY c.akey)::int AS d
  FROM g_claim c
 WHERE c.akey IN (SELECT akey FROM g_claim
                   ORDER BY pg_temp.u(akey, 708), akey
                   LIMIT greatest(6, (SELECT count(*) FROM g_claim) / 100));
UPDATE g_claim_dirty t
   SET sub = t.d, dirty_kind = k.kind,
       id_key = CASE WHEN k.kind = 'duplicate_key' THEN t.akey ELSE 9000000000 + t.d END
  FROM g_dirty_kind k
 WHERE k.feed = 'claims' AND k.ord = 1 + (t.d - 1) % 6;
ALTER TABLE g_claim_dirty DROP COLUMN d;
INSERT INTO g_claim SELECT * FROM g_claim_dirty;
ALTER TABLE g_claim ADD PRIMARY KEY (akey, sub);

------------------------------------------------------------------------
-- appointments.csv, claims.csv
------------------------------------------------------------------------

CREATE TEMP VIEW out_appointments AS
SELECT a.source_system,
       CASE WHEN a.dirty_kind = 'missing_key' THEN NULL ELSE 'A' || lpad(a.id_key::text, 10, '0') END AS appointment_id,
       CASE WHEN a.linked THEN 'R' || lpad(a.n::text, 8, '0') END AS referral_id,
       'MRN' || lpad(a.patient_no::text, 8, '0') AS patient_mrn, a.birth_date::text AS patient_birth_date,
       a.sex AS patient_sex, a.zip AS patient_zip,
       CASE WHEN a.dirty_kind = 'invalid_npi' THEN pg_temp.bad_npi(a.clin_npi) ELSE a.clin_npi END AS clinician_npi,
       'LOC' || lpad(a.loc_no::text, 6, '0') AS location_code,
       CASE WHEN a.dirty_kind = 'unknown_code'
            THEN (ARRAY['showed', 'complete', 'attended', 'done'])[1 + (a.sub - 1) / 6 % 4]
            ELSE a.status END AS status,
       CASE WHEN a.dirty_kind = 'bad_date'
            THEN (ARRAY['2026-02-30T09:00:00-05:00', '2026-13-01T10:20:00-05:00', 'yesterday',
                        '2026-04-31T08:40:00-04:00', 'next tuesday'])[1 + (a.sub - 1) / 6 % 5]
            ELSE pg_temp.ts_out(a.start_at) END AS start_at,
       pg_temp.ts_out(a.end_at) AS end_at,
       pg_temp.ts_out(a.booked_at) AS booked_at,
       pg_temp.ts_out(a.cancelled_at) AS cancelled_at,
       a.cancel_reason,
       CASE WHEN a.reminder_sent THEN 'true' ELSE 'false' END AS reminder_sent
  FROM g_appt a
 ORDER BY a.akey, a.sub;
DO $$ BEGIN PERFORM pg_temp.check_header('appointments', 'out_appointments'); END $$;

\copy (SELECT * FROM out_appointments) TO 'appointments.csv' (FORMAT csv, HEADER)

CREATE TEMP VIEW out_claims AS
SELECT 'clearinghouse'::text AS source_system,
       CASE WHEN c.dirty_kind = 'missing_key' THEN NULL ELSE 'C' || lpad(c.id_key::text, 10, '0') END AS claim_number,
       CASE WHEN c.dirty_kind = 'unknown_code' AND (c.sub - 1) / 6 % 3 = 0 THEN '9' ELSE c.frequency END AS frequency,
       CASE WHEN c.dirty_kind = 'unknown_code' AND (c.sub - 1) / 6 % 3 = 1 THEN 'dental' ELSE c.claim_type END AS claim_type,
       'MRN' || lpad(c.patient_no::text, 8, '0') AS patient_mrn, c.birth_date::text AS patient_birth_date,
       c.sex AS patient_sex, c.zip AS patient_zip,
       c.billing_npi,
       CASE WHEN c.dirty_kind = 'invalid_npi' THEN pg_temp.bad_npi(c.rendering_npi) ELSE c.rendering_npi END AS rendering_npi,
       CASE WHEN c.referring_by_npi AND NOT c.unknown_referrer THEN rf.npi END AS referring_npi,
       CASE WHEN c.referring_with_name
            THEN CASE WHEN c.unknown_referrer THEN upper(c.unknown_name[2] || ', ' || c.unknown_name[1])
                      ELSE rf.family_name || ', ' || rf.given_name END END AS referring_name,
       c.payer_code, c.payer_class,
       CASE WHEN c.dirty_kind = 'bad_date'
            THEN (ARRAY['2026-02-30', '2026-13-01', 'yesterday', '2026-04-31', '31/12/2025'])[1 + (c.sub - 1) / 6 % 5]
            ELSE c.service_date::text END AS service_from,
       c.service_date::text AS service_to,
       CASE WHEN c.dirty_kind = 'unknown_code' AND (c.sub - 1) / 6 % 3 = 2 THEN 'XX' ELSE c.pos END AS place_of_service,
       CASE WHEN c.dirty_kind = 'negative_charge' THEN -c.charge ELSE c.charge END AS total_charge,
       c.paid AS paid_amount, c.dx AS diagnosis_codes, c.referral_number, c.pa_number AS prior_auth_number
  FROM g_claim c
  JOIN g_clin_txt rf ON rf.clin_no = c.referrer_no
 ORDER BY c.akey, c.sub;
DO $$ BEGIN PERFORM pg_temp.check_header('claims', 'out_claims'); END $$;

\copy (SELECT * FROM out_claims) TO 'claims.csv' (FORMAT csv, HEADER)

------------------------------------------------------------------------
-- directory.csv (native layout): one row per clinician and practice site
------------------------------------------------------------------------

CREATE TEMP TABLE g_dir AS
SELECT c.clin_no, s.site, 0 AS sub, NULL::text AS dirty_kind, c.npi, s.loc_no
  FROM g_clin c
  CROSS JOIN LATERAL (VALUES (1, c.loc_no), (2, c.loc2_no)) AS s (site, loc_no)
 WHERE s.loc_no IS NOT NULL;

-- Dirty directory rows (about 1%), after their template: bad_date
-- (active_from), unknown_code (state), missing_key (no NPI), invalid_npi,
-- duplicate_key (the template's NPI and site again).  The others carry a
-- new NPI (1990xxxxx + check digit) so that each row has one fault only.
INSERT INTO g_dir
SELECT t.clin_no, t.site, t.d, k.kind,
       CASE k.kind WHEN 'duplicate_key' THEN t.npi WHEN 'missing_key' THEN NULL
                   WHEN 'invalid_npi' THEN pg_temp.bad_npi(pg_temp.npi('1990' || lpad(t.d::text, 5, '0')))
                   ELSE pg_temp.npi('1990' || lpad(t.d::text, 5, '0')) END,
       t.loc_no
  FROM (SELECT x.*, row_number() OVER (ORDER BY x.clin_no)::int AS d
          FROM (SELECT * FROM g_dir WHERE site = 1
                 ORDER BY pg_temp.u(clin_no, 704), clin_no
                 LIMIT greatest(5, (SELECT count(*) FROM g_dir) / 100)) x) t
  JOIN g_dirty_kind k ON k.feed = 'directory' AND k.ord = 1 + (t.d - 1) % 5;

CREATE TEMP VIEW out_directory AS
SELECT 'provider-directory'::text AS source_system, d.npi,
       c.given_name, c.middle_name, c.family_name, c.name_suffix,
       nullif(array_to_string(c.creds, ';'), '') AS credentials, c.sex, c.specialty, c.taxonomy AS taxonomy_code,
       l.org_name AS organization_name, l.org_npi AS organization_npi, l.location_code, l.location_name,
       l.address AS address_line1, l.address2 AS address_line2, l.city,
       CASE WHEN d.dirty_kind = 'unknown_code' THEN (ARRAY['XX', 'ZZ'])[1 + (d.sub - 1) / 5 % 2] ELSE l.state END AS state,
       l.zip, l.latitude::text AS latitude, l.longitude::text AS longitude, l.phone, l.fax, c.email,
       CASE WHEN c.in_network THEN 'true' ELSE 'false' END AS in_network,
       CASE WHEN c.accepting THEN 'true' ELSE 'false' END AS accepting_referrals,
       CASE WHEN d.dirty_kind = 'bad_date'
            THEN (ARRAY['2019-02-29', '2021-13-01', 'yesterday', '2018-06-31', '31.12.2019'])[1 + (d.sub - 1) / 5 % 5]
            ELSE c.active_from::text END AS active_from,
       c.active_to::text AS active_to
  FROM g_dir d
  JOIN g_clin c ON c.clin_no = d.clin_no
  JOIN g_loc l ON l.loc_no = d.loc_no
 ORDER BY d.clin_no, d.site, d.sub;
DO $$ BEGIN PERFORM pg_temp.check_header('directory', 'out_directory'); END $$;

\copy (SELECT * FROM out_directory) TO 'directory.csv' (FORMAT csv, HEADER)

------------------------------------------------------------------------
-- directory_cms.csv (CMS Doctors and Clinicians layout): the national
-- sample as published (ZIPs with their leading zero again), then, at
-- larger scales, Maine clinicians in that layout (scale / 100 of them).
------------------------------------------------------------------------

CREATE TEMP TABLE g_cms AS
SELECT 1 AS grp, row_number() OVER (ORDER BY s::text COLLATE "C")::int AS ord, 0 AS sub, NULL::text AS dirty_kind,
       s.npi, s.ind_pac_id, s.ind_enrl_id, s.lst_nm, s.frst_nm, s.mid_nm, s.suff, s.gndr, s.cred, s.med_sch, s.grd_yr,
       s.pri_spec, s.sec_spec_1, s.sec_spec_2, s.sec_spec_3, s.sec_spec_4, s.sec_spec_all, s.org_nm, s.org_pac_id,
       s.num_org_mem, s.adr_ln_1, s.adr_ln_2, s.ln_2_sprs, s.cty, s.st,
       CASE WHEN length(s.zip) > 5 THEN lpad(s.zip, 9, '0') ELSE lpad(s.zip, 5, '0') END AS zip,
       s.phn_numbr, s.hosp_afl_1, s.hosp_afl_lbn_1, s.hosp_afl_2, s.hosp_afl_lbn_2, s.hosp_afl_3, s.hosp_afl_lbn_3,
       s.hosp_afl_4, s.hosp_afl_lbn_4, s.hosp_afl_5, s.hosp_afl_lbn_5, s.ind_assgn, s.grp_assgn, s.adrs_id
  FROM src_cms s
UNION ALL
SELECT 2, m.clin_no, 0, NULL,
       c.npi,
       lpad((1000000000 + pg_temp.ui(c.clin_no, 351, 8999999999))::text, 10, '0'),
       'I' || to_char(date '2003-01-01' + pg_temp.ui(c.clin_no, 352, 7000)::int, 'YYYYMMDD')
           || lpad(pg_temp.ui(c.clin_no, 353, 1000000)::text, 6, '0'),
       c.family_name, c.given_name, c.middle_name, NULL,
       CASE c.sex WHEN 'female' THEN 'F' WHEN 'male' THEN 'M' END,
       c.creds[1], NULL, NULL, c.cms_label, NULL, NULL, NULL, NULL, NULL,
       l.org_name, lpad((1000000000 + pg_temp.ui(l.org_no, 612, 8999999999))::text, 10, '0'),
       ct.org_size::text,
       l.address, NULL, NULL, l.city, l.state, replace(l.zip, '-', ''), replace(l.phone, '-', ''),
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       'Y', 'Y',
       l.state || rpad(replace(l.zip, '-', ''), 9, '0') || left(replace(l.city, ' ', ''), 2)
               || coalesce(substring(l.address FROM '^[0-9]+'), '') || 'XXXX' || lpad((l.loc_no % 1000)::text, 3, '0')
  FROM (SELECT clin_no FROM g_maine
         WHERE npi NOT IN (SELECT npi FROM src_cms)
         ORDER BY pg_temp.u(clin_no, 350), clin_no
         LIMIT (SELECT scale FROM g_param) / 100) m
  JOIN g_clin c ON c.clin_no = m.clin_no
  JOIN g_clin_txt ct ON ct.clin_no = m.clin_no
  JOIN g_loc l ON l.loc_no = c.loc_no;

-- Dirty rows (about 1%, at least two): a sample row without its NPI, and
-- one with a wrong check digit.
INSERT INTO g_cms
SELECT t.grp, t.ord, t.d, k.kind,
       CASE k.kind WHEN 'missing_key' THEN NULL ELSE pg_temp.bad_npi(t.npi) END,
       t.ind_pac_id, t.ind_enrl_id, t.lst_nm, t.frst_nm, t.mid_nm, t.suff, t.gndr, t.cred, t.med_sch, t.grd_yr,
       t.pri_spec, t.sec_spec_1, t.sec_spec_2, t.sec_spec_3, t.sec_spec_4, t.sec_spec_all, t.org_nm, t.org_pac_id,
       t.num_org_mem, t.adr_ln_1, t.adr_ln_2, t.ln_2_sprs, t.cty, t.st, t.zip, t.phn_numbr, t.hosp_afl_1,
       t.hosp_afl_lbn_1, t.hosp_afl_2, t.hosp_afl_lbn_2, t.hosp_afl_3, t.hosp_afl_lbn_3, t.hosp_afl_4,
       t.hosp_afl_lbn_4, t.hosp_afl_5, t.hosp_afl_lbn_5, t.ind_assgn, t.grp_assgn, t.adrs_id
  FROM (SELECT x.*, row_number() OVER (ORDER BY x.grp, x.ord)::int AS d
          FROM (SELECT * FROM g_cms
                 ORDER BY pg_temp.u(grp * 1000000 + ord, 709), grp, ord
                 LIMIT greatest(2, (SELECT count(*) FROM g_cms) / 100)) x) t
  JOIN g_dirty_kind k ON k.feed = 'directory_cms' AND k.ord = 1 + (t.d - 1) % 2;

CREATE TEMP VIEW out_directory_cms AS
SELECT npi, ind_pac_id, ind_enrl_id, lst_nm, frst_nm, mid_nm, suff, gndr, cred, med_sch, grd_yr, pri_spec,
       sec_spec_1, sec_spec_2, sec_spec_3, sec_spec_4, sec_spec_all, org_nm, org_pac_id, num_org_mem, adr_ln_1,
       adr_ln_2, ln_2_sprs, cty, st, zip, phn_numbr, hosp_afl_1, hosp_afl_lbn_1, hosp_afl_2, hosp_afl_lbn_2,
       hosp_afl_3, hosp_afl_lbn_3, hosp_afl_4, hosp_afl_lbn_4, hosp_afl_5, hosp_afl_lbn_5, ind_assgn, grp_assgn,
       adrs_id
  FROM g_cms
 ORDER BY grp, ord, sub;
DO $$ BEGIN PERFORM pg_temp.check_header('directory_cms', 'out_directory_cms'); END $$;

\copy (SELECT * FROM out_directory_cms) TO 'directory_cms.csv' (FORMAT csv, HEADER)

------------------------------------------------------------------------
-- FHIR R4 Bundles (type collection), one per referral, for a few
-- referrals that name both clinicians and reached scheduling: Patient,
-- Practitioner and PractitionerRole for requester and performer, the
-- performer's Organization and Location, Coverage, ServiceRequest, Task
-- and the first Appointment.  Ids and identifiers match the CSV files:
-- ServiceRequest.identifier[0] is the referral's source system and
-- referral_id.
------------------------------------------------------------------------

-- A Practitioner and its PractitionerRole.
CREATE FUNCTION pg_temp.fhir_practitioner(c g_clin, l g_loc, with_org boolean) RETURNS json[]
  LANGUAGE sql STABLE AS
$$
SELECT ARRAY[
  json_build_object(
    'fullUrl', 'urn:uuid:prac-' || c.npi,
    'resource', json_build_object(
      'resourceType', 'Practitioner',
      'id', 'prac-' || c.npi,
      'identifier', json_build_array(json_build_object('system', 'http://hl7.org/fhir/sid/us-npi', 'value', c.npi)),
      'active', c.active_to IS NULL,
      'name', json_build_array(json_strip_nulls(json_build_object(
                'family', pg_temp.proper(c.family_name),
                'given', (SELECT json_agg(pg_temp.proper(g)) FROM unnest(ARRAY[c.given_name, c.middle_name]) AS g
                           WHERE g IS NOT NULL),
                'suffix', CASE WHEN cardinality(c.creds) > 0 THEN to_json(c.creds) END))),
      'gender', c.sex,
      'qualification', (SELECT json_agg(json_build_object('code', json_build_object('text', q))) FROM unnest(c.creds) AS q))),
  json_build_object(
    'fullUrl', 'urn:uuid:pr-' || c.npi,
    'resource', json_strip_nulls(json_build_object(
      'resourceType', 'PractitionerRole',
      'id', 'pr-' || c.npi,
      'active', c.active_to IS NULL,
      'practitioner', json_build_object('reference', 'Practitioner/prac-' || c.npi,
                                        'display', pg_temp.proper(c.given_name || ' ' || c.family_name)),
      'organization', CASE WHEN with_org THEN json_build_object('reference', 'Organization/org-' || l.org_npi,
                                                                'display', l.org_name)
                           ELSE json_build_object('display', l.org_name) END,
      'specialty', json_build_array(json_build_object('coding', json_build_array(json_strip_nulls(json_build_object(
                     'system', 'http://nucc.org/provider-taxonomy', 'code', c.taxonomy))),
                     'text', (SELECT display_name FROM referral_crm.specialties s WHERE s.specialty = c.specialty))),
      'location', CASE WHEN with_org THEN json_build_array(json_build_object('reference', 'Location/loc-' || l.location_code)) END,
      'telecom', json_build_array(json_build_object('system', 'phone', 'value', l.phone, 'use', 'work'),
                                  json_build_object('system', 'fax', 'value', l.fax, 'use', 'work')))))
]
$$;

SET enable_nestloop = on;   -- twenty index lookups
CREATE TEMP TABLE g_fhir AS
SELECT f.bundle_no, o.referral_id,
       pg_temp.json_pretty(json_build_object(
         'resourceType', 'Bundle',
         'id', 'referral-' || o.referral_id,
         'meta', json_build_object('tag', json_build_array(json_build_object(
                   'system', 'urn:referral_crm:generator', 'code', 'synthetic',
                   'display', 'Synthetic data from tools/generate.sql (seed ' || :'seed' || ', scale ' || :gen_scale || ')'))),
         'type', 'collection',
         'timestamp', '2026-10-01T00:00:00-04:00',
         'entry', (SELECT json_agg(e ORDER BY ord) FROM unnest(ARRAY[
           -- the referral
           json_build_object('fullUrl', 'urn:uuid:sr-' || o.referral_id, 'resource', json_strip_nulls(json_build_object(
             'resourceType', 'ServiceRequest',
             'id', 'sr-' || o.referral_id,
             'identifier', (SELECT json_agg(id ORDER BY i) FROM (VALUES
                 (1, json_build_object('system', 'urn:referral_crm:source:' || o.source_system, 'value', o.referral_id)),
                 (2, CASE WHEN o.referral_number IS NOT NULL
                          THEN json_build_object('system', 'urn:referral_crm:referral-number', 'value', o.referral_number) END)
               ) AS ids (i, id) WHERE id IS NOT NULL),
             'status', CASE r.status WHEN 'draft' THEN 'draft' WHEN 'on-hold' THEN 'on-hold'
                                     WHEN 'completed' THEN 'completed' WHEN 'entered-in-error' THEN 'entered-in-error'
                                     WHEN 'rejected' THEN 'revoked' WHEN 'cancelled' THEN 'revoked'
                                     WHEN 'failed' THEN 'revoked' ELSE 'active' END,
             'intent', 'order',
             'category', json_build_array(json_build_object('coding', json_build_array(json_build_object(
                            'system', 'http://snomed.info/sct', 'code', '3457005', 'display', 'Patient referral')))),
             'priority', o.priority,
             'code', json_build_object('text', sp.display_name || ' referral'),
             'subject', json_build_object('reference', 'Patient/pat-' || o.patient_mrn),
             'authoredOn', o.authored_at,
             'occurrencePeriod', CASE WHEN o.needed_by IS NOT NULL THEN json_build_object('end', o.needed_by) END,
             'requester', json_build_object('reference', 'PractitionerRole/pr-' || rc.npi,
                                            'display', coalesce(o.referring_name, pg_temp.proper(rc.given_name || ' ' || rc.family_name))
                                                       || ' (NPI ' || rc.npi || ')'),
             'performerType', json_build_object('coding', json_build_array(json_build_object(
                                'system', 'http://nucc.org/provider-taxonomy', 'code', tc.taxonomy,
                                'display', sp.display_name))),
             'performer', json_build_array(json_build_object('reference', 'PractitionerRole/pr-' || tc.npi)),
             'locationReference', json_build_array(json_build_object('reference', 'Location/loc-' || tl.location_code)),
             'reasonCode', (SELECT json_agg(json_build_object('coding', json_build_array(json_strip_nulls(json_build_object(
                                'system', 'http://hl7.org/fhir/sid/icd-10-cm', 'code', dx,
                                'display', CASE WHEN i = 1 THEN c.reason END)))) ORDER BY i)
                              FROM unnest(string_to_array(o.diagnosis_codes, ';')) WITH ORDINALITY AS d (dx, i)),
             'insurance', json_build_array(json_build_object('reference', 'Coverage/cov-' || o.referral_id)),
             'note', json_build_array(json_build_object('text', o.note_text))))),
           -- its workflow state
           json_build_object('fullUrl', 'urn:uuid:task-' || o.referral_id, 'resource', json_strip_nulls(json_build_object(
             'resourceType', 'Task',
             'id', 'task-' || o.referral_id,
             'basedOn', json_build_array(json_build_object('reference', 'ServiceRequest/sr-' || o.referral_id)),
             'status', o.status,
             'statusReason', CASE WHEN o.status_reason IS NOT NULL THEN json_build_object('text', o.status_reason) END,
             'businessStatus', json_build_object('text', o.stage || coalesce(': ' || o.stage_reason, '')),
             'intent', 'order',
             'priority', o.priority,
             'code', json_build_object('coding', json_build_array(json_build_object(
                       'system', 'http://hl7.org/fhir/CodeSystem/task-code', 'code', 'fulfill'))),
             'focus', json_build_object('reference', 'ServiceRequest/sr-' || o.referral_id),
             'for', json_build_object('reference', 'Patient/pat-' || o.patient_mrn),
             'authoredOn', o.received_at,
             'requester', json_build_object('reference', 'PractitionerRole/pr-' || rc.npi),
             'owner', json_build_object('reference', 'PractitionerRole/pr-' || tc.npi),
             'restriction', CASE WHEN o.needed_by IS NOT NULL
                                 THEN json_build_object('period', json_build_object('end', o.needed_by)) END,
             'output', CASE WHEN ap.appointment_id IS NOT NULL
                            THEN json_build_array(json_build_object('type', json_build_object('text', 'appointment'),
                                   'valueReference', json_build_object('reference', 'Appointment/appt-' || ap.appointment_id))) END))),
           -- the first visit
           CASE WHEN ap.appointment_id IS NOT NULL THEN
           json_build_object('fullUrl', 'urn:uuid:appt-' || ap.appointment_id, 'resource', json_strip_nulls(json_build_object(
             'resourceType', 'Appointment',
             'id', 'appt-' || ap.appointment_id,
             'identifier', json_build_array(json_build_object('system', 'urn:referral_crm:source:' || ap.source_system,
                                                              'value', ap.appointment_id)),
             'status', ap.status,
             'cancelationReason', CASE WHEN ap.cancel_reason IS NOT NULL THEN json_build_object('text', ap.cancel_reason) END,
             'serviceType', json_build_array(json_build_object('text', 'New patient ' || lower(sp.display_name) || ' visit')),
             'specialty', json_build_array(json_build_object('coding', json_build_array(json_build_object(
                            'system', 'http://nucc.org/provider-taxonomy', 'code', tc.taxonomy)))),
             'basedOn', json_build_array(json_build_object('reference', 'ServiceRequest/sr-' || o.referral_id)),
             'start', ap.start_at,
             'end', ap.end_at,
             'created', ap.booked_at,
             'participant', json_build_array(
                json_build_object('actor', json_build_object('reference', 'Patient/pat-' || o.patient_mrn), 'status', 'accepted'),
                json_build_object('actor', json_build_object('reference', 'PractitionerRole/pr-' || tc.npi), 'status', 'accepted'),
                json_build_object('actor', json_build_object('reference', 'Location/loc-' || tl.location_code), 'status', 'accepted')))))
           END,
           -- the patient
           json_build_object('fullUrl', 'urn:uuid:pat-' || o.patient_mrn, 'resource', json_strip_nulls(json_build_object(
             'resourceType', 'Patient',
             'id', 'pat-' || o.patient_mrn,
             'identifier', json_build_array(json_build_object('system', 'urn:referral_crm:source:' || o.source_system,
                                                              'value', o.patient_mrn)),
             'name', json_build_array(json_build_object('family', o.patient_family_name,
                                                        'given', json_build_array(o.patient_given_name))),
             'telecom', CASE WHEN o.patient_phone IS NOT NULL
                             THEN json_build_array(json_build_object('system', 'phone', 'value', o.patient_phone, 'use', 'home')) END,
             'gender', o.patient_sex,
             'birthDate', o.patient_birth_date,
             'address', json_build_array(json_build_object('state', 'ME', 'postalCode', o.patient_zip, 'country', 'US')),
             'communication', json_build_array(json_build_object('language', json_build_object('coding', json_build_array(
                                json_build_object('system', 'urn:ietf:bcp:47', 'code', o.patient_language))),
                                'preferred', true))))),
           -- requester and performer
           rq.roles[1], rq.roles[2], pf.roles[1], pf.roles[2],
           json_build_object('fullUrl', 'urn:uuid:org-' || tl.org_npi, 'resource', json_build_object(
             'resourceType', 'Organization',
             'id', 'org-' || tl.org_npi,
             'identifier', json_build_array(json_build_object('system', 'http://hl7.org/fhir/sid/us-npi', 'value', tl.org_npi)),
             'active', true,
             'type', json_build_array(json_build_object('coding', json_build_array(json_build_object(
                       'system', 'http://terminology.hl7.org/CodeSystem/organization-type', 'code', 'prov',
                       'display', 'Healthcare Provider')))),
             'name', tl.org_name,
             'telecom', json_build_array(json_build_object('system', 'phone', 'value', tl.phone)))),
           json_build_object('fullUrl', 'urn:uuid:loc-' || tl.location_code, 'resource', json_strip_nulls(json_build_object(
             'resourceType', 'Location',
             'id', 'loc-' || tl.location_code,
             'identifier', json_build_array(json_build_object('system', 'urn:referral_crm:source:provider-directory', 'value', tl.location_code)),
             'status', 'active',
             'name', tl.location_name,
             'telecom', json_build_array(json_build_object('system', 'phone', 'value', tl.phone)),
             'address', json_strip_nulls(json_build_object(
                          'line', CASE WHEN tl.address IS NOT NULL THEN json_build_array(tl.address) END,
                          'city', tl.city, 'state', tl.state, 'postalCode', tl.zip, 'country', 'US')),
             'position', CASE WHEN tl.latitude IS NOT NULL
                              THEN json_build_object('longitude', tl.longitude, 'latitude', tl.latitude) END,
             'managingOrganization', json_build_object('reference', 'Organization/org-' || tl.org_npi)))),
           -- the payer
           json_build_object('fullUrl', 'urn:uuid:cov-' || o.referral_id, 'resource', json_strip_nulls(json_build_object(
             'resourceType', 'Coverage',
             'id', 'cov-' || o.referral_id,
             'status', 'active',
             'type', CASE WHEN o.payer_class = 'self-pay'
                          THEN json_build_object('coding', json_build_array(json_build_object(
                                 'system', 'http://terminology.hl7.org/CodeSystem/coverage-selfpay', 'code', 'pay',
                                 'display', 'PAY')))
                          ELSE json_build_object('coding', json_build_array(json_build_object(
                                 'system', 'http://terminology.hl7.org/CodeSystem/v3-ActCode', 'code', 'HIP',
                                 'display', 'health insurance plan policy')), 'text', o.payer_class) END,
             'subscriberId', CASE WHEN o.payer_class <> 'self-pay'
                                  THEN upper(left(o.payer_code, 1)) || lpad(pg_temp.ui(r.patient_no, 216, 1000000000)::text, 9, '0') END,
             'beneficiary', json_build_object('reference', 'Patient/pat-' || o.patient_mrn),
             'relationship', json_build_object('coding', json_build_array(json_build_object(
                               'system', 'http://terminology.hl7.org/CodeSystem/subscriber-relationship', 'code', 'self'))),
             'payor', CASE WHEN o.payer_class = 'self-pay'
                           THEN json_build_array(json_build_object('reference', 'Patient/pat-' || o.patient_mrn))
                           ELSE json_build_array(json_build_object('identifier', json_build_object(
                                  'system', 'urn:referral_crm:payer', 'value', o.payer_code), 'display', o.payer_name)) END,
             'class', CASE WHEN o.plan_code IS NOT NULL
                           THEN json_build_array(json_build_object('type', json_build_object('coding', json_build_array(
                                  json_build_object('system', 'http://terminology.hl7.org/CodeSystem/coverage-class',
                                                    'code', 'plan'))),
                                  'value', o.plan_code, 'name', pl.plan_name)) END)))
           ]) WITH ORDINALITY AS x (e, ord) WHERE e IS NOT NULL)
       )) AS doc
  FROM g_fhir_pick f
  JOIN g_ref r ON r.n = f.n AND r.sub = 0
  JOIN g_fhir_ref o ON o.n = f.n AND o.sub = 0
  JOIN g_clin rc ON rc.clin_no = r.referrer_no
  JOIN g_loc rl ON rl.loc_no = rc.loc_no
  JOIN g_clin tc ON tc.clin_no = r.target_no
  JOIN g_loc tl ON tl.loc_no = tc.loc_no
  JOIN g_cond c ON c.cond_no = r.cond_no
  JOIN referral_crm.specialties sp ON sp.specialty = r.specialty
  LEFT JOIN g_plan pl ON pl.payer_code = o.payer_code AND pl.plan_code = o.plan_code
  LEFT JOIN LATERAL (SELECT a.source_system, 'A' || lpad(a.id_key::text, 10, '0') AS appointment_id, a.status,
                            a.cancel_reason, pg_temp.ts_out(a.start_at) AS start_at, pg_temp.ts_out(a.end_at) AS end_at,
                            pg_temp.ts_out(a.booked_at) AS booked_at
                       FROM g_appt a WHERE a.akey = f.n * 16 AND a.sub = 0) ap ON true
  CROSS JOIN LATERAL (SELECT pg_temp.fhir_practitioner(rc, rl, false) AS roles) rq
  CROSS JOIN LATERAL (SELECT pg_temp.fhir_practitioner(tc, tl, true) AS roles) pf;
SET enable_nestloop = off;

-- One file per bundle: psql writes a generated script of \g commands.
\pset format unaligned
\pset tuples_only on
SELECT format('SELECT doc FROM g_fhir WHERE bundle_no = %s \g fhir/bundle_%s.json', bundle_no, lpad(bundle_no::text, 4, '0'))
  FROM g_fhir ORDER BY bundle_no \g fhir/.write_bundles.psql
\i fhir/.write_bundles.psql
\! rm -f fhir/.write_bundles.psql
\pset format aligned
\pset tuples_only off

------------------------------------------------------------------------
-- Ground truth for tests (not feeds): every planted dirty row (the
-- clinicians behind the name-only referrals are written with referrals.csv).
------------------------------------------------------------------------

-- row_no: the row's position in its file, 1 = the first data row.
CREATE TEMP TABLE g_dirty AS
SELECT 'referrals' AS feed, x.row_no, x.dirty_kind AS kind,
       CASE WHEN x.dirty_kind = 'missing_key' THEN NULL ELSE 'R' || lpad(x.id_no::text, 8, '0') END AS key
  FROM (SELECT dirty_kind, id_no, row_number() OVER (ORDER BY n, sub) AS row_no FROM g_ref) x
 WHERE x.dirty_kind IS NOT NULL
UNION ALL
SELECT 'appointments', x.row_no, x.dirty_kind,
       CASE WHEN x.dirty_kind = 'missing_key' THEN NULL ELSE 'A' || lpad(x.id_key::text, 10, '0') END
  FROM (SELECT dirty_kind, id_key, row_number() OVER (ORDER BY akey, sub) AS row_no FROM g_appt) x
 WHERE x.dirty_kind IS NOT NULL
UNION ALL
SELECT 'claims', x.row_no, x.dirty_kind,
       CASE WHEN x.dirty_kind = 'missing_key' THEN NULL ELSE 'C' || lpad(x.id_key::text, 10, '0') END
  FROM (SELECT dirty_kind, id_key, row_number() OVER (ORDER BY akey, sub) AS row_no FROM g_claim) x
 WHERE x.dirty_kind IS NOT NULL
UNION ALL
SELECT 'directory', x.row_no, x.dirty_kind, x.npi
  FROM (SELECT dirty_kind, npi, row_number() OVER (ORDER BY clin_no, site, sub) AS row_no FROM g_dir) x
 WHERE x.dirty_kind IS NOT NULL
UNION ALL
SELECT 'directory_cms', x.row_no, x.dirty_kind, x.npi
  FROM (SELECT dirty_kind, npi, row_number() OVER (ORDER BY grp, ord, sub) AS row_no FROM g_cms) x
 WHERE x.dirty_kind IS NOT NULL;

\copy (SELECT feed, row_no, key, kind FROM g_dirty ORDER BY feed, row_no) TO 'truth/dirty_rows.csv' (FORMAT csv, HEADER)

------------------------------------------------------------------------
-- Summary
------------------------------------------------------------------------

SELECT format('referral_crm generator: scale %s, seed %s, output %s', :gen_scale, :'seed', :'gen_outdir')
         AS gen_banner \gset
\echo
\echo :gen_banner
SELECT f.file, f.rows_written, d.dirty_rows,
       coalesce((SELECT string_agg(kind || ' ' || n, ', ' ORDER BY kind)
                   FROM (SELECT kind, count(*) AS n FROM g_dirty d WHERE d.feed = f.feed GROUP BY kind) k), '') AS dirty_by_kind
  FROM (VALUES
          (1, 'directory.csv',     'directory',     (SELECT count(*) FROM g_dir)),
          (2, 'directory_cms.csv', 'directory_cms', (SELECT count(*) FROM g_cms)),
          (3, 'referrals.csv',     'referrals',     (SELECT count(*) FROM g_ref)),
          (4, 'appointments.csv',  'appointments',  (SELECT count(*) FROM g_appt)),
          (5, 'claims.csv',        'claims',        (SELECT count(*) FROM g_claim)),
          (6, 'fhir/bundle_*.json', NULL,           (SELECT count(*) FROM g_fhir))
       ) AS f (ord, file, feed, rows_written)
  CROSS JOIN LATERAL (SELECT count(*) AS dirty_rows FROM g_dirty d WHERE d.feed = f.feed) d
 ORDER BY f.ord;
