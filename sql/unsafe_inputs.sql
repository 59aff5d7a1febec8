-- unsafe_inputs: NULL, NaN, infinite, zero and negative arguments to every
-- function of referral_crm written in C.  Each gives an error or a
-- documented result: a crash fails the suite, and so does a hang (the
-- statement timeout cancels it, and the outcome changes).
SET statement_timeout = '60s';

-- The outcome of a call: "error SQLSTATE: message", or the value it
-- returned as text (show), or whether it returned NULL.  Whatever the call
-- did is rolled back.
CREATE FUNCTION pg_temp.outcome(call text, show boolean) RETURNS text
LANGUAGE plpgsql AS $f$
DECLARE
  v text;
BEGIN
  BEGIN
    EXECUTE call INTO v;
    RAISE EXCEPTION USING ERRCODE = 'RC000',
      MESSAGE = CASE WHEN v IS NULL THEN 'NULL' WHEN show THEN '= ' || left(v, 60) ELSE 'a value' END;
  EXCEPTION
    WHEN SQLSTATE 'RC000' THEN RETURN SQLERRM;
    WHEN others THEN RETURN format('error %s: %s', SQLSTATE, SQLERRM);
  END;
END
$f$;

-- The functions of referral_crm written in C.
-- show: whether the outcomes below print values (not for volatile ones,
-- nor for the names room's scores and keys, which names.sql tests).
CREATE TEMP VIEW c_functions AS
SELECT p.oid::regprocedure AS fn, p.oid::regproc AS name, p.proargtypes::oid[] AS types,
       p.proisstrict AS strict, p.proretset AS retset,
       p.provolatile <> 'v' AND p.proname NOT IN ('name_score', 'name_keys') AS show
  FROM pg_proc p
 WHERE p.pronamespace = 'referral_crm'::regnamespace
   AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c');

-- A call of f with the argument expressions args.
CREATE FUNCTION pg_temp.call_sql(name regproc, retset boolean, args text[]) RETURNS text
LANGUAGE sql AS $f$
  SELECT CASE WHEN retset
              THEN format('SELECT count(*) || '' rows'' FROM %s(%s) x', name, array_to_string(args, ', '))
              ELSE format('SELECT (%s(%s))::text', name, array_to_string(args, ', ')) END
$f$;

------------------------------------------------------------------------
-- 1. Every C function that is not STRICT, with every argument NULL.
------------------------------------------------------------------------
SELECT f.fn AS function,
       pg_temp.outcome(pg_temp.call_sql(f.name, f.retset, ARRAY(
         SELECT CASE WHEN t = '"any"'::regtype THEN 'NULL' ELSE 'NULL::' || format_type(t, NULL) END
           FROM unnest(f.types) WITH ORDINALITY a(t, i) ORDER BY i)), false) AS outcome
  FROM c_functions f
 WHERE NOT f.strict
 ORDER BY f.fn::text COLLATE "C";

------------------------------------------------------------------------
-- 2. Sample arguments (a call that works) for every C function that is
-- not STRICT and takes arguments, and for every C function with a
-- numeric argument; or why it cannot be called from SQL.
------------------------------------------------------------------------
SELECT (referral_crm.train_logit('unsafe_inputs_m',
  'SELECT * FROM (VALUES (1.0::float8, true), (2.0, false), (3.0, true), (0.5, false), (2.5, true)) v(x, y)',
  'y', ARRAY['x'], 0.1, 10)).name AS trained;
CREATE TEMP TABLE samples (fn regprocedure PRIMARY KEY, args text[], why_not text);
INSERT INTO samples VALUES
('referral_crm.bm25_scores(text[],text,float8,float8,text)',
 ARRAY[$$'{"chest pain", "knee pain", "chest"}'::text[]$$, $$'chest pain'$$, '1.2::float8', '0.75::float8', $$'sklearn'$$], NULL),
('referral_crm.brier_step(float8[],float8,boolean)', ARRAY[$$'{0,0,0}'::float8[]$$, '0.7::float8', 'true'], NULL),
('referral_crm.check_nonnegative(text,numeric)', ARRAY[$$'total charge'$$, '1.5::numeric'], NULL),
('referral_crm.id_in(bigint,bigint[])', ARRAY['3::bigint', $$'{1,3}'::bigint[]$$], NULL),
('referral_crm.in_test_set(bigint,float8,integer)', ARRAY['42::bigint', '0.2::float8', '0'], NULL),
('referral_crm.log_loss_step(float8[],float8,boolean)', ARRAY[$$'{0,0,0}'::float8[]$$, '0.7::float8', 'true'], NULL),
('referral_crm.logit_contributions(float8[],float8[],float8[],text[],integer)',
 ARRAY[$$'{0.5,1,-2}'::float8[]$$, $$'{1,1}'::float8[]$$, $$'{2,0}'::float8[]$$, $$'{x1,x2}'::text[]$$, '3'], NULL),
('referral_crm.logit_predict(float8[],float8[])', ARRAY[$$'{0.5,1}'::float8[]$$, $$'{2}'::float8[]$$], NULL),
('referral_crm.mean_metric_combine(float8[],float8[])', ARRAY[$$'{2,1.5,0}'::float8[]$$, $$'{1,0.5,0}'::float8[]$$], NULL),
('referral_crm.mean_metric_final(float8[])', ARRAY[$$'{2,1.5,0}'::float8[]$$], NULL),
('referral_crm.name_keys(text,text)', ARRAY[$$'Mary Ann'$$, $$'Smith'$$], NULL),
('referral_crm.name_score(referral_crm.clinician_name,text,text,text,text)',
 ARRAY[$$'Dr. John Q. Smith'::referral_crm.clinician_name$$, $$'John'$$, $$'Quincy'$$, $$'Smith'$$, $$'Jr'$$], NULL),
('referral_crm.name_score(referral_crm.clinician_name,text,text,text,text,integer,double precision)',
 ARRAY[$$'Dr. John Q. Smith'::referral_crm.clinician_name$$, $$'John'$$, $$'Quincy'$$, $$'Smith'$$, $$'Jr'$$, '2', '0.065::float8'], NULL),
('referral_crm.norm_icd10_list(text)', ARRAY[$$'e11.9, I10'$$], NULL),
('referral_crm.predict(text,float8[])', ARRAY[$$'unsafe_inputs_m'$$, $$'{2}'::float8[]$$], NULL),
('referral_crm.routing_condition_sql(referral_crm.routing_condition,text)',
 ARRAY[$$'specialty = ''cardiology'' and patient_age >= 18'::referral_crm.routing_condition$$, $$'r.'$$], NULL),
('referral_crm.split_fraction(bigint,integer)', ARRAY['42::bigint', '0'], NULL),
('referral_crm.termvec(text[],float8[])', ARRAY[$$'{a,b}'::text[]$$, $$'{1,2}'::float8[]$$], NULL),
('referral_crm.termvec_add(referral_crm.termvec,referral_crm.termvec)',
 ARRAY[$$'a:1'::referral_crm.termvec$$, $$'a:2 b:1'::referral_crm.termvec$$], NULL),
('referral_crm.termvec_bm25(referral_crm.termvec,float8,referral_crm.termvec,float8,float8,float8)',
 ARRAY[$$'a:2 b:1'::referral_crm.termvec$$, '3::float8', $$'a:1.2'::referral_crm.termvec$$, '4::float8', '1.2::float8', '0.75::float8'], NULL),
('referral_crm.termvec_bm25_query(referral_crm.termvec,referral_crm.termvec,float8)',
 ARRAY[$$'a:1 b:1'::referral_crm.termvec$$, $$'a:2 b:1'::referral_crm.termvec$$, '3::float8'], NULL),
('referral_crm.termvec_cells_any(referral_crm.termvec,integer[])', ARRAY[$$'a:1'::referral_crm.termvec$$, $$'{1, 0, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, -1, -1, 0, 0}'::int[]$$], NULL),
('referral_crm.termvec_idf(referral_crm.termvec,float8,boolean)', ARRAY[$$'a:1 b:2'::referral_crm.termvec$$, '3::float8', 'true'], NULL),
('referral_crm.termvec_presence(referral_crm.termvec,float8)', ARRAY[$$'a:3 b:0.5'::referral_crm.termvec$$, '1::float8'], NULL),
-- a term no note holds: the result does not depend on other tests' notes
('referral_crm.termvec_search(referral_crm.termvec,referral_crm.termvec,float8,float8,integer)',
 ARRAY[$$'unsafeinputsnever:1'::referral_crm.termvec$$, $$'unsafeinputsnever:1'::referral_crm.termvec$$, '10::float8', '3::float8', '3'], NULL),
('referral_crm.termvec_weight(referral_crm.termvec,referral_crm.termvec,boolean,text)',
 ARRAY[$$'a:2 b:1'::referral_crm.termvec$$, $$'a:1.5 b:2'::referral_crm.termvec$$, 'true', $$'l2'$$], NULL),
('referral_crm.top_terms(referral_crm.termvec,integer)', ARRAY[$$'a:3 b:2 c:1'::referral_crm.termvec$$, '2'], NULL),
('referral_crm.train_logit(text,text,text,text[],float8,integer)',
 ARRAY[$$'unsafe_inputs_t'$$, $$'SELECT * FROM (VALUES (1.0::float8, true), (2.0, false), (3.0, true), (0.5, false)) v(x, y)'$$,
       $$'y'$$, $$'{x}'::text[]$$, '0.1::float8', '5'], NULL),
('referral_crm.audit_event(text,text,jsonb,jsonb)',
 ARRAY[$$'DISCLOSE'$$, $$'referral_crm.patients'$$, $$'{"patient_id": 1}'::jsonb$$, $$'{}'::jsonb$$], NULL),
('referral_crm.audit_read(regclass,jsonb,jsonb)',
 ARRAY[$$'referral_crm.patients'::regclass$$, $$'{"patient_id": 1}'::jsonb$$, $$'{}'::jsonb$$], NULL),
('referral_crm.routing_match_attrs("any")', NULL, 'the planner''s form of routing_match(row)'),
('referral_crm.logit_pass_step(float8[],float8[],float8,float8[])', NULL, 'aggregate support (logit_pass)'),
('referral_crm.logit_pass_combine(float8[],float8[])', NULL, 'aggregate support (logit_pass, logit_merge)'),
('referral_crm.logit_pass_columns_step(float8[],float8[],"any","any")', NULL, 'aggregate support (logit_pass_columns)'),
('referral_crm.auc_step(internal,float8,boolean)', NULL, 'internal argument'),
('referral_crm.auc_combine(internal,internal)', NULL, 'internal argument'),
('referral_crm.auc_final(internal)', NULL, 'internal argument'),
('referral_crm.termvec_gin_compare_partial(integer,integer,smallint,internal)', NULL, 'internal argument'),
('referral_crm.termvec_gin_consistent(internal,smallint,text[],integer,internal,internal,internal,internal)', NULL, 'internal argument'),
('referral_crm.termvec_gin_extract_query(text[],internal,smallint,internal,internal,internal,internal)', NULL, 'internal argument'),
('referral_crm.termvec_gin_triconsistent(internal,smallint,text[],integer,internal,internal,internal)', NULL, 'internal argument');

-- The numeric argument types and the values tried for each.
CREATE TEMP TABLE special_values (type regtype, value text, ord int);
INSERT INTO special_values VALUES
('float8', 'NaN', 1), ('float8', 'Infinity', 2), ('float8', '-Infinity', 3), ('float8', '-1', 4),
('numeric', 'NaN', 1), ('numeric', 'Infinity', 2), ('numeric', '-Infinity', 3),
('int2', '0', 1), ('int2', '-1', 2), ('int2', '-32768', 3),
('int4', '0', 1), ('int4', '-1', 2), ('int4', '-2147483648', 3),
('int8', '0', 1), ('int8', '-1', 2), ('int8', '-9223372036854775808', 3);

CREATE TEMP VIEW swept AS
SELECT f.*, s.args, s.why_not FROM c_functions f LEFT JOIN samples s USING (fn)
 WHERE (NOT f.strict AND cardinality(f.types) > 0)
    OR EXISTS (SELECT FROM unnest(f.types) t, special_values v
                WHERE t IN (v.type, (SELECT typarray FROM pg_type WHERE oid = v.type)));

-- Every such function has a sample, or a reason why not; the sample works.
SELECT fn AS function,
       CASE WHEN args IS NULL AND why_not IS NULL THEN 'NO SAMPLE: add one to this test'
            WHEN args IS NULL THEN 'not called: ' || why_not
            ELSE pg_temp.outcome(pg_temp.call_sql(name, retset, args), show) END AS sample
  FROM swept ORDER BY fn::text COLLATE "C";

------------------------------------------------------------------------
-- 3. Functions that are not STRICT: the sample with one argument NULL.
------------------------------------------------------------------------
SELECT f.fn AS function, a.i AS arg,
       pg_temp.outcome(pg_temp.call_sql(f.name, f.retset, ARRAY(
         SELECT CASE WHEN j = a.i THEN CASE WHEN t = '"any"'::regtype THEN 'NULL' ELSE 'NULL::' || format_type(t, NULL) END
                     ELSE f.args[j] END
           FROM unnest(f.types) WITH ORDINALITY b(t, j) ORDER BY j)), f.show) AS outcome
  FROM swept f, unnest(f.types) WITH ORDINALITY a(t, i)
 WHERE NOT f.strict AND f.args IS NOT NULL
 ORDER BY f.fn::text COLLATE "C", a.i;

------------------------------------------------------------------------
-- 4. Every numeric argument (or every element of a numeric array) NaN,
-- infinite, zero or negative, the others as in the sample.
------------------------------------------------------------------------
SELECT f.fn AS function, a.i AS arg, v.value,
       pg_temp.outcome(pg_temp.call_sql(f.name, f.retset, ARRAY(
         SELECT CASE WHEN j <> a.i THEN f.args[j]
                     WHEN t = v.type THEN format('%L::%s', v.value, format_type(t, NULL))
                     ELSE format('array_fill(%L::%s, ARRAY[cardinality(%s)])', v.value, format_type(v.type, NULL), f.args[j]) END
           FROM unnest(f.types) WITH ORDINALITY b(t, j) ORDER BY j)), f.show) AS outcome
  FROM swept f, unnest(f.types) WITH ORDINALITY a(t, i), special_values v
 WHERE f.args IS NOT NULL AND a.t IN (v.type, (SELECT typarray FROM pg_type WHERE oid = v.type))
 ORDER BY f.fn::text COLLATE "C", a.i, v.ord;

DELETE FROM referral_crm.models WHERE name = 'unsafe_inputs_m';

------------------------------------------------------------------------
-- 5. The defects the sweeps guard against, one by one.
------------------------------------------------------------------------
-- NULL arguments of the TF-IDF, BM25 and routing functions give NULL
-- (they crashed the server); a NULL setting argument takes the setting.
SELECT referral_crm.termvec_idf(NULL, 1, true) AS idf,
       referral_crm.termvec_idf('a:1', NULL, true) AS idf_no_n,
       referral_crm.termvec_idf('a:1 b:2', 3, NULL)::text = referral_crm.termvec_idf('a:1 b:2', 3, true)::text AS idf_setting,
       referral_crm.termvec_weight('a:1', NULL, true, 'l2') AS weight,
       referral_crm.termvec_weight('a:2 b:1', 'a:1 b:2', NULL, NULL)::text
         = referral_crm.termvec_weight('a:2 b:1', 'a:1 b:2', false, 'l2')::text AS weight_settings,
       referral_crm.termvec_bm25(NULL, 1, 'a:1', 1, 1, 1) AS bm25,
       referral_crm.routing_condition_sql(NULL, NULL) AS cond_sql,
       referral_crm.routing_condition_sql('specialty = ''cardiology''', NULL) AS cond_sql_no_prefix;
-- A NULL doclen is not a doclen of 0 (that scored 0.769).
SELECT referral_crm.termvec_bm25('a:1', NULL, 'a:1', 5, 1.2, 0.75) AS no_doclen,
       referral_crm.termvec_bm25('a:1', 0, 'a:1', 5, 1.2, 0.75) AS doclen_0,
       referral_crm.termvec_bm25('a:1', 2, 'a:1', NULL, 1.2, 0.75) AS no_avgdl,
       referral_crm.termvec_bm25('a:1', 2, 'a:1', 5, NULL, NULL) = referral_crm.termvec_bm25('a:1', 2, 'a:1', 5, 1.2, 0.75) AS settings;
-- A NaN avgdl or ndocs is an error (termvec_search spun until the
-- statement timeout); so are infinite and negative ones.
SELECT * FROM referral_crm.termvec_search('a:1', 'a:1', 1.0, 'NaN', 3);
SELECT * FROM referral_crm.termvec_search('a:1', 'a:1', 'NaN', 1.0, 3);
SELECT * FROM referral_crm.termvec_search('a:1', 'a:1', 1.0, '-Infinity', 3);
SELECT referral_crm.termvec_bm25('a:1', 1, 'a:1', 'Infinity', 1.2, 0.75);
SELECT referral_crm.termvec_bm25('a:1', 1, 'a:1', 5, 'NaN', 0.75);
SELECT referral_crm.termvec_bm25('a:1', 1, 'a:1', 5, 1.2, 1.5);
-- The settings cannot be NaN; k1 = 0 with a tiny avgdl (0 times an
-- infinite dl / avgdl) scores the idf, and the search ends.
SET referral_crm.bm25_k1 = 'NaN';
SET referral_crm.bm25_k1 = 0;
SELECT referral_crm.termvec_bm25('a:2', 5, 'a:1', 1e-310, NULL, NULL) AS k1_0_tiny_avgdl;
SELECT count(*) FROM referral_crm.termvec_search('unsafeinputsnever:1', 'unsafeinputsnever:1', 10, 1e-310, 3);
RESET referral_crm.bm25_k1;
-- A weight that overflows is an error, not an infinite termvec weight.
SELECT referral_crm.termvec_weight('a:1e300', 'a:1e300', false, 'none');
SELECT referral_crm.termvec_add('a:1e308', 'a:1e308');

-- recurrent_pathways: a referrer to specialty pair whose referrals have no
-- notes has no distinctive terms (distinctive_terms(NULL) crashed).
SELECT referral_crm.distinctive_terms(NULL) AS no_notes;
BEGIN;
INSERT INTO referral_crm.patients (given_name, family_name, source_system, source_id)
VALUES ('Path', 'Way', 'unsafe-inputs', 'P1');
INSERT INTO referral_crm.referrals (patient_id, authored_at, referring_npi, target_specialty, source_system, source_id)
SELECT p.patient_id, '2026-01-01', '1975318647', 'cardiology', 'unsafe-inputs', 'R' || i
  FROM referral_crm.patients p, generate_series(1, 2) i
 WHERE p.source_system = 'unsafe-inputs';
SELECT referring_npi, specialty, referrals, notes, distinctive_terms
  FROM referral_crm.recurrent_pathways WHERE referring_npi = '1975318647';
ROLLBACK;

-- audit_suppress_values: a subtransaction that aborts gives back the
-- suppression depth it started with (the DELETE after it lost its values).
BEGIN;
INSERT INTO referral_crm.patients (given_name, family_name, source_system, source_id)
VALUES ('Sub', 'Abort', 'unsafe-inputs', 'P1'), ('Sub', 'Nested', 'unsafe-inputs', 'P2'),
       ('Sub', 'Undone', 'unsafe-inputs', 'P3'), ('Sub', 'Released', 'unsafe-inputs', 'P4'),
       ('Sub', 'After', 'unsafe-inputs', 'P5');
-- on in a block that fails: off again
DO $$BEGIN PERFORM referral_crm.audit_suppress_values(true); RAISE EXCEPTION 'x'; EXCEPTION WHEN others THEN END$$;
DELETE FROM referral_crm.patients WHERE source_system = 'unsafe-inputs' AND source_id = 'P1';
-- on twice, then off twice in a savepoint rolled back: on twice again
SELECT referral_crm.audit_suppress_values(true);
SAVEPOINT s1;
SELECT referral_crm.audit_suppress_values(true);
SAVEPOINT s2;
SELECT referral_crm.audit_suppress_values(false), referral_crm.audit_suppress_values(false);
ROLLBACK TO s2;
RELEASE s1;
DELETE FROM referral_crm.patients WHERE source_system = 'unsafe-inputs' AND source_id = 'P2';
-- off once: still on
SELECT referral_crm.audit_suppress_values(false);
DELETE FROM referral_crm.patients WHERE source_system = 'unsafe-inputs' AND source_id = 'P3';
-- off, then on in a savepoint released: the release keeps it
SELECT referral_crm.audit_suppress_values(false);
SAVEPOINT s3;
SELECT referral_crm.audit_suppress_values(true);
RELEASE s3;
DELETE FROM referral_crm.patients WHERE source_system = 'unsafe-inputs' AND source_id = 'P4';
SELECT referral_crm.audit_suppress_values(false);
DELETE FROM referral_crm.patients WHERE source_system = 'unsafe-inputs' AND source_id = 'P5';
SELECT row_key IS NOT NULL AS has_key, old_values->>'family_name' AS family_name, details
  FROM referral_crm_audit.audit_log
 WHERE xid = txid_current() AND table_name = 'referral_crm.patients' AND operation = 'DELETE'
 ORDER BY seq;
ROLLBACK;
