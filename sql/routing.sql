-- Routing: the condition language, rules, route / route_pending /
-- explain_route, decisions, assignment strategies, lint.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET client_min_messages = warning;

-- 1. Conditions: parsed, type-checked, printed in canonical form.
SELECT c::referral_crm.routing_condition AS canonical
  FROM (VALUES
    ('specialty = ''cardiology'' and priority >= ''urgent'' and payer_class in (''medicare'', ''commercial'') and distance_km(location) < 40'),
    ('SPECIALTY=''cardiology''AND(Priority>''routine''OR in_network)'),
    ('not in_network or hour between 8 and 17.50 and weekday not in (''sat'', ''sunday'')'),
    ('((a_b_c_placeholder_removed_below))')
  ) AS v(c)
 WHERE c NOT LIKE '%placeholder%';
SELECT 'patient_age >= -007.0 and conversion_score > 0.70 and referring_org = 12'::referral_crm.routing_condition;
SELECT 'specialty like ''card%'' and patient_zip not like ''04\_%'' and language is not null and plan is null'::referral_crm.routing_condition;
SELECT 'channel <> ''fax'' and referring_npi in (''1234567893'') and target_location = 3 and not (payer = ''AET'' or payer = ''it''''s'')'::referral_crm.routing_condition;
SELECT 'distance_km(43.6591, -70.2568) <= 25 and true and not false'::referral_crm.routing_condition;
SELECT '(((specialty = ''a'') and (specialty = ''b'')) and priority = ''stat'')'::referral_crm.routing_condition;

-- canonical text parses back to itself
SELECT c::text = c::text::referral_crm.routing_condition::text AS round_trip
  FROM (VALUES ('not in_network or hour between 8 and 17.50 and weekday not in (''sat'', ''sunday'')'::referral_crm.routing_condition),
               ('specialty like ''card%'' or (priority > ''urgent'' and not in_network)')) AS v(c);

-- the binary form is the canonical text
SELECT referral_crm.routing_condition_send('priority>=''urgent''') =
       convert_to('priority >= ''urgent''', 'UTF8') AS send_is_canonical_text;

-- the same test as SQL (used by the benchmark's CASE and PL/pgSQL forms)
SELECT referral_crm.routing_condition_sql('priority > ''urgent'' and weekday in (''sat'', ''sun'') and patient_zip < ''05000''', 'r.');

-- 2. Bad input: the error, its SQLSTATE and where.
CREATE FUNCTION pg_temp.try(c text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text; hint text;
BEGIN
  PERFORM c::referral_crm.routing_condition;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
  RETURN st || ' ' || msg || CASE WHEN det <> '' THEN E'\n  ' || det ELSE '' END
            || CASE WHEN hint <> '' THEN E'\n  hint: ' || hint ELSE '' END;
END $$;
SELECT c AS condition, pg_temp.try(c) AS error
  FROM (VALUES ('specialty == ''x'''), ('specialty = ''x'' and'), (''), ('(specialty = ''x'''),
               ('specialty = ''x'')'), ('specialty = ''x'' or or'), ('specialty ''x'''),
               ('specialty = ''unterminated'), ('specialty in (''a'' ''b'')'), ('specialty = x'),
               ('priority > 5'), ('patient_zip = 04101'), ('patient_age = ''40'''),
               ('in_network > true'), ('in_network in (true)'), ('patient_age like ''4%'''),
               ('speciality = ''cardiology'''), ('priority >= ''high'''), ('weekday = ''funday'''),
               ('payer_class = ''gold'''), ('channel = ''pigeon'''), ('referring_npi = ''1234567890'''),
               ('specialty = null'), ('distance_km(91, 0) < 5'), ('distance_km(here) < 5'),
               ('specialty like ''x\'''), ('patient_age > 12abc'), ('specialty = ''x'' # 1'),
               ('hour between 8 17')) AS v(c);
-- nesting limit (32) and length limit (8192 bytes)
SELECT pg_temp.try(repeat('(', 32) || 'in_network' || repeat(')', 32)) AS depth_32;
SELECT pg_temp.try(repeat('(', 33) || 'in_network' || repeat(')', 33)) AS depth_33;
SELECT pg_temp.try(repeat('not ', 33) || 'in_network') AS not_33;
SELECT pg_temp.try('specialty in (' || (SELECT string_agg(format('%L', 's' || i), ', ') FROM generate_series(1, 1001) i) || ')') AS list_1001;
SELECT pg_temp.try(repeat('in_network and ', 600) || 'in_network') AS too_long;
-- the error as psql shows it
SELECT 'specialty = ''cardiology'' and priority >= urgent'::referral_crm.routing_condition;
