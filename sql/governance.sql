-- Governance, part 1: roles, the staff <-> login mapping and row-level
-- security.  A role x operation matrix in the style of PostgreSQL's
-- rowsecurity.sql: every role against SELECT, INSERT, UPDATE, DELETE,
-- COPY TO, COPY FROM, RETURNING, ON CONFLICT, views, cursors and prepared
-- statements re-run after SET ROLE; each cell shows the rows seen or the
-- error.  Also: a leaky function, a table owner, foreign-key and unique
-- checks.  Roles are cluster-wide: the login roles made here start with
-- regress_ and are dropped at the end.
\set VERBOSITY default
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET client_min_messages = warning;

-- setup_roles() creates the six group roles and is idempotent.
SELECT array_agg(DISTINCT role_name ORDER BY role_name) AS roles FROM referral_crm.setup_roles();
SELECT role_name, action FROM referral_crm.setup_roles() ORDER BY role_name;
SELECT rolname, rolcanlogin, rolsuper, rolbypassrls, rolcreaterole
  FROM pg_roles WHERE rolname LIKE 'referral\_crm\_%' AND rolname <> 'referral_crm_pgaudit' ORDER BY rolname;

-- Login roles for the matrix, one per group role, and one with no group.
CREATE ROLE regress_gov_admin LOGIN IN ROLE referral_crm_admin;
CREATE ROLE regress_gov_intake_a LOGIN IN ROLE referral_crm_intake;
CREATE ROLE regress_gov_intake_b LOGIN IN ROLE referral_crm_intake;
CREATE ROLE regress_gov_liaison LOGIN IN ROLE referral_crm_liaison;
CREATE ROLE regress_gov_analyst LOGIN IN ROLE referral_crm_analyst;
CREATE ROLE regress_gov_auditor LOGIN IN ROLE referral_crm_auditor;
CREATE ROLE regress_gov_ingest LOGIN IN ROLE referral_crm_ingest;
CREATE ROLE regress_gov_nobody LOGIN;

-- Directory: two locations, two queues, a team.
INSERT INTO referral_crm.specialties (specialty, display_name) VALUES ('gov-audiology', 'Audiology (governance test)');
INSERT INTO referral_crm.locations (name, zip, source_system, source_id)
VALUES ('Gov North', '04101', 'gov-test', 'L-N'), ('Gov South', '04106', 'gov-test', 'L-S');
INSERT INTO referral_crm.queues (code, name) VALUES ('gov-q-a', 'Gov queue A'), ('gov-q-b', 'Gov queue B');
INSERT INTO referral_crm.staff (login_role, display_name, role, location_id)
SELECT 'regress_gov_intake_a', 'Ida Intake', 'intake', NULL
UNION ALL
SELECT 'regress_gov_intake_b', 'Ivo Intake', 'scheduler', l.location_id FROM referral_crm.locations l WHERE l.source_id = 'L-S'
UNION ALL
SELECT 'regress_gov_liaison', 'Lia Liaison', 'liaison', NULL;
INSERT INTO referral_crm.queue_members (queue_id, staff_id)
SELECT q.queue_id, s.staff_id FROM referral_crm.queues q, referral_crm.staff s
 WHERE q.code = 'gov-q-a' AND s.login_role = 'regress_gov_intake_a';
INSERT INTO referral_crm.staff_teams (staff_id, team)
SELECT s.staff_id, 'gov-night' FROM referral_crm.staff s WHERE s.login_role = 'regress_gov_intake_b';
INSERT INTO referral_crm.team_scopes (team, queue_id)
SELECT 'gov-night', q.queue_id FROM referral_crm.queues q WHERE q.code = 'gov-q-b';
\set VERBOSITY terse
INSERT INTO referral_crm.team_scopes (team, location_id) SELECT 'Night shift', l.location_id FROM referral_crm.locations l WHERE l.source_id = 'L-N';
\set VERBOSITY default

SELECT a.login_role, a.role, a.teams,
       ARRAY(SELECT q.code FROM referral_crm.queues q WHERE q.queue_id = ANY (a.queue_ids) ORDER BY q.code) AS queues,
       ARRAY(SELECT l.source_id FROM referral_crm.locations l WHERE l.location_id = ANY (a.location_ids) ORDER BY 1) AS locations
  FROM referral_crm.staff_access a WHERE a.login_role::text LIKE 'regress\_gov\_%' ORDER BY 1;

-- Patients and referrals: R1 in queue A, R2 in queue B, R3 at location
-- South (no queue), R4 nowhere (admin only).
INSERT INTO referral_crm.patients (given_name, family_name, birth_date, zip, phone, source_system, source_id)
VALUES ('Ana', 'Gov', '1961-04-02', '04101', '207-555-0101', 'gov-test', 'P1'),
       ('Ben', 'Gov', '1972-05-03', '04102', '207-555-0102', 'gov-test', 'P2'),
       ('Cy', 'Gov', '1983-06-04', '04103', NULL, 'gov-test', 'P3');
INSERT INTO referral_crm.referrals (patient_id, authored_at, referring_npi, target_specialty, reason, queue_id,
                                   target_location_id, source_system, source_id)
SELECT p.patient_id, '2026-09-01 09:00+00', '1234567893', 'gov-audiology', 'hearing loss ' || v.src,
       (SELECT q.queue_id FROM referral_crm.queues q WHERE q.code = v.queue),
       (SELECT l.location_id FROM referral_crm.locations l WHERE l.source_id = v.loc), 'gov-test', v.src
  FROM (VALUES ('R1', 'P1', 'gov-q-a', NULL), ('R2', 'P2', 'gov-q-b', NULL),
               ('R3', 'P3', NULL, 'L-S'), ('R4', 'P3', NULL, NULL)) v (src, pat, queue, loc)
  JOIN referral_crm.patients p ON p.source_system = 'gov-test' AND p.source_id = v.pat
 ORDER BY v.src;
INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id)
SELECT r.referral_id, 'note on ' || r.source_id, 'gov-test', 'N-' || r.source_id
  FROM referral_crm.referrals r WHERE r.source_system = 'gov-test' ORDER BY r.source_id;
INSERT INTO referral_crm.communications (referral_id, patient_id, organization_id, channel, direction, party, summary, source_system, source_id)
SELECT r.referral_id, r.patient_id, NULL, 'call', 'outbound', 'patient', 'called ' || r.source_id, 'gov-test', 'C-' || r.source_id
  FROM referral_crm.referrals r WHERE r.source_system = 'gov-test' AND r.source_id IN ('R1', 'R2');
INSERT INTO referral_crm.communications (referral_id, channel, direction, party, summary, source_system, source_id)
SELECT r.referral_id, 'fax', 'inbound', 'referring-office', 'office faxed ' || r.source_id, 'gov-test', 'C-office-' || r.source_id
  FROM referral_crm.referrals r WHERE r.source_system = 'gov-test' AND r.source_id = 'R3';

-- Every patient-data table has RLS enabled and forced.
SELECT g.table_name, g.policy_family, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
       (SELECT count(*) FROM pg_policy p WHERE p.polrelid = g.table_name) AS policies
  FROM referral_crm.governed_tables g JOIN pg_class c ON c.oid = g.table_name
 WHERE g.patient_data ORDER BY g.table_name::text;
-- The policies use the (SELECT ...) form: one evaluation per query.
SELECT polname, pg_get_expr(polqual, polrelid) AS using_expr
  FROM pg_policy WHERE polrelid = 'referral_crm.referrals'::regclass ORDER BY polname;

SELECT referral_crm.id_in(3, '{1,2,3}') AS found, referral_crm.id_in(4, '{1,NULL,3}') AS with_null,
       referral_crm.id_in(3, '{1,NULL,3}') AS after_null, referral_crm.id_in(1, '{}') AS empty,
       referral_crm.id_in(NULL, '{1}') IS NULL AS strict;
SELECT referral_crm.id_in(1, '{{1,2},{3,4}}');

------------------------------------------------------------------------
-- SELECT: each role sees its rows.
------------------------------------------------------------------------
CREATE FUNCTION pg_temp.gov_seen() RETURNS TABLE (tbl text, rows text)
  LANGUAGE sql AS $$
  SELECT 'referrals', string_agg(source_id, ',' ORDER BY source_id) FROM referral_crm.referrals WHERE source_system = 'gov-test'
  UNION ALL SELECT 'patients', string_agg(source_id, ',' ORDER BY source_id) FROM referral_crm.patients WHERE source_system = 'gov-test'
  UNION ALL SELECT 'notes', string_agg(source_id, ',' ORDER BY source_id) FROM referral_crm.referral_notes WHERE source_system = 'gov-test'
  UNION ALL SELECT 'communications', string_agg(source_id, ',' ORDER BY source_id) FROM referral_crm.communications WHERE source_system = 'gov-test'
$$;

SET ROLE regress_gov_admin;
SELECT * FROM pg_temp.gov_seen();
SET ROLE regress_gov_intake_a;
SELECT * FROM pg_temp.gov_seen();
SET ROLE regress_gov_intake_b;
SELECT * FROM pg_temp.gov_seen();
-- liaison: referral relationships and office communications, no patient identity, no notes
SET ROLE regress_gov_liaison;
SELECT r.referral_id IS NOT NULL AS has_id, r.referring_npi, r.target_specialty, r.status
  FROM referral_crm.referrals r JOIN referral_crm.specialties s ON s.specialty = r.target_specialty
 WHERE s.specialty = 'gov-audiology' ORDER BY r.referral_id;
SELECT count(*) AS referrals FROM referral_crm.referrals WHERE target_specialty = 'gov-audiology';
SELECT source_id FROM referral_crm.referrals WHERE target_specialty = 'gov-audiology';
SELECT patient_id FROM referral_crm.referrals WHERE target_specialty = 'gov-audiology';
SELECT * FROM referral_crm.referrals WHERE target_specialty = 'gov-audiology';
SELECT referral_id FROM referral_crm.referral_events WHERE false;
SELECT count(*) FROM referral_crm.patients;
SELECT count(*) FROM referral_crm.referral_notes;
SELECT party, summary FROM referral_crm.communications WHERE summary LIKE '% R_' ORDER BY summary;
SET ROLE regress_gov_analyst;
SELECT count(*) FROM referral_crm.referrals;
SELECT count(*) FROM referral_crm.patients;
SET ROLE regress_gov_auditor;
SELECT count(*) FROM referral_crm.referrals;
SELECT count(*) > 0 AS reads_audit FROM referral_crm_audit.audit_log;
SET ROLE regress_gov_ingest;
SELECT count(*) FROM referral_crm.referrals;
SELECT count(*) FROM referral_crm.staged_rows;
SET ROLE regress_gov_nobody;
SELECT count(*) FROM referral_crm.referrals;
SELECT count(*) FROM referral_crm_audit.audit_log;
RESET ROLE;
-- Other roles cannot read the audit trail.
SET ROLE regress_gov_admin;
SELECT count(*) > 0 AS admin_reads_audit FROM referral_crm_audit.audit_log;
SET ROLE regress_gov_intake_a;
SELECT count(*) FROM referral_crm_audit.audit_log;
RESET ROLE;

------------------------------------------------------------------------
-- INSERT, UPDATE, DELETE, RETURNING, ON CONFLICT
------------------------------------------------------------------------
SET ROLE regress_gov_intake_a;
-- into its own queue: allowed
INSERT INTO referral_crm.referrals (patient_id, authored_at, target_specialty, queue_id, source_system, source_id)
SELECT r.patient_id, '2026-09-02 09:00+00', 'gov-audiology', r.queue_id, 'gov-test', 'R5' FROM referral_crm.referrals r
 WHERE r.source_system = 'gov-test' AND r.source_id = 'R1';
-- into another queue: refused by WITH CHECK
INSERT INTO referral_crm.referrals (patient_id, authored_at, target_specialty, queue_id, source_system, source_id)
SELECT r.patient_id, '2026-09-02 09:00+00', 'gov-audiology', (SELECT q.queue_id FROM referral_crm.queues q WHERE q.code = 'gov-q-b'),
       'gov-test', 'R6' FROM referral_crm.referrals r WHERE r.source_system = 'gov-test' AND r.source_id = 'R1';
-- RETURNING shows the new row
INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id)
SELECT r.referral_id, 'second note', 'gov-test', 'N-R1b' FROM referral_crm.referrals r
 WHERE r.source_system = 'gov-test' AND r.source_id = 'R1'
RETURNING source_id, body;
-- UPDATE touches only visible rows
UPDATE referral_crm.referrals SET status = 'accepted' WHERE source_system = 'gov-test' RETURNING source_id, status;
-- moving a referral out of its scope is refused
UPDATE referral_crm.referrals SET queue_id = (SELECT q.queue_id FROM referral_crm.queues q WHERE q.code = 'gov-q-b')
 WHERE source_system = 'gov-test' AND source_id = 'R1';
-- DELETE: intake holds no DELETE privilege
DELETE FROM referral_crm.referral_notes WHERE source_id = 'N-R1b';
-- ON CONFLICT DO UPDATE on a visible row
INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id)
SELECT r.referral_id, 'second note, edited', 'gov-test', 'N-R1b' FROM referral_crm.referrals r
 WHERE r.source_system = 'gov-test' AND r.source_id = 'R1'
ON CONFLICT (source_system, source_id) DO UPDATE SET body = EXCLUDED.body RETURNING source_id, body;
-- ON CONFLICT DO UPDATE on a hidden row (a note of R2) is refused
INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id)
SELECT r.referral_id, 'overwrite', 'gov-test', 'N-R2' FROM referral_crm.referrals r
 WHERE r.source_system = 'gov-test' AND r.source_id = 'R1'
ON CONFLICT (source_system, source_id) DO UPDATE SET body = EXCLUDED.body;
-- ON CONFLICT DO NOTHING on a hidden row: nothing happens, nothing is shown
INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id)
SELECT r.referral_id, 'overwrite', 'gov-test', 'N-R2' FROM referral_crm.referrals r
 WHERE r.source_system = 'gov-test' AND r.source_id = 'R1'
ON CONFLICT (source_system, source_id) DO NOTHING RETURNING source_id;
-- a new patient may be registered, but RETURNING needs a visible row
INSERT INTO referral_crm.patients (given_name, family_name, source_system, source_id) VALUES ('Dee', 'Gov', 'gov-test', 'P4');
INSERT INTO referral_crm.patients (given_name, family_name, source_system, source_id) VALUES ('Eve', 'Gov', 'gov-test', 'P5')
RETURNING source_id;
SELECT * FROM pg_temp.gov_seen();

SET ROLE regress_gov_liaison;
INSERT INTO referral_crm.referrals (patient_id, authored_at, source_system, source_id) VALUES (1, now(), 'gov-test', 'R7');
UPDATE referral_crm.referrals SET status = 'accepted' WHERE target_specialty = 'gov-audiology';
DELETE FROM referral_crm.referrals WHERE target_specialty = 'gov-audiology';
-- office communications: allowed; about a patient: refused
INSERT INTO referral_crm.communications (channel, direction, party, summary)
VALUES ('email', 'outbound', 'referring-office', 'gov-test thank-you letter') RETURNING party, summary;
INSERT INTO referral_crm.communications (channel, direction, party, summary)
VALUES ('call', 'outbound', 'patient', 'gov-test called a patient');
INSERT INTO referral_crm.communications (channel, direction, party, summary, source_system, source_id)
VALUES ('email', 'outbound', 'referring-office', 'gov-test letter', 'gov-test', 'C-liaison-1');

SET ROLE regress_gov_analyst;
INSERT INTO referral_crm.referral_notes (referral_id, body) VALUES (1, 'x');
UPDATE referral_crm.referrals SET status = 'accepted';
SET ROLE regress_gov_auditor;
UPDATE referral_crm_audit.audit_log SET operation = 'x';
DELETE FROM referral_crm_audit.audit_log;
SET ROLE regress_gov_ingest;
INSERT INTO referral_crm.patients (given_name, source_system, source_id) VALUES ('Zed', 'gov-test', 'P9');
SET ROLE regress_gov_nobody;
DELETE FROM referral_crm.referrals;

-- admin: everything, but the audit trail is append-only even for it
SET ROLE regress_gov_admin;
UPDATE referral_crm.referrals SET status = 'accepted' WHERE source_system = 'gov-test' AND source_id = 'R4' RETURNING source_id, status;
DELETE FROM referral_crm.referral_notes WHERE source_system = 'gov-test' AND source_id = 'N-R1b' RETURNING source_id;
INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id)
SELECT r.referral_id, 'admin note', 'gov-test', 'N-R4b' FROM referral_crm.referrals r
 WHERE r.source_system = 'gov-test' AND r.source_id = 'R4'
ON CONFLICT (source_system, source_id) DO UPDATE SET body = EXCLUDED.body RETURNING source_id, body;
DELETE FROM referral_crm_audit.audit_log WHERE false;
TRUNCATE referral_crm_audit.audit_log;
RESET ROLE;
-- and for the superuser, unless it disables the triggers (audit_verify then finds it)
DELETE FROM referral_crm_audit.audit_log WHERE chain_id < 0;

------------------------------------------------------------------------
-- COPY TO and COPY FROM
------------------------------------------------------------------------
SET ROLE regress_gov_intake_b;
COPY (SELECT source_id, status FROM referral_crm.referrals WHERE source_system = 'gov-test' ORDER BY source_id) TO STDOUT;
COPY referral_crm.referral_notes (source_id, body) TO STDOUT;
SET ROLE regress_gov_liaison;
COPY (SELECT status, count(*) FROM referral_crm.referrals WHERE target_specialty = 'gov-audiology' GROUP BY 1 ORDER BY 1) TO STDOUT;
COPY referral_crm.referrals (source_id) TO STDOUT;
COPY referral_crm.referral_notes TO STDOUT;
SET ROLE regress_gov_analyst;
COPY referral_crm.patients TO STDOUT;
-- COPY FROM into a table with row-level security is refused for everyone but a superuser
SET ROLE regress_gov_intake_a;
COPY referral_crm.referral_notes (referral_id, body) FROM STDIN;
1	copied
\.
SET ROLE regress_gov_admin;
COPY referral_crm.referral_notes (referral_id, body) FROM STDIN;
1	copied
\.
-- the ingest role writes only through the staging views and the ingestion functions
SET ROLE regress_gov_ingest;
COPY referral_crm.patients (given_name) FROM STDIN;
Zed
\.
COPY referral_crm.staging_referrals FROM STDIN (FORMAT csv, HEADER);
source_system,referral_id,patient_mrn,patient_given_name,patient_family_name,patient_birth_date,patient_sex,patient_zip,patient_phone,patient_language,authored_at,received_at,referring_npi,referring_name,referring_organization,target_specialty,target_npi,target_location_code,priority,reason,diagnosis_codes,payer_code,payer_name,payer_class,plan_code,channel,referral_number,auth_status,prior_auth_number,status,status_reason,stage,stage_reason,needed_by,note_text
gov-ingest,GI-1,GM-1,Gil,Ingest,1970-01-01,M,04101,,,2026-09-03T09:00:00Z,,1234567893,,,gov-audiology,,,routine,,,,,,,fax,,,,requested,,new,,,ingested note
\.
SELECT inserted, updated, unchanged, rejected FROM referral_crm.ingest('referrals');
SELECT count(*) FROM referral_crm.referrals;
RESET ROLE;
SELECT r.source_id, p.source_id AS patient, n.body
  FROM referral_crm.referrals r JOIN referral_crm.patients p USING (patient_id)
  LEFT JOIN referral_crm.referral_notes n USING (referral_id)
 WHERE r.source_system = 'gov-ingest';
-- the batch and the audit trail name the ingest login, not the function's owner
SELECT b.actor, b.inserted FROM referral_crm.ingest_batches b ORDER BY b.batch_id DESC LIMIT 1;
SELECT l.table_name, l.operation, l.actor_role, l.details ? 'via_role' AS via_owner, count(*)
  FROM referral_crm_audit.audit_log l
 WHERE l.xid = (SELECT max(x.xid) FROM referral_crm_audit.audit_log x WHERE x.table_name = 'referral_crm.referrals'
                   AND x.operation = 'INSERT' AND x.new_values->>'source_system' = 'gov-ingest')
 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2;
-- ingest() runs as its owner with a pinned search_path
SELECT p.oid::regprocedure AS function, p.prosecdef, p.proconfig
  FROM pg_proc p WHERE p.oid IN ('referral_crm.ingest(text)'::regprocedure, 'referral_crm.ingest_fhir(jsonb)'::regprocedure)
 ORDER BY 1;

------------------------------------------------------------------------
-- Views, cursors, prepared statements re-run after SET ROLE
------------------------------------------------------------------------
-- a security_invoker view sees what its user sees
CREATE VIEW public.regress_gov_referral_view WITH (security_invoker = true) AS
  SELECT source_id, status FROM referral_crm.referrals WHERE source_system = 'gov-test';
GRANT SELECT ON public.regress_gov_referral_view TO PUBLIC;
SET ROLE regress_gov_intake_a;
SELECT * FROM public.regress_gov_referral_view ORDER BY 1;
SET ROLE regress_gov_intake_b;
SELECT * FROM public.regress_gov_referral_view ORDER BY 1;
SET ROLE regress_gov_analyst;
SELECT * FROM public.regress_gov_referral_view ORDER BY 1;
-- the analyst's view: pseudonymised, small counts suppressed
RESET ROLE;
INSERT INTO referral_crm.referrals (patient_id, authored_at, referring_npi, target_specialty, stage, source_system, source_id)
SELECT p.patient_id, '2026-08-15 09:00+00', CASE WHEN g <= 25 THEN '1003005174' ELSE '1003012253' END,
       'gov-audiology', CASE WHEN g <= 12 THEN 'visit-completed' ELSE 'new' END, 'gov-test', 'A' || g
  FROM generate_series(1, 28) g, referral_crm.patients p WHERE p.source_system = 'gov-test' AND p.source_id = 'P1';
SET ROLE regress_gov_analyst;
SELECT month, length(referrer_token) AS token_length, referrals, visits_completed, completion_pct
  FROM referral_crm.analytics_referral_flow WHERE target_specialty = 'gov-audiology' ORDER BY month, referrals NULLS FIRST;
SELECT referral_crm.pseudonym('npi:1003005174', 'referrer');
RESET ROLE;
SELECT f.referrer_token = referral_crm.pseudonym('npi:1003005174', 'referrer') AS token_matches
  FROM referral_crm.analytics_referral_flow f WHERE f.target_specialty = 'gov-audiology' AND f.month = '2026-08-01' AND f.referrals = 25;
SELECT pg_catalog.array_to_string(c.reloptions, ',') AS options FROM pg_class c WHERE c.oid = 'referral_crm.analytics_referral_flow'::regclass;
-- cursors
SET ROLE regress_gov_intake_b;
BEGIN;
DECLARE gov_cur CURSOR FOR SELECT source_id FROM referral_crm.referrals WHERE source_system = 'gov-test' ORDER BY source_id;
FETCH ALL FROM gov_cur;
COMMIT;
SET ROLE regress_gov_liaison;
BEGIN;
DECLARE gov_cur CURSOR FOR SELECT source_id FROM referral_crm.referrals;
COMMIT;
-- a statement prepared as one role, executed after SET ROLE to another
SET ROLE regress_gov_intake_a;
PREPARE gov_q AS SELECT string_agg(source_id, ',' ORDER BY source_id) FROM referral_crm.referrals WHERE source_system = 'gov-test';
EXECUTE gov_q;
SET ROLE regress_gov_intake_b;
EXECUTE gov_q;
SET ROLE regress_gov_admin;
EXECUTE gov_q;
SET ROLE regress_gov_liaison;
EXECUTE gov_q;
SET ROLE regress_gov_intake_a;
EXECUTE gov_q;
DEALLOCATE gov_q;
RESET ROLE;

------------------------------------------------------------------------
-- Leaks: a leaky function, foreign keys, unique keys, table owners
------------------------------------------------------------------------
CREATE FUNCTION public.regress_gov_leak(text) RETURNS boolean
  LANGUAGE plpgsql COST 0.0000001 AS $$ BEGIN RAISE NOTICE 'leak: %', $1; RETURN true; END $$;
SET client_min_messages = notice;
SET ROLE regress_gov_intake_a;
SELECT source_id FROM referral_crm.referrals
 WHERE source_system = 'gov-test' AND source_id IN ('R1', 'R2') AND public.regress_gov_leak(reason) ORDER BY 1;
RESET ROLE;
SET client_min_messages = warning;
-- A note that names a hidden referral: the foreign key check passes
-- (PostgreSQL checks keys without RLS) but the policy refuses the row,
-- and the error does not say whether the referral exists.
SET ROLE regress_gov_intake_a;
INSERT INTO referral_crm.referral_notes (referral_id, body)
SELECT r.referral_id, 'x' FROM referral_crm.referrals r WHERE false;
INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id)
VALUES ((SELECT max(referral_id) + 1000000 FROM referral_crm.referrals), 'no such referral', 'gov-test', 'N-x1');
RESET ROLE;
SELECT referral_id AS r2 FROM referral_crm.referrals WHERE source_system = 'gov-test' AND source_id = 'R2' \gset
SET ROLE regress_gov_intake_a;
INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id) VALUES (:r2, 'hidden referral', 'gov-test', 'N-x2');
-- A unique key reveals that a hidden row with that key exists (documented
-- PostgreSQL behaviour): the error names the key, never other columns.
INSERT INTO referral_crm.referrals (patient_id, authored_at, target_specialty, queue_id, source_system, source_id)
SELECT r.patient_id, '2026-09-02 09:00+00', 'gov-audiology', r.queue_id, 'gov-test', 'R2' FROM referral_crm.referrals r
 WHERE r.source_system = 'gov-test' AND r.source_id = 'R1';
RESET ROLE;
-- A table owner does not bypass a forced policy.
CREATE ROLE regress_gov_owner LOGIN;
CREATE TABLE public.regress_gov_owned (item_id bigint PRIMARY KEY, referral_id bigint NOT NULL, secret text);
ALTER TABLE public.regress_gov_owned OWNER TO regress_gov_owner;
SELECT referral_crm.govern_table('public.regress_gov_owned', 'referral_child', sensitive_columns => '{secret}');
INSERT INTO public.regress_gov_owned SELECT 1, r.referral_id, 's1' FROM referral_crm.referrals r WHERE r.source_system = 'gov-test' AND r.source_id = 'R1';
INSERT INTO public.regress_gov_owned SELECT 2, r.referral_id, 's2' FROM referral_crm.referrals r WHERE r.source_system = 'gov-test' AND r.source_id = 'R2';
SET ROLE regress_gov_owner;
SELECT count(*) AS owner_sees FROM public.regress_gov_owned;
INSERT INTO public.regress_gov_owned VALUES (3, 1, 's3');
SET ROLE regress_gov_intake_a;
SELECT item_id, secret FROM public.regress_gov_owned;
RESET ROLE;
SELECT c.relrowsecurity, c.relforcerowsecurity, (SELECT count(*) FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname LIKE 'audit\_%') AS audit_triggers
  FROM pg_class c WHERE c.oid = 'public.regress_gov_owned'::regclass;
-- Rows derived from notes follow the notes (family note_child).
CREATE TABLE public.regress_gov_note_terms (note_id bigint PRIMARY KEY, terms text);
SELECT referral_crm.govern_table('public.regress_gov_note_terms', 'note_child');
INSERT INTO public.regress_gov_note_terms
SELECT note_id, 'terms of ' || source_id FROM referral_crm.referral_notes WHERE source_system = 'gov-test' AND source_id IN ('N-R1', 'N-R2');
SET ROLE regress_gov_intake_a;
SELECT terms FROM public.regress_gov_note_terms ORDER BY 1;
SET ROLE regress_gov_intake_b;
SELECT terms FROM public.regress_gov_note_terms ORDER BY 1;
RESET ROLE;
DELETE FROM referral_crm.governed_tables WHERE table_name = 'public.regress_gov_note_terms'::regclass;
DROP TABLE public.regress_gov_note_terms;
-- govern_table errors
SELECT referral_crm.govern_table('public.regress_gov_owned', 'patient');
SELECT referral_crm.govern_table('public.regress_gov_owned', 'everyone');
SELECT referral_crm.govern_table('public.regress_gov_owned', 'referral_child', sensitive_columns => '{nope}');
SELECT referral_crm.govern_table('public.regress_gov_referral_view', 'reference');
SELECT referral_crm.govern_table('public.regress_gov_owned', 'referral_child', retention => interval '1 year');
SELECT referral_crm.govern_table('public.regress_gov_owned', 'referral_child', retention => interval '1 year', retention_column => 'secret');
SET ROLE regress_gov_admin;
SELECT referral_crm.govern_table('public.regress_gov_owned', 'admin_only');
RESET ROLE;
DELETE FROM referral_crm.governed_tables WHERE table_name = 'public.regress_gov_owned'::regclass;
DROP TABLE public.regress_gov_owned;
DROP VIEW public.regress_gov_referral_view;
DROP FUNCTION public.regress_gov_leak(text);
