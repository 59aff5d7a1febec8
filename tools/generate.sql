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
-- entities with the same key never share a random stream:
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
SET jit = off;

------------------------------------------------------------------------
-- Helpers (temporary functions; the seed is baked in as a constant)
------------------------------------------------------------------------

-- u(key, purpose): a uniform double in [0, 1), a pure function of
-- (seed, key, purpose).  53 bits of a 64-bit hash; key * 4096 + purpose is
-- unique for keys below 2^50.
SELECT format($f$
CREATE FUNCTION pg_temp.u(k bigint, p integer) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS 'SELECT (hashint8extended(k * 4096 + p, %s) & 9007199254740991)::double precision
             / 9007199254740992.0'
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
CREATE FUNCTION pg_temp.weekday(d date) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS 'SELECT d + CASE extract(isodow FROM d)::int WHEN 6 THEN 2 WHEN 7 THEN 1 ELSE 0 END';

-- A clinic slot: a weekday at 08:00 .. 16:40 on a 20-minute grid.
CREATE FUNCTION pg_temp.slot(d date, k bigint, p integer) RETURNS timestamp
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$SELECT pg_temp.weekday(d) + time '08:00' + pg_temp.ui(k, p, 27) * interval '20 minutes'$$;

-- Proper-case a name written in capitals (O'BRIEN -> O'Brien, MCLEAN -> McLean).
CREATE FUNCTION pg_temp.proper(s text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$SELECT regexp_replace(initcap(s), '^Mc([a-z])', 'Mc' || upper(substr(initcap(s), 3, 1)))$$;

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
       (:scale::bigint * 15) / 100                     AS n_unlinked,     -- appointments without referral
       least(20, :scale::bigint / 10)                  AS n_bundles;      -- FHIR bundles

SELECT scale AS gen_scale, n_bundles AS gen_bundles FROM g_param \gset

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
