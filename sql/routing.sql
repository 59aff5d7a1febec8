-- Routing: the condition language, rules, route / route_pending /
-- explain_route, decisions, assignment strategies, lint.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET client_min_messages = warning;
\set SHOW_CONTEXT never

-- 1. Conditions: parsed, type-checked, printed in canonical form.
SELECT c::referral_crm.routing_condition AS canonical
  FROM (VALUES
    ('specialty = ''cardiology'' and priority >= ''urgent'' and payer_class in (''medicare'', ''commercial'') and distance_km(location) < 40'),
    ('SPECIALTY=''cardiology''AND(Priority>''routine''OR in_network)'),
    ('not in_network or hour between 8 and 17.50 and weekday not in (''sat'', ''sunday'')')
  ) AS v(c);
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

-- and binary COPY round-trips through send and recv
CREATE TEMP TABLE rt_bin (c referral_crm.routing_condition);
INSERT INTO rt_bin VALUES ('priority>=''urgent'' AND NOT in_network'), ('distance_km(43.6591, -70.2568) < 40.0');
DO $$
DECLARE f text := '/tmp/referral_crm_routing_' || pg_backend_pid() || '.bin';
BEGIN
  EXECUTE format('COPY rt_bin TO %L (FORMAT binary)', f);
  EXECUTE format('COPY rt_bin FROM %L (FORMAT binary)', f);
  EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'rm -f ' || f);
END $$;
SELECT c::text AS condition, count(*) AS copies FROM rt_bin GROUP BY 1 ORDER BY 1;

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

-- 3. A small world: payers, locations, queues, staff, patients, referrals.
INSERT INTO referral_crm.payers (payer_code, name, payer_class, source_system, source_id)
VALUES ('RT-MCR', 'Medicare (routing test)', 'medicare', 'rt', 'P1'),
       ('RT-ACME', 'Acme Health (routing test)', 'commercial', 'rt', 'P2');
INSERT INTO referral_crm.locations (name, zip, latitude, longitude, source_system, source_id)
VALUES ('Portland heart clinic', '04101', 43.6591, -70.2568, 'rt', 'L1'),
       ('Bangor heart clinic', '04401', 44.8012, -68.7778, 'rt', 'L2');
INSERT INTO referral_crm.zip_centroids VALUES ('04101', 43.6615, -70.2553), ('04401', 44.8408, -68.7444)
  ON CONFLICT (zip) DO NOTHING;
INSERT INTO referral_crm.queues (code, name) VALUES
  ('rt-cardio-urgent', 'Cardiology, urgent (routing test)'),
  ('rt-cardio', 'Cardiology (routing test)'),
  ('rt-spanish', 'Spanish-speaking intake (routing test)'),
  ('rt-overflow', 'Overflow (routing test)'),
  ('rt-general', 'General intake (routing test)');
UPDATE referral_crm.queues SET fallback_queue_id = (SELECT queue_id FROM referral_crm.queues WHERE code = 'rt-overflow')
 WHERE code = 'rt-cardio-urgent';
INSERT INTO referral_crm.staff (display_name, role, languages, skills) VALUES
  ('RT Ana', 'intake', '{en,es}', '{cardiology}'),
  ('RT Ben', 'intake', '{en}', '{cardiology}'),
  ('RT Cleo', 'intake', '{en}', '{}'),
  ('RT Dev', 'intake', '{en,es}', '{}'),
  ('RT Eve', 'intake', '{en}', '{}');
INSERT INTO referral_crm.queue_members (queue_id, staff_id)
SELECT q.queue_id, s.staff_id
  FROM referral_crm.queues q JOIN referral_crm.staff s
    ON (q.code, s.display_name) IN (('rt-cardio-urgent', 'RT Ana'), ('rt-cardio-urgent', 'RT Ben'),
                                    ('rt-cardio', 'RT Ana'), ('rt-cardio', 'RT Ben'), ('rt-cardio', 'RT Cleo'),
                                    ('rt-spanish', 'RT Ana'), ('rt-spanish', 'RT Dev'), ('rt-spanish', 'RT Eve'),
                                    ('rt-overflow', 'RT Eve'));
INSERT INTO referral_crm.queue_routing (queue_id, strategy, required_skills)
SELECT queue_id, s, k
  FROM referral_crm.queues q
  JOIN (VALUES ('rt-cardio-urgent', 'least_loaded', '{}'::text[]), ('rt-cardio', 'round_robin', '{}'),
               ('rt-spanish', 'skills', '{}'), ('rt-overflow', 'least_loaded', '{}'),
               ('rt-general', 'none', '{}')) AS v(c, s, k) ON v.c = q.code;
-- Ana and Ben each take at most one urgent referral
INSERT INTO referral_crm.staff_capacity (staff_id, max_open)
SELECT staff_id, 1 FROM referral_crm.staff WHERE display_name IN ('RT Ana', 'RT Ben');

INSERT INTO referral_crm.patients (given_name, family_name, birth_date, zip, preferred_language, source_system, source_id)
VALUES ('Rosa', 'Alves', '1950-03-02', '04101', 'es', 'rt', 'M1'),
       ('Tom', 'Baker', '1988-07-14', '04401', 'en', 'rt', 'M2'),
       ('Uma', 'Chen', '2015-01-30', NULL, NULL, 'rt', 'M3');

CREATE TEMP TABLE rt_ref (tag text PRIMARY KEY, referral_id bigint);
WITH ins AS (
  INSERT INTO referral_crm.referrals
         (patient_id, authored_at, received_at, target_specialty, priority, payer_id, in_network,
          channel, target_location_id, source_system, source_id)
  SELECT p.patient_id, v.authored::timestamptz, v.authored::timestamptz + interval '1 hour', v.spec, v.prio,
         (SELECT payer_id FROM referral_crm.payers WHERE payer_code = v.payer), v.innet, v.chan,
         (SELECT location_id FROM referral_crm.locations WHERE source_system = 'rt' AND source_id = v.loc),
         'rt', v.tag
    FROM (VALUES ('R1', 'M1', '2026-09-01 09:15Z', 'cardiology', 'urgent', 'RT-MCR', true, 'fax', 'L1'),
                 ('R2', 'M2', '2026-09-05 22:40Z', 'cardiology', 'routine', 'RT-ACME', true, 'ehr', 'L1'),
                 ('R3', 'M3', '2026-09-06 10:00Z', 'pediatrics', 'stat', NULL, NULL, 'portal', NULL),
                 ('R4', 'M2', '2026-09-07 08:00Z', 'cardiology', 'asap', 'RT-MCR', true, 'ehr', 'L2'),
                 ('R5', 'M1', '2026-09-07 08:30Z', 'cardiology', 'stat', 'RT-ACME', true, 'ehr', 'L1'),
                 ('R6', 'M2', '2026-09-08 12:00Z', 'cardiology', 'urgent', 'RT-MCR', true, 'phone', 'L1'),
                 ('R7', 'M1', '2026-09-08 12:30Z', 'dermatology', 'routine', 'RT-ACME', false, 'fax', NULL))
         AS v(tag, mrn, authored, spec, prio, payer, innet, chan, loc)
    JOIN referral_crm.patients p ON p.source_system = 'rt' AND p.source_id = v.mrn
   ORDER BY v.tag
  RETURNING source_id, referral_id)
INSERT INTO rt_ref SELECT source_id, referral_id FROM ins;

-- What routing sees
SELECT t.tag, i.specialty, i.priority, i.payer, i.payer_class, i.in_network, i.patient_age, i.patient_zip,
       i.language, i.channel, i.hour, i.weekday, round(i.patient_latitude::numeric, 2) AS plat,
       round(i.location_latitude::numeric, 2) AS llat
  FROM rt_ref t JOIN referral_crm.routing_input i USING (referral_id) ORDER BY t.tag;

-- Rules: written by operations staff, checked when saved.
INSERT INTO referral_crm.routing_rules (name, priority_order, condition, queue) VALUES
  ('urgent cardiology near Portland', 10,
   'specialty = ''cardiology'' and priority >= ''urgent'' and payer_class in (''medicare'', ''commercial'') and distance_km(location) < 40',
   'rt-cardio-urgent'),
  ('Spanish speakers', 20, 'language = ''es''', 'rt-spanish'),
  ('cardiology', 30, 'specialty = ''cardiology''', 'rt-cardio'),
  ('weekend fax', 40, 'channel = ''fax'' and weekday in (''sat'', ''sun'')', 'rt-general');
INSERT INTO referral_crm.routing_rules (name, priority_order, condition, queue)
VALUES ('bad', 50, 'priority > 5', 'rt-general');
INSERT INTO referral_crm.routing_rules (name, priority_order, condition, queue)
VALUES ('no such queue', 50, 'in_network', 'rt-nowhere');
SELECT name, priority_order, condition, queue, strategy FROM referral_crm.routing_rules
 WHERE queue LIKE 'rt-%' ORDER BY priority_order;

-- explain: every rule considered, in order, and the first clause that failed
SELECT e.rule_name, e.matched, e.failed_clause
  FROM rt_ref t, referral_crm.explain_route(t.referral_id) e
 WHERE t.tag = 'R1';
SELECT e.rule_name, e.matched, e.failed_clause
  FROM rt_ref t, referral_crm.explain_route(t.referral_id) e
 WHERE t.tag = 'R3';
SELECT e.rule_name, e.matched, e.failed_clause
  FROM rt_ref t, referral_crm.explain_route(t.referral_id) e
 WHERE t.tag = 'R2';
SELECT * FROM referral_crm.explain_route(-1);

-- route one referral: rule, queue, assignee; the decision is recorded
SELECT r.name AS rule, x.queue, s.display_name AS assignee
  FROM rt_ref t, referral_crm.route(t.referral_id) x
  LEFT JOIN referral_crm.routing_rules r ON r.rule_id = x.rule_id
  LEFT JOIN referral_crm.staff s ON s.staff_id = x.assignee
 WHERE t.tag = 'R1';
SELECT * FROM referral_crm.route(-1);

-- route_pending: the rest in one pass (inside a transaction, so that
-- other tests' referrals in this database are left as they were)
BEGIN;
-- (referrals of other tests count as decided, so that only ours are routed)
INSERT INTO referral_crm.routing_decisions (referral_id, method)
SELECT referral_id, 'route' FROM referral_crm.referrals WHERE source_system IS DISTINCT FROM 'rt';
SELECT referral_crm.route_pending() AS routed;
SELECT referral_crm.route_pending() AS second_pass;
SELECT t.tag, d.rule_name, q.code AS queue, rq.code AS requested_queue, s.display_name AS assignee,
       d.strategy, d.method, d.decided_by = current_user AS by_me
  FROM rt_ref t
  JOIN referral_crm.routing_decisions d ON d.referral_id = t.referral_id
  LEFT JOIN referral_crm.queues q ON q.queue_id = d.queue_id
  LEFT JOIN referral_crm.queues rq ON rq.queue_id = d.requested_queue_id
  LEFT JOIN referral_crm.staff s ON s.staff_id = d.assignee_staff_id
 ORDER BY t.tag, d.decision_id;
-- the referrals carry their queue and assignee
SELECT t.tag, q.code AS queue, s.display_name AS assignee
  FROM rt_ref t JOIN referral_crm.referrals r USING (referral_id)
  LEFT JOIN referral_crm.queues q ON q.queue_id = r.queue_id
  LEFT JOIN referral_crm.staff s ON s.staff_id = r.assignee_staff_id
 ORDER BY t.tag;
-- decisions are append-only
UPDATE referral_crm.routing_decisions SET rule_name = 'x'
 WHERE referral_id = (SELECT referral_id FROM rt_ref WHERE tag = 'R1');
ROLLBACK;

-- a default queue catches what no rule matches
BEGIN;
SET LOCAL referral_crm.default_queue = 'rt-general';
SELECT r.name AS rule, x.queue, x.assignee FROM rt_ref t, referral_crm.route(t.referral_id) x
  LEFT JOIN referral_crm.routing_rules r ON r.rule_id = x.rule_id WHERE t.tag = 'R3';
SET LOCAL referral_crm.default_queue = 'rt-missing';
SELECT * FROM rt_ref t, referral_crm.route(t.referral_id) x WHERE t.tag = 'R3';
ROLLBACK;

-- rules take effect at once, in this session and others (cache invalidation)
BEGIN;
UPDATE referral_crm.routing_rules SET active = false WHERE name = 'Spanish speakers';
SELECT e.rule_name, e.matched FROM rt_ref t, referral_crm.explain_route(t.referral_id) e WHERE t.tag = 'R7';
SELECT r.name AS rule, x.queue FROM rt_ref t, referral_crm.route(t.referral_id) x
  LEFT JOIN referral_crm.routing_rules r ON r.rule_id = x.rule_id WHERE t.tag = 'R7';
ROLLBACK;
SELECT r.name AS rule, x.queue FROM rt_ref t, referral_crm.route(t.referral_id) x
  LEFT JOIN referral_crm.routing_rules r ON r.rule_id = x.rule_id WHERE t.tag = 'R7';

-- a rule valid only from a future date is not used yet
BEGIN;
UPDATE referral_crm.routing_rules SET valid_from = '2999-01-01Z' WHERE name = 'Spanish speakers';
SELECT e.rule_name, e.matched, e.failed_clause FROM rt_ref t, referral_crm.explain_route(t.referral_id) e
 WHERE t.tag = 'R7' AND e.rule_name = 'Spanish speakers';
SELECT r.name AS rule FROM rt_ref t, referral_crm.route(t.referral_id) x
  LEFT JOIN referral_crm.routing_rules r ON r.rule_id = x.rule_id WHERE t.tag = 'R7';
ROLLBACK;

-- routing_match(row) is planned as routing_match_attrs(column, ...) for a
-- table's row and for routing_input; the rule is the same as through the
-- composite (a scalar subquery keeps the composite form)
CREATE TEMP TABLE rt_input AS
SELECT i.* FROM referral_crm.routing_input i JOIN rt_ref t USING (referral_id);
EXPLAIN (COSTS OFF, VERBOSE) SELECT referral_crm.routing_match(b) FROM rt_input b;
EXPLAIN (COSTS OFF, VERBOSE) SELECT referral_crm.routing_match(ROW(b.specialty, b.channel)) FROM rt_input b;
SELECT t.tag, r.name AS rule,
       referral_crm.routing_match(b) IS NOT DISTINCT FROM referral_crm.routing_match((SELECT b)) AS table_same,
       referral_crm.routing_match(i) IS NOT DISTINCT FROM referral_crm.routing_match((SELECT b)) AS view_same
  FROM rt_ref t
  JOIN rt_input b USING (referral_id)
  JOIN referral_crm.routing_input i USING (referral_id)
  LEFT JOIN referral_crm.routing_rules r ON r.rule_id = referral_crm.routing_match(b)
 ORDER BY t.tag;
-- a row that an outer join leaves NULL is not taken apart: still NULL
EXPLAIN (COSTS OFF, VERBOSE)
SELECT referral_crm.routing_match(b) FROM rt_ref t LEFT JOIN rt_input b ON false;
SELECT t.tag, referral_crm.routing_match(b) FROM rt_ref t LEFT JOIN rt_input b ON false WHERE t.tag = 'R1';
-- the planner's form is not meant to be called directly
SELECT referral_crm.routing_match_attrs('cardiology');
DROP TABLE rt_input;

-- the optional trigger routes referrals as they arrive, once
-- crm_config.route_on_insert is on (off by default: R7b is not routed)
BEGIN;
SELECT route_on_insert FROM referral_crm.crm_config;
INSERT INTO referral_crm.referrals (patient_id, authored_at, target_specialty, priority, source_system, source_id)
SELECT patient_id, '2026-09-09 10:00Z', 'cardiology', 'routine', 'rt', 'R7b'
  FROM referral_crm.patients WHERE source_system = 'rt' AND source_id = 'M2';
UPDATE referral_crm.crm_config SET route_on_insert = true;
INSERT INTO referral_crm.referrals (patient_id, authored_at, target_specialty, priority, source_system, source_id)
SELECT patient_id, '2026-09-09 10:00Z', 'cardiology', 'routine', 'rt', 'R8'
  FROM referral_crm.patients WHERE source_system = 'rt' AND source_id = 'M2';
SELECT r.source_id, d.rule_name, q.code, d.method
  FROM referral_crm.referrals r
  LEFT JOIN referral_crm.routing_decisions d USING (referral_id)
  LEFT JOIN referral_crm.queues q ON q.queue_id = r.queue_id
 WHERE r.source_system = 'rt' AND r.source_id IN ('R7b', 'R8')
 ORDER BY 1;
ROLLBACK;

-- 4. Assignment: fair over 10,000 assignments, capacity, working hours.
INSERT INTO referral_crm.queues (code, name) VALUES ('rt-fair', 'Fairness (routing test)'),
                                                    ('rt-rr', 'Round robin (routing test)');
INSERT INTO referral_crm.staff (display_name, role)
SELECT 'RT F' || i, 'intake' FROM generate_series(1, 5) i;
INSERT INTO referral_crm.queue_members (queue_id, staff_id)
SELECT q.queue_id, s.staff_id FROM referral_crm.queues q, referral_crm.staff s
 WHERE q.code IN ('rt-fair', 'rt-rr') AND s.display_name LIKE 'RT F_';
INSERT INTO referral_crm.queue_routing (queue_id, strategy)
SELECT queue_id, CASE code WHEN 'rt-fair' THEN 'least_loaded' ELSE 'round_robin' END
  FROM referral_crm.queues WHERE code IN ('rt-fair', 'rt-rr');
-- F5 holds at most 5 open items
INSERT INTO referral_crm.staff_capacity (staff_id, max_open)
SELECT staff_id, 5 FROM referral_crm.staff WHERE display_name = 'RT F5';

-- 10,000 tasks arrive one by one into rt-fair and are assigned least-loaded;
-- the team completes the oldest open one whenever 45 are open.  After each
-- assignment, record the spread of open load among F1..F4 and F5's load.
CREATE TEMP TABLE rt_fair (step int, spread int, f5 int);
DO $$
DECLARE
  q bigint := (SELECT queue_id FROM referral_crm.queues WHERE code = 'rt-fair');
  t bigint;
BEGIN
  FOR i IN 1 .. 10000 LOOP
    INSERT INTO referral_crm.tasks (task_type, queue_id, description)
    VALUES ('contact-patient', q, 'rt fairness') RETURNING task_id INTO t;
    PERFORM referral_crm.assign_task(t);
    IF i % 500 = 0 OR i <= 50 THEN
      INSERT INTO rt_fair
      SELECT i, max(l) FILTER (WHERE n <> 'RT F5') - min(l) FILTER (WHERE n <> 'RT F5'),
             max(l) FILTER (WHERE n = 'RT F5')
        FROM (SELECT s.display_name AS n, referral_crm.staff_open_load(s.staff_id) AS l
                FROM referral_crm.staff s WHERE s.display_name LIKE 'RT F_') x;
    END IF;
    IF (SELECT count(*) FROM referral_crm.tasks WHERE queue_id = q AND status = 'open') >= 45 THEN
      UPDATE referral_crm.tasks SET status = 'completed', completed_at = now()
       WHERE task_id = (SELECT min(task_id) FROM referral_crm.tasks WHERE queue_id = q AND status = 'open');
    END IF;
  END LOOP;
END $$;
SELECT count(*) AS samples, max(spread) AS max_spread_f1_f4, max(f5) AS max_f5 FROM rt_fair;
-- assignments per person over the 10,000 (F5 is capped, the others share evenly)
SELECT s.display_name, count(*) AS assigned
  FROM referral_crm.routing_decisions d JOIN referral_crm.staff s ON s.staff_id = d.assignee_staff_id
 WHERE d.method = 'assign_task' AND d.queue_id = (SELECT queue_id FROM referral_crm.queues WHERE code = 'rt-fair')
 GROUP BY 1 ORDER BY 1;
SELECT count(*) FILTER (WHERE assignee_staff_id IS NULL) AS unassigned, count(*) AS tasks
  FROM referral_crm.tasks WHERE description = 'rt fairness';

-- round robin: 1,000 tasks go to F1..F5 in turn (F5 while under capacity)
UPDATE referral_crm.tasks SET status = 'completed' WHERE description = 'rt fairness' AND status = 'open';
CREATE TEMP TABLE rt_rr (step int, staff text);
DO $$
DECLARE
  q bigint := (SELECT queue_id FROM referral_crm.queues WHERE code = 'rt-rr');
  t bigint;
  s bigint;
BEGIN
  FOR i IN 1 .. 1000 LOOP
    INSERT INTO referral_crm.tasks (task_type, queue_id, description)
    VALUES ('schedule', q, 'rt rr') RETURNING task_id INTO t;
    s := referral_crm.assign_task(t);
    INSERT INTO rt_rr SELECT i, display_name FROM referral_crm.staff WHERE staff_id = s;
    -- every task but every 7th is done at once; F5 fills up to its capacity
    IF i % 7 <> 0 THEN
      UPDATE referral_crm.tasks SET status = 'completed' WHERE task_id = t;
    END IF;
  END LOOP;
END $$;
SELECT string_agg(staff, ' ' ORDER BY step) AS first_16 FROM rt_rr WHERE step <= 16;
SELECT staff, count(*) FROM rt_rr GROUP BY 1 ORDER BY 1;

-- working hours: F1 works Monday 09:00-17:00 in New York only
INSERT INTO referral_crm.staff_hours (staff_id, weekday, starts, ends, time_zone)
SELECT staff_id, 1, '09:00', '17:00', 'America/New_York' FROM referral_crm.staff WHERE display_name = 'RT F1';
SELECT at, referral_crm.staff_on_duty(s.staff_id, at::timestamptz) AS f1_on_duty
  FROM referral_crm.staff s,
       (VALUES ('2026-09-07 12:59Z'), ('2026-09-07 13:00Z'), ('2026-09-07 20:59Z'),
               ('2026-09-07 21:00Z'), ('2026-09-08 14:00Z')) AS v(at)
 WHERE s.display_name = 'RT F1';
UPDATE referral_crm.tasks SET status = 'completed' WHERE description IN ('rt fairness', 'rt rr');
SELECT v.at, s.display_name
  FROM (VALUES ('2026-09-07 14:00Z'), ('2026-09-08 14:00Z')) AS v(at),
       LATERAL referral_crm.assign_in_queue((SELECT queue_id FROM referral_crm.queues WHERE code = 'rt-fair'),
                                            'least_loaded', NULL, v.at::timestamptz) a
  JOIN referral_crm.staff s ON s.staff_id = a.staff_id;
DELETE FROM referral_crm.staff_hours WHERE staff_id IN (SELECT staff_id FROM referral_crm.staff WHERE display_name = 'RT F1');
SELECT referral_crm.assign_in_queue(1, 'fastest');
SELECT referral_crm.assign_task(-1);

-- 5. Lint
INSERT INTO referral_crm.queues (code, name, active) VALUES ('rt-old', 'Retired (routing test)', false);
INSERT INTO referral_crm.routing_rules (name, priority_order, condition, queue, valid_from, valid_to) VALUES
  ('stat cardiology', 35, 'specialty = ''cardiology'' and priority = ''stat''', 'rt-general', NULL, NULL),
  ('impossible ages', 60, 'patient_age < 18 and patient_age > 65', 'rt-general', NULL, NULL),
  ('children', 70, 'specialty in (''pediatrics'', ''pedatrics'') and patient_age < 18', 'rt-general', NULL, NULL),
  ('summer pilot', 80, 'payer = ''RT-NOPE''', 'rt-general', '2025-06-01Z', '2025-09-01Z'),
  ('retired queue', 90, 'channel = ''paper''', 'rt-old', NULL, NULL);
SELECT l.rule_name, l.problem, o.name AS other_rule, l.detail
  FROM referral_crm.routing_lint() l
  LEFT JOIN referral_crm.routing_rules o ON o.rule_id = l.other_rule_id;

-- the analysis behind it
SELECT a, b, referral_crm.routing_condition_implies(a::referral_crm.routing_condition, b::referral_crm.routing_condition) AS a_implies_b,
       referral_crm.routing_condition_overlaps(a::referral_crm.routing_condition, b::referral_crm.routing_condition) AS overlap
  FROM (VALUES ('priority = ''stat''', 'priority >= ''urgent'''),
               ('priority >= ''urgent''', 'priority = ''stat'''),
               ('patient_age between 20 and 30', 'patient_age > 18'),
               ('patient_age between 10 and 30', 'patient_age > 18'),
               ('specialty in (''a'', ''b'')', 'specialty in (''a'', ''b'', ''c'') or priority = ''stat'''),
               ('specialty = ''a''', 'specialty <> ''b'''),
               ('specialty = ''a''', 'specialty = ''b'''),
               ('in_network', 'not in_network'),
               ('language is null', 'language = ''es'''),
               ('weekday in (''sat'', ''sun'')', 'weekday > ''fri'''),
               ('specialty like ''c%''', 'specialty like ''c%''')) AS v(a, b);
SELECT c, referral_crm.routing_condition_satisfiable(c::referral_crm.routing_condition) AS satisfiable
  FROM (VALUES ('priority > ''stat'''), ('priority < ''routine'' or in_network'), ('hour > 5 and hour < 5'),
               ('hour >= 5 and hour <= 5'), ('hour >= 5 and hour <= 5 and hour <> 5'),
               ('specialty in (''a'', ''b'') and specialty not in (''a'', ''b'')'),
               ('language is null and language = ''en'''), ('false'), ('not false')) AS v(c);
SELECT referral_crm.routing_condition_values('specialty in (''a'', ''b'') or specialty = ''c'' and payer = ''x''', 'specialty');

-- A referral that names no specialty: routing_input infers it from the
-- first note with the note classifier 'specialty' (notes room), once one
-- is trained; without one it stays NULL.
INSERT INTO referral_crm.referrals (patient_id, authored_at, priority, source_system, source_id)
SELECT p.patient_id, '2026-09-10 10:00Z', 'routine', 'rt', 'R-NOSPEC'
  FROM referral_crm.patients p WHERE p.source_system = 'rt' AND p.source_id = 'M1';
INSERT INTO referral_crm.referral_notes (referral_id, note_type, authored_at, body, source_system, source_id)
SELECT r.referral_id, 'referral', '2026-09-10 10:00Z', 'Exertional chest pain and palpitations, abnormal ECG; please evaluate.', 'rt', 'N-NOSPEC'
  FROM referral_crm.referrals r WHERE r.source_system = 'rt' AND r.source_id = 'R-NOSPEC';
SELECT i.specialty FROM referral_crm.routing_input i JOIN referral_crm.referrals r USING (referral_id)
 WHERE r.source_system = 'rt' AND r.source_id = 'R-NOSPEC';
SELECT referral_crm.train_note_classifier('specialty', $q$
  SELECT s, b FROM (VALUES ('cardiology', 'chest pain on exertion, palpitations, abnormal ECG'),
                           ('cardiology', 'atrial fibrillation with palpitations'),
                           ('dermatology', 'itchy rash on both forearms'),
                           ('dermatology', 'changing pigmented skin lesion')) v (s, b)$q$, 'centroid');
SELECT i.specialty FROM referral_crm.routing_input i JOIN referral_crm.referrals r USING (referral_id)
 WHERE r.source_system = 'rt' AND r.source_id = 'R-NOSPEC';
DELETE FROM referral_crm.note_classifiers WHERE name = 'specialty';

-- The SQL form of a condition agrees with the C evaluator, row by row, for
-- empty priority ranges under NOT/AND/OR, text BETWEEN (collated bounds)
-- and literals with backslashes and quotes, whatever
-- standard_conforming_strings says.  One letter per row: t, f, n (unknown).
CREATE TEMP TABLE rc_rows (id int, specialty text, priority text, payer text,
                           patient_zip text, in_network boolean);
INSERT INTO rc_rows VALUES
  (1, 'a',  'routine', $v$a\$v$,        '04101', true),
  (2, 'B',  'urgent',  ' or true --',   '04_01', false),
  (3, 'c',  'asap',    $v$it's$v$,      NULL,    NULL),
  (4, 'd',  'stat',    $v$x\'y$v$,      '04_',   true),
  (5, 'da', NULL,      NULL,            $v$04\_$v$, false),
  (6, NULL, 'stat',    'x',             '05000', true);
CREATE TEMP TABLE rc_conds (n int, c text);
INSERT INTO rc_conds VALUES
  (1,  $c$priority < 'routine'$c$),
  (2,  $c$not priority < 'routine'$c$),
  (3,  $c$not priority > 'stat'$c$),
  (4,  $c$priority between 'stat' and 'routine'$c$),
  (5,  $c$not priority between 'stat' and 'routine'$c$),
  (6,  $c$priority not between 'stat' and 'routine'$c$),
  (7,  $c$not (priority < 'routine' or in_network)$c$),
  (8,  $c$not (priority > 'stat' and not in_network)$c$),
  (9,  $c$priority < 'routine' or priority >= 'asap'$c$),
  (10, $c$not priority between 'urgent' and 'asap'$c$),
  (11, $c$specialty between 'a' and 'd'$c$),
  (12, $c$not specialty between 'a' and 'd'$c$),
  (13, $c$specialty not between 'B' and 'c' or specialty > 'c'$c$),
  (14, $c$payer = 'a\' or payer = ' or true --'$c$),
  (15, $c$not payer = 'a\'$c$),
  (16, $c$payer in ('it''s', 'x\''y')$c$),
  (17, $c$payer not in ('x\''y', 'x') and payer <> ' or true --'$c$),
  (18, $c$patient_zip like '04\_%'$c$),
  (19, $c$patient_zip not like '04\\\_'$c$),
  (20, $c$payer between 'a\' and 'x\''y'$c$);
SELECT n, referral_crm.routing_condition_sql(c::referral_crm.routing_condition, 'r.') AS compiled FROM rc_conds ORDER BY n;
CREATE FUNCTION pg_temp.rc_vals(cond referral_crm.routing_condition, OUT c_vals text, OUT sql_vals text)
LANGUAGE plpgsql AS $f$
BEGIN
  EXECUTE format($q$
    SELECT string_agg(CASE referral_crm.routing_condition_matches($1, r)
                        WHEN true THEN 't' WHEN false THEN 'f' ELSE 'n' END, '' ORDER BY r.id),
           string_agg(CASE (%s) WHEN true THEN 't' WHEN false THEN 'f' ELSE 'n' END, '' ORDER BY r.id)
      FROM rc_rows r$q$, referral_crm.routing_condition_sql(cond, 'r.'))
    INTO c_vals, sql_vals USING cond;
END $f$;
SET standard_conforming_strings = on;
SELECT n, v.c_vals, v.sql_vals, v.c_vals = v.sql_vals AS agree
  FROM rc_conds, pg_temp.rc_vals(c::referral_crm.routing_condition) v ORDER BY n;
SET standard_conforming_strings = off;
SELECT n, v.c_vals, v.sql_vals, v.c_vals = v.sql_vals AS agree
  FROM rc_conds, pg_temp.rc_vals(c::referral_crm.routing_condition) v ORDER BY n;
RESET standard_conforming_strings;
