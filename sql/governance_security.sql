-- Governance, part 3: abuses found by a security review, each shown to
-- fail.  Owner-rights trigger functions attached to a caller's own table;
-- the registry steering purge_expired(); note text leaking through the
-- corpus statistics and the classifiers; forged status history; a
-- referral that reveals another scope's patient; a dropped governed
-- table.  Roles are cluster-wide: the logins made here start with
-- regress_sec_ and are dropped at the end.
\set VERBOSITY terse
SET client_min_messages = warning;
SELECT count(*) > 0 AS roles_set_up FROM referral_crm.setup_roles();
CREATE ROLE regress_sec_admin LOGIN IN ROLE referral_crm_admin;
CREATE ROLE regress_sec_intake LOGIN IN ROLE referral_crm_intake;
CREATE ROLE regress_sec_liaison LOGIN IN ROLE referral_crm_liaison;
CREATE ROLE regress_sec_nobody LOGIN;
CREATE ROLE regress_sec_other LOGIN;
GRANT CREATE ON SCHEMA public TO regress_sec_other;

-- A queue of the intake login, a referral in it and one elsewhere, each
-- with a note that names its patient.
INSERT INTO referral_crm.queues (code, name) VALUES ('sec-q', 'Security test queue');
INSERT INTO referral_crm.staff (login_role, display_name, role) VALUES ('regress_sec_intake', 'Sec Intake', 'intake');
INSERT INTO referral_crm.queue_members (queue_id, staff_id)
SELECT q.queue_id, s.staff_id FROM referral_crm.queues q, referral_crm.staff s
 WHERE q.code = 'sec-q' AND s.login_role = 'regress_sec_intake';
INSERT INTO referral_crm.patients (given_name, family_name, source_system, source_id)
VALUES ('Mine', 'Secpatient', 'sec-test', 'P-mine'), ('Maria', 'Hiddenlopez', 'sec-test', 'P-other'),
       ('New', 'Secpatient', 'sec-test', 'P-new');
INSERT INTO referral_crm.referrals (patient_id, authored_at, queue_id, source_system, source_id)
SELECT p.patient_id, '2026-09-01 09:00+00', CASE WHEN p.source_id = 'P-mine' THEN q.queue_id END, 'sec-test', 'R-' || p.source_id
  FROM referral_crm.patients p, referral_crm.queues q
 WHERE p.source_system = 'sec-test' AND p.source_id IN ('P-mine', 'P-other') AND q.code = 'sec-q'
 ORDER BY p.source_id;
INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id)
SELECT r.referral_id, CASE r.source_id WHEN 'R-P-mine' THEN 'Knee pain after a fall.'
                                       ELSE 'Patient Maria Hiddenlopez, zorblaxitis suspected.' END,
       'sec-test', 'N-' || r.source_id
  FROM referral_crm.referrals r WHERE r.source_system = 'sec-test' ORDER BY r.source_id;

------------------------------------------------------------------------
-- 1. The statistics' trigger functions run with the owner's rights:
-- nobody may attach them to a table of their own, and on any table but
-- referral_notes they refuse to run.
------------------------------------------------------------------------
SET ROLE regress_sec_nobody;
CREATE TEMP TABLE sec_notes (note_id bigint, body text);
CREATE TRIGGER i AFTER INSERT ON sec_notes REFERENCING NEW TABLE AS new_notes
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.notes_corpus_insert();
CREATE TRIGGER t AFTER TRUNCATE ON sec_notes FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.notes_corpus_truncate();
RESET ROLE;
CREATE TABLE public.sec_fake_notes (note_id bigint, body text);
CREATE TRIGGER i AFTER INSERT ON public.sec_fake_notes REFERENCING NEW TABLE AS new_notes
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.notes_corpus_insert();
CREATE TRIGGER t AFTER TRUNCATE ON public.sec_fake_notes FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.notes_corpus_truncate();
INSERT INTO public.sec_fake_notes VALUES (-42, 'hi');
TRUNCATE public.sec_fake_notes;
DROP TABLE public.sec_fake_notes;
-- No SECURITY DEFINER function of the extension is open to PUBLIC.
SELECT count(*) AS definer_functions_open_to_public
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname IN ('referral_crm', 'referral_crm_audit') AND p.prosecdef
   AND has_function_privilege('public', p.oid, 'EXECUTE');

------------------------------------------------------------------------
-- 2. The registry: the admin role reads it, only the owner changes it;
-- purge_expired() purges only the owner's permanent tables.
------------------------------------------------------------------------
SET ROLE regress_sec_admin;
SELECT count(*) > 0 AS admin_reads_registry FROM referral_crm.governed_tables;
INSERT INTO referral_crm.governed_tables (table_name, policy_family, patient_data, retention, retention_column)
VALUES ('referral_crm.staff', 'admin_only', false, '1 year', 'updated_at');
UPDATE referral_crm.governed_tables SET retention = '1 microsecond' WHERE table_name = 'referral_crm.patients'::regclass;
DELETE FROM referral_crm.governed_tables WHERE table_name = 'referral_crm.patients'::regclass;
RESET ROLE;
-- govern_table refuses temporary tables and the audit trail.
CREATE TEMP TABLE sec_temp (referral_id bigint, updated_at timestamptz);
SELECT referral_crm.govern_table('pg_temp.sec_temp', 'referral_child');
SELECT referral_crm.govern_table('referral_crm_audit.audit_log', 'admin_only');
-- A table of another owner, registered with a retention window (the
-- owner's triggers would run with purge_expired's rights): skipped, and
-- governance_check names it.
SET ROLE regress_sec_other;
CREATE TABLE public.sec_theirs (referral_id bigint, updated_at timestamptz);
INSERT INTO public.sec_theirs VALUES (1, '2000-01-01');
CREATE FUNCTION public.sec_escalate() RETURNS trigger LANGUAGE plpgsql AS
$$BEGIN RAISE EXCEPTION 'trigger of another owner ran as %', current_user; END$$;
CREATE TRIGGER escalate AFTER DELETE ON public.sec_theirs FOR EACH STATEMENT EXECUTE FUNCTION public.sec_escalate();
RESET ROLE;
INSERT INTO referral_crm.governed_tables (table_name, policy_family, patient_data, retention, retention_column, purge_order)
VALUES ('public.sec_theirs', 'admin_only', false, '1 year', 'updated_at', 1);
SELECT table_name, purged FROM referral_crm.purge_expired() WHERE table_name LIKE '%sec_%';
SELECT count(*) AS rows_kept FROM public.sec_theirs;
SELECT severity, finding, object FROM referral_crm.governance_check() WHERE finding = 'retention_not_purgeable';
-- Dropping a governed table takes it out of the registry.
DROP TABLE public.sec_theirs;
DROP FUNCTION public.sec_escalate();
SELECT count(*) AS registry_rows_left FROM referral_crm.governed_tables WHERE table_name::oid NOT IN (SELECT oid FROM pg_class);
CREATE TABLE public.sec_governed (referral_id bigint, updated_at timestamptz);
SELECT referral_crm.govern_table('public.sec_governed', 'referral_child', retention => '1 year', retention_column => 'updated_at');
SELECT count(*) AS registered FROM referral_crm.governed_tables WHERE table_name = 'public.sec_governed'::regclass;
DROP TABLE public.sec_governed;
SELECT count(*) AS registry_rows_left FROM referral_crm.governed_tables WHERE table_name::oid NOT IN (SELECT oid FROM pg_class);
SELECT count(*) > 0 AS setup_roles_still_works FROM referral_crm.setup_roles();

------------------------------------------------------------------------
-- 3. The corpus statistics and the classifiers count the words of every
-- note: intake and liaison cannot read them; intake's searches get every
-- document frequency raised to at least 11 (or the number of notes), the
-- admin role's are exact.
------------------------------------------------------------------------
-- (Twelve notes of each label, and one note that names a patient.)
SELECT referral_crm.train_note_classifier('sec-classifier',
         $$SELECT 'knee', 'knee pain after a fall, case ' || i FROM generate_series(1, 12) i
           UNION ALL SELECT 'skin', 'rash and itching, case ' || i FROM generate_series(1, 12) i
           UNION ALL SELECT 'infection', 'Patient Maria Hiddenlopez, zorblaxitis suspected.'$$, 'centroid');
SET ROLE regress_sec_liaison;
SELECT count(*) FROM referral_crm.corpus_totals;
SELECT count(*) FROM referral_crm.corpus_df;
SELECT count(*) FROM referral_crm.note_classifier_vectors;
SELECT referral_crm.corpus_dfs('{knee}');
SET ROLE regress_sec_intake;
SELECT count(*) FROM referral_crm.corpus_totals;
SELECT count(*) FROM referral_crm.note_classifier_vectors;
SELECT * FROM referral_crm.corpus_terms() LIMIT 1;
SELECT referral_crm.corpus_df_floor() AS floor,
       (SELECT ndocs FROM referral_crm.corpus_stats()) >= 2 AS stats_readable,
       referral_crm.termvec_size(referral_crm.corpus_dfs(referral_crm.termvec_terms(referral_crm.note_vector('zorblaxitis nosuchwordanywhere')))) AS terms_reported,
       (SELECT min(weight) FROM referral_crm.top_terms(referral_crm.corpus_dfs(referral_crm.termvec_terms(referral_crm.note_vector('zorblaxitis nosuchwordanywhere'))), 2))
         = least(11, (SELECT ndocs FROM referral_crm.corpus_stats())) AS both_at_the_floor;
SELECT label FROM referral_crm.classify_note('sec-classifier', 'my knee hurts') LIMIT 1;
-- A classifier would tell intake that a note it may not read names a
-- person or a diagnosis (a term of a single training note, and its
-- label): it uses only the terms of at least corpus_df_floor() training
-- notes for intake, so the patient's name gives no label.
SELECT * FROM referral_crm.classify_note('sec-classifier', 'Hiddenlopez');
SELECT * FROM referral_crm.classify_note('sec-classifier', 'zorblaxitis');
SELECT label FROM referral_crm.classify_note('sec-classifier', 'zorblaxitis and a knee') LIMIT 1;
-- Routing (the owner's job) asks whether the specialty classifier exists
-- through a function, not by reading the admin role's table.
RESET ROLE;
SELECT referral_crm.train_note_classifier('specialty',
         $$SELECT 'sec-knee', 'knee pain after a fall' UNION ALL SELECT 'sec-skin', 'rash and itching'$$, 'centroid');
SELECT i.specialty FROM referral_crm.routing_input i JOIN referral_crm.referrals r USING (referral_id)
 WHERE r.source_system = 'sec-test' AND r.source_id = 'R-P-mine';
DELETE FROM referral_crm.note_classifiers WHERE name = 'specialty';
SELECT i.specialty IS NULL AS no_classifier_no_specialty FROM referral_crm.routing_input i JOIN referral_crm.referrals r USING (referral_id)
 WHERE r.source_system = 'sec-test' AND r.source_id = 'R-P-mine';
SET ROLE regress_sec_intake;
SELECT referral_crm.note_classifier_exists('sec-classifier') AS intake_may_ask;
-- Similar referrals, key terms and TF-IDF work for intake (on floored statistics).
SELECT count(*) >= 0 AS similar_ok
  FROM referral_crm.similar_referrals((SELECT referral_id FROM referral_crm.referrals WHERE source_system = 'sec-test' AND source_id = 'R-P-mine'), 5);
SELECT count(*) > 0 AS key_terms_ok FROM referral_crm.key_terms('Knee pain after a fall, knee swelling.', 3);
SELECT referral_crm.termvec_size(referral_crm.tfidf('zorblaxitis knee')) AS tfidf_terms;
-- Search finds only the notes intake may read.
SELECT n.source_id FROM referral_crm.search_notes('zorblaxitis knee', 10) s
  JOIN referral_crm.referral_notes n ON n.note_id = s.note_id WHERE n.source_system = 'sec-test';
RESET ROLE;
SET ROLE regress_sec_admin;
SELECT referral_crm.corpus_df_floor() AS floor, referral_crm.corpus_dfs(referral_crm.termvec_terms(referral_crm.note_vector('zorblaxitis nosuchwordanywhere'))) AS exact;
SELECT label, round(score::numeric, 3) AS score FROM referral_crm.classify_note('sec-classifier', 'zorblaxitis');
RESET ROLE;
-- The manager's dashboard snapshots are the admin role's.
SET ROLE regress_sec_liaison;
SELECT count(*) FROM referral_crm.leakage_snapshot;
SELECT count(*) >= 0 AS referrer_snapshot_readable FROM referral_crm.referrers_snapshot;
RESET ROLE;

------------------------------------------------------------------------
-- 4. The status history is written by its trigger only: intake cannot
-- insert an event, and its status change is recorded in its name.
------------------------------------------------------------------------
SET ROLE regress_sec_intake;
INSERT INTO referral_crm.referral_events (referral_id, dimension, from_value, to_value, reason, actor, occurred_at)
SELECT r.referral_id, 'status', 'requested', 'completed', 'forged', 'dr_bob', '2020-01-01'
  FROM referral_crm.referrals r WHERE r.source_id = 'R-P-mine';
UPDATE referral_crm.referrals SET status = 'accepted' WHERE source_id = 'R-P-mine';
SELECT e.dimension, e.from_value, e.to_value, e.actor, e.staff_id IS NOT NULL AS has_staff
  FROM referral_crm.referral_events e JOIN referral_crm.referrals r USING (referral_id) WHERE r.source_id = 'R-P-mine';
RESET ROLE;
-- The trigger function refuses any table but referrals.
CREATE TABLE public.sec_fake_referrals (referral_id bigint, status text, stage text);
CREATE TRIGGER e AFTER UPDATE ON public.sec_fake_referrals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.referral_events_record();
INSERT INTO public.sec_fake_referrals VALUES (1, 'a', 'b');
UPDATE public.sec_fake_referrals SET status = 'c';
DROP TABLE public.sec_fake_referrals;

------------------------------------------------------------------------
-- 5. A referral attaches only to a patient intake already sees, or to a
-- new one: inserting one for another scope's patient would reveal them.
------------------------------------------------------------------------
SELECT (SELECT patient_id FROM referral_crm.patients WHERE source_system = 'sec-test' AND source_id = 'P-other') AS p_other,
       (SELECT patient_id FROM referral_crm.patients WHERE source_system = 'sec-test' AND source_id = 'P-mine') AS p_mine,
       (SELECT patient_id FROM referral_crm.patients WHERE source_system = 'sec-test' AND source_id = 'P-new') AS p_new,
       (SELECT queue_id FROM referral_crm.queues WHERE code = 'sec-q') AS sec_q \gset
SET ROLE regress_sec_intake;
SELECT source_id FROM referral_crm.patients WHERE source_system = 'sec-test' ORDER BY 1;
-- another scope's patient (an id intake cannot see): refused
INSERT INTO referral_crm.referrals (patient_id, authored_at, queue_id, source_system, source_id)
VALUES (:p_other, now(), :sec_q, 'sec-test', 'R-probe');
SELECT count(*) AS other_patient_seen FROM referral_crm.patients WHERE patient_id = :p_other;
-- its own patient, and a new patient with no referral yet: allowed
INSERT INTO referral_crm.referrals (patient_id, authored_at, queue_id, source_system, source_id)
VALUES (:p_mine, now(), :sec_q, 'sec-test', 'R-mine-2'), (:p_new, now(), :sec_q, 'sec-test', 'R-new');
-- nor can an update move its referral to another scope's patient
UPDATE referral_crm.referrals SET patient_id = :p_other WHERE source_system = 'sec-test' AND source_id = 'R-mine-2';
RESET ROLE;
SELECT r.source_id, p.source_id AS patient FROM referral_crm.referrals r JOIN referral_crm.patients p USING (patient_id)
 WHERE r.source_system = 'sec-test' ORDER BY 1;

------------------------------------------------------------------------
-- Models: the statistics of two versions (rows used, feature means,
-- metrics) tell one training row apart, so models is the admin role's.
-- predict() still answers every role: it reads the coefficients with the
-- owner's rights, under a pinned search_path (a caller's own = operator
-- does not run).
------------------------------------------------------------------------
SELECT version, rows_used FROM referral_crm.train_logit('sec-model',
  $$SELECT * FROM (VALUES (true, 1.0::float8), (false, 2.0), (true, 2.5), (false, 0.5),
                          (true, 1.2), (false, 3.0), (true, 0.8), (false, 1.8)) v(y, x)$$, 'y', ARRAY['x']);
SELECT round(referral_crm.logit_predict(coefficients, ARRAY[1.0])::numeric, 9) AS p_owner
  FROM referral_crm.models WHERE name = 'sec-model' \gset
SET ROLE regress_sec_intake;
SELECT count(*) FROM referral_crm.models;
SELECT count(*) FROM referral_crm.current_models;
SELECT round(referral_crm.predict('sec-model', ARRAY[1.0])::numeric, 9) = :p_owner AS intake_predicts;
RESET ROLE;
SET ROLE regress_sec_liaison;
SELECT count(*) FROM referral_crm.models;
RESET ROLE;
SET ROLE regress_sec_other;
CREATE FUNCTION public.sec_evil_eq(text, text) RETURNS boolean LANGUAGE plpgsql AS
$$BEGIN RAISE NOTICE 'evil = ran as %', current_user; RETURN $1 OPERATOR(pg_catalog.=) $2; END$$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.sec_evil_eq);
SET search_path = public, pg_catalog;
SELECT round(referral_crm.predict('sec-model', ARRAY[1.0])::numeric, 9) OPERATOR(pg_catalog.=) :p_owner AS other_predicts;
RESET search_path;
RESET ROLE;
SELECT count(*) AS admin_reads_models FROM referral_crm.models WHERE name = 'sec-model';

------------------------------------------------------------------------
-- Clean up.
------------------------------------------------------------------------
DELETE FROM referral_crm.referral_notes WHERE source_system = 'sec-test';
DELETE FROM referral_crm.note_classifiers WHERE name = 'sec-classifier';
DELETE FROM referral_crm.models WHERE name = 'sec-model';
SET session_replication_role = replica;
DELETE FROM referral_crm.referral_events WHERE referral_id IN (SELECT referral_id FROM referral_crm.referrals WHERE source_system = 'sec-test');
RESET session_replication_role;
DELETE FROM referral_crm.referrals WHERE source_system = 'sec-test';
DELETE FROM referral_crm.patients WHERE source_system = 'sec-test';
DELETE FROM referral_crm.queue_members WHERE queue_id IN (SELECT queue_id FROM referral_crm.queues WHERE code = 'sec-q');
DELETE FROM referral_crm.staff WHERE login_role = 'regress_sec_intake';
DELETE FROM referral_crm.queues WHERE code = 'sec-q';
REVOKE CREATE ON SCHEMA public FROM regress_sec_other;
DROP OWNED BY regress_sec_admin, regress_sec_intake, regress_sec_liaison, regress_sec_nobody, regress_sec_other;
DROP ROLE regress_sec_admin, regress_sec_intake, regress_sec_liaison, regress_sec_nobody, regress_sec_other;
