-- Governance, part 2: the C audit trigger and its hash chain, tampering
-- by a superuser, read tracing, pseudonyms and key rotation, retention
-- with legal holds, disclosures to partners, the permission review and
-- the governance check.  Uses the roles and rows of part 1 (governance),
-- and drops its login roles at the end.
\set VERBOSITY default
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET client_min_messages = warning;

------------------------------------------------------------------------
-- What an entry holds
------------------------------------------------------------------------
SET ROLE regress_gov_intake_a;
BEGIN;
SELECT txid_current() AS x1 \gset
UPDATE referral_crm.referrals SET status = 'in-progress', reason = 'hearing loss, left ear'
 WHERE source_system = 'gov-test' AND source_id = 'R1';
COMMIT;
RESET ROLE;
SELECT seq - min(seq) OVER () AS n, actor_session = session_user AS session_ok, actor_role, table_name, operation,
       staff_id IS NOT NULL AS has_staff,
       application_name, (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(row_key) k) AS key_columns,
       old_values - 'updated_at' - 'status_changed_at' AS old_values, new_values - 'updated_at' - 'status_changed_at' - 'occurred_at' - 'event_id' - 'referral_id' - 'staff_id' - 'session_actor' AS new_values,
       details, length(hash) AS hash_bytes
  FROM referral_crm_audit.audit_log WHERE xid = :x1 ORDER BY seq;
-- the sensitive column is recorded as its SHA-256
SELECT new_values->>'reason' = 'sha256:' || encode(sha256(convert_to('hearing loss, left ear', 'UTF8')), 'hex') AS reason_hashed
  FROM referral_crm_audit.audit_log WHERE xid = :x1 AND table_name = 'referral_crm.referrals';

-- One statement of many rows: one entry per row, consecutive in the chain.
BEGIN;
SELECT txid_current() AS x2 \gset
INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id)
SELECT r.referral_id, 'bulk note ' || g, 'gov-test', 'BN-' || g
  FROM referral_crm.referrals r, generate_series(1, 100) g WHERE r.source_system = 'gov-test' AND r.source_id = 'R4';
COMMIT;
SELECT count(*) AS entries, max(seq) - min(seq) + 1 AS span, count(DISTINCT chain_id) AS chains,
       bool_and(operation = 'INSERT') AS inserts, bool_and(new_values->>'body' LIKE 'sha256:%') AS bodies_hashed
  FROM referral_crm_audit.audit_log WHERE xid = :x2;

-- DELETE records the old row; TRUNCATE one entry for the table.
CREATE TABLE public.regress_gov_scratch (id int PRIMARY KEY, label text);
SELECT referral_crm.govern_table('public.regress_gov_scratch', 'admin_only', patient_data => false);
BEGIN;
SELECT txid_current() AS x3 \gset
INSERT INTO public.regress_gov_scratch VALUES (1, 'one'), (2, 'two');
DELETE FROM public.regress_gov_scratch WHERE id = 2;
UPDATE public.regress_gov_scratch SET label = label WHERE id = 1;
TRUNCATE public.regress_gov_scratch;
COMMIT;
SELECT operation, row_key, old_values, new_values FROM referral_crm_audit.audit_log WHERE xid = :x3 ORDER BY seq;
-- a column added later is audited too (the trigger's column cache follows the table)
ALTER TABLE public.regress_gov_scratch ADD COLUMN extra text;
BEGIN;
SELECT txid_current() AS x3b \gset
INSERT INTO public.regress_gov_scratch VALUES (3, 'three', 'added');
ALTER TABLE public.regress_gov_scratch DROP COLUMN label;
INSERT INTO public.regress_gov_scratch VALUES (4, 'four');
COMMIT;
SELECT operation, new_values FROM referral_crm_audit.audit_log WHERE xid = :x3b ORDER BY seq;
ALTER TABLE public.regress_gov_scratch ADD COLUMN label text;

-- Rolled-back work leaves no gap: savepoints and a whole transaction.
BEGIN;
INSERT INTO public.regress_gov_scratch (id, label) VALUES (10, 'kept');
SAVEPOINT s1;
INSERT INTO public.regress_gov_scratch (id, label) VALUES (11, 'rolled back');
ROLLBACK TO s1;
INSERT INTO public.regress_gov_scratch (id, label) VALUES (12, 'kept');
COMMIT;
BEGIN;
INSERT INTO public.regress_gov_scratch (id, label) VALUES (13, 'rolled back');
ROLLBACK;
INSERT INTO public.regress_gov_scratch (id, label) VALUES (11, 'kept');
DO $$ BEGIN INSERT INTO public.regress_gov_scratch (id, label) VALUES (14, 'x'); RAISE EXCEPTION 'boom'; EXCEPTION WHEN raise_exception THEN NULL; END $$;
SELECT new_values->>'label' AS label FROM referral_crm_audit.audit_log
 WHERE table_name = 'public.regress_gov_scratch' AND operation = 'INSERT' AND (row_key->>'id')::int >= 10 ORDER BY chain_id, seq;
SELECT ok, problem FROM referral_crm.audit_verify();

------------------------------------------------------------------------
-- audit_head and audit_verify; a superuser's tampering is found
------------------------------------------------------------------------
SET ROLE regress_gov_auditor;
SELECT checkpoint > 0 AS sealed, length(digest) AS digest_length FROM referral_crm.audit_head();
SELECT digest AS head FROM referral_crm.audit_head() \gset
SELECT ok, checkpoints > 1 AS checkpoints, problem FROM referral_crm.audit_verify();
SELECT ok, problem FROM referral_crm.audit_verify(:'head');
SELECT ok, problem FROM referral_crm.audit_verify(repeat('0', 64));
SELECT ok FROM referral_crm.audit_verify('not a digest');
SELECT referral_crm.rotate_pseudonym_key();
RESET ROLE;
SELECT min(seq) AS s1, max(seq) AS s2, min(chain_id) AS c FROM referral_crm_audit.audit_log WHERE xid = :x2 \gset

CREATE TEMP TABLE gov_tampered AS SELECT :c::bigint AS chain_id;
CREATE FUNCTION pg_temp.gov_verdict() RETURNS TABLE (ok boolean, at_tampered_chain boolean, problem text)
  LANGUAGE sql AS $$
  SELECT v.ok, v.broken_chain = (SELECT t.chain_id FROM pg_temp.gov_tampered t),
         regexp_replace(v.problem, '[0-9]+', '#', 'g') FROM referral_crm.audit_verify() v
$$;
-- 1. a value changed
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE referral_crm_audit.audit_log SET new_values = new_values || '{"body": "forged"}' WHERE chain_id = :c AND seq = :s1 + 10;
SELECT * FROM pg_temp.gov_verdict();
ROLLBACK;
-- 2. an actor changed (hash recomputed is not possible without redoing every later link)
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE referral_crm_audit.audit_log SET actor_role = 'somebody_else' WHERE chain_id = :c AND seq = :s1;
SELECT * FROM pg_temp.gov_verdict();
ROLLBACK;
-- 3. an entry deleted in the middle of a chain
BEGIN;
SET LOCAL session_replication_role = replica;
DELETE FROM referral_crm_audit.audit_log WHERE chain_id = :c AND seq = :s1 + 50;
SELECT * FROM pg_temp.gov_verdict();
ROLLBACK;
-- 4. the sealed tail of a chain deleted
BEGIN;
SET LOCAL session_replication_role = replica;
DELETE FROM referral_crm_audit.audit_log WHERE chain_id = :c AND seq > :s2 - 5;
SELECT * FROM pg_temp.gov_verdict();
ROLLBACK;
-- 5. an entry appended to a chain, copying another
BEGIN;
SET LOCAL session_replication_role = replica;
INSERT INTO referral_crm_audit.audit_log
SELECT chain_id, (SELECT max(seq) + 1 FROM referral_crm_audit.audit_log WHERE chain_id = :c), logged_at, xid,
       actor_session, actor_role, staff_id, application_name, client_addr,
       table_name, operation, row_key, old_values, new_values, details, hash
  FROM referral_crm_audit.audit_log WHERE chain_id = :c AND seq = :s1 + 20;
SELECT * FROM pg_temp.gov_verdict();
ROLLBACK;
-- 6. an entry inserted in the middle of a chain (a copy of one of its entries)
BEGIN;
SET LOCAL session_replication_role = replica;
INSERT INTO referral_crm_audit.audit_log SELECT * FROM referral_crm_audit.audit_log WHERE chain_id = :c AND seq = :s1 + 20;
SELECT * FROM pg_temp.gov_verdict();
ROLLBACK;
-- 7. a whole chain deleted
BEGIN;
SET LOCAL session_replication_role = replica;
DELETE FROM referral_crm_audit.audit_log WHERE chain_id = :c;
SELECT * FROM pg_temp.gov_verdict();
ROLLBACK;
-- 8. everything deleted: the tips of the chains show it
BEGIN;
SET LOCAL session_replication_role = replica;
DELETE FROM referral_crm_audit.audit_log;
SELECT ok, entries, problem FROM referral_crm.audit_verify();
-- and the tips deleted too: only the digest kept outside shows it
DELETE FROM referral_crm_audit.audit_chain_tips;
SELECT ok, entries FROM referral_crm.audit_verify();
SELECT ok, problem FROM referral_crm.audit_verify(:'head');
ROLLBACK;
-- 9. the tip of a chain changed
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE referral_crm_audit.audit_chain_tips SET hash = sha256(hash) WHERE chain_id = :c;
SELECT * FROM pg_temp.gov_verdict();
ROLLBACK;
-- every chain's tip is its last entry
SELECT count(*) > 0 AS some_chains,
       count(*) = count(*) FILTER (WHERE t.seq = l.seq AND t.hash = l.hash) AS every_tip_at_last_entry
  FROM referral_crm_audit.audit_chain_tips t
  JOIN (SELECT DISTINCT ON (chain_id) chain_id, seq, hash FROM referral_crm_audit.audit_log
         ORDER BY chain_id, seq DESC) l USING (chain_id);
-- the tip row of this session's chain rewritten behind the writer's back:
-- the writer's next commit finds the row by its key and moves it on
SELECT chain_id AS mychain FROM referral_crm_audit.audit_log WHERE xid = :x1 LIMIT 1 \gset
UPDATE referral_crm_audit.audit_chain_tips SET seq = seq WHERE chain_id = :mychain;
UPDATE referral_crm.referrals SET reason = 'hearing loss, both ears'
 WHERE source_system = 'gov-test' AND source_id = 'R1';
SELECT t.seq = (SELECT max(seq) FROM referral_crm_audit.audit_log WHERE chain_id = :mychain) AS tip_moved_on
  FROM referral_crm_audit.audit_chain_tips t WHERE t.chain_id = :mychain;
-- untouched, it verifies
SELECT ok, problem FROM referral_crm.audit_verify(:'head');

------------------------------------------------------------------------
-- Read tracing
------------------------------------------------------------------------
SET ROLE regress_gov_intake_a;
SELECT referral_id AS r1 FROM referral_crm.referrals WHERE source_system = 'gov-test' AND source_id = 'R1' \gset
RESET ROLE;
SELECT referral_id AS r2 FROM referral_crm.referrals WHERE source_system = 'gov-test' AND source_id = 'R2' \gset
SET ROLE regress_gov_intake_a;
BEGIN;
SELECT txid_current() AS x4 \gset
SELECT source_id, status FROM referral_crm.open_referral(:r1);
SELECT source_id, status FROM referral_crm.open_referral(:r2);
SELECT source_id, given_name FROM referral_crm.open_patient((SELECT patient_id FROM referral_crm.referrals WHERE referral_id = :r1));
COMMIT;
SET ROLE regress_gov_liaison;
SELECT source_id FROM referral_crm.open_referral(:r1);
SET ROLE regress_gov_analyst;
SELECT source_id FROM referral_crm.open_referral(:r1);
RESET ROLE;
SELECT actor_role, table_name, operation, (row_key->>'referral_id')::bigint = :r1 AS is_r1, row_key ? 'patient_id' AS patient
  FROM referral_crm_audit.audit_log WHERE xid = :x4 ORDER BY seq;

------------------------------------------------------------------------
-- Pseudonyms and key rotation (admin only)
------------------------------------------------------------------------
SET ROLE regress_gov_admin;
SELECT length(referral_crm.pseudonym('MRN-1', 'patient')) AS length,
       referral_crm.pseudonym('MRN-1', 'patient') = referral_crm.pseudonym('MRN-1', 'patient') AS stable,
       referral_crm.pseudonym('MRN-1', 'patient') <> referral_crm.pseudonym('MRN-1', 'referrer') AS per_domain,
       referral_crm.pseudonym('MRN-1', 'patient') <> referral_crm.pseudonym('MRN-2', 'patient') AS per_value;
SELECT referral_crm.pseudonym('MRN-1', 'patient') AS before_rotation \gset
SELECT referral_crm.rotate_pseudonym_key() > 1 AS rotated;
SELECT referral_crm.pseudonym('MRN-1', 'patient') <> :'before_rotation' AS token_changed;
SELECT count(*) FILTER (WHERE retired_at IS NULL) AS current_keys, count(*) > 1 AS kept_old FROM referral_crm.pseudonym_keys;
SELECT referral_crm.pseudonym(NULL, 'patient') IS NULL AS strict;
SET ROLE regress_gov_intake_a;
SELECT referral_crm.pseudonym('MRN-1', 'patient');
SELECT referral_crm.rotate_pseudonym_key();
SELECT count(*) FROM referral_crm.pseudonym_keys;
RESET ROLE;
-- the key never reaches the audit trail in clear
SELECT operation, new_values->>'key' LIKE 'sha256:%' AS key_hashed
  FROM referral_crm_audit.audit_log WHERE table_name = 'referral_crm.pseudonym_keys' AND operation = 'INSERT' ORDER BY chain_id, seq DESC LIMIT 1;
SELECT count(*) > 0 AS rotation_audited FROM referral_crm_audit.audit_log WHERE operation = 'KEY_ROTATE';

------------------------------------------------------------------------
-- Retention, legal holds, purge
------------------------------------------------------------------------
INSERT INTO referral_crm.patients (given_name, family_name, source_system, source_id, created_at, updated_at)
VALUES ('Old', 'Gov', 'gov-old', 'PO1', '2010-01-01', '2010-01-01'),
       ('Held', 'Gov', 'gov-old', 'PO2', '2010-01-01', '2010-01-01'),
       ('Busy', 'Gov', 'gov-old', 'PO3', '2010-01-01', '2010-01-01');
INSERT INTO referral_crm.referrals (patient_id, authored_at, source_system, source_id, created_at, updated_at)
SELECT p.patient_id, '2010-01-01', 'gov-old', 'RO-' || p.source_id, '2010-01-01', '2010-01-01'
  FROM referral_crm.patients p WHERE p.source_system = 'gov-old' AND p.source_id IN ('PO1', 'PO2');
INSERT INTO referral_crm.referrals (patient_id, authored_at, source_system, source_id)
SELECT p.patient_id, '2010-01-01', 'gov-old', 'RO-recent' FROM referral_crm.patients p WHERE p.source_system = 'gov-old' AND p.source_id = 'PO3';
INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id, created_at, updated_at)
SELECT r.referral_id, 'old note', 'gov-old', 'NO-' || r.source_id, '2010-01-01', '2010-01-01'
  FROM referral_crm.referrals r WHERE r.source_system = 'gov-old';
INSERT INTO referral_crm.legal_holds (patient_id, reason)
SELECT p.patient_id, 'litigation 2026-17' FROM referral_crm.patients p WHERE p.source_system = 'gov-old' AND p.source_id = 'PO2';
SELECT table_name, purged, held, still_referenced FROM referral_crm.purge_expired(dry_run => true)
 WHERE purged + held + still_referenced > 0 ORDER BY table_name;
SET ROLE regress_gov_intake_a;
SELECT * FROM referral_crm.purge_expired();
SET ROLE regress_gov_admin;
BEGIN;
SELECT txid_current() AS x5 \gset
SELECT table_name, purged, held, still_referenced FROM referral_crm.purge_expired()
 WHERE purged + held + still_referenced > 0 ORDER BY table_name;
COMMIT;
RESET ROLE;
SELECT p.source_id, count(r.referral_id) AS referrals, count(n.note_id) AS notes
  FROM referral_crm.patients p LEFT JOIN referral_crm.referrals r USING (patient_id)
  LEFT JOIN referral_crm.referral_notes n USING (referral_id)
 WHERE p.source_system = 'gov-old' GROUP BY 1 ORDER BY 1;
-- the purge keeps keys, not values, in the audit trail; the chain still verifies
SELECT table_name, operation, old_values IS NULL AS no_values, details - 'cutoff' AS details, count(*)
  FROM referral_crm_audit.audit_log WHERE xid = :x5 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 4::text;
SELECT ok, problem FROM referral_crm.audit_verify();
-- releasing the hold lets the next purge take the rest
UPDATE referral_crm.legal_holds SET released_at = now() WHERE reason = 'litigation 2026-17';
SELECT table_name, purged FROM referral_crm.purge_expired() WHERE purged > 0 ORDER BY table_name;
SELECT source_id FROM referral_crm.patients WHERE source_system = 'gov-old' ORDER BY 1;
SELECT referral_crm.purge_audit(interval '1 year');
SELECT referral_crm.purge_audit();
SELECT referral_crm.set_retention('referral_crm.ingest_batches', interval '2 years', 'started_at');
SELECT retention, retention_column FROM referral_crm.governed_tables WHERE table_name = 'referral_crm.ingest_batches'::regclass;
SELECT referral_crm.set_retention('public.regress_gov_referral_nothing', interval '1 year');
SELECT referral_crm.set_retention('referral_crm.specialties', interval '1 year');

------------------------------------------------------------------------
-- Disclosures to partners
------------------------------------------------------------------------
INSERT INTO referral_crm.partners (partner, display_name, allowed_columns, purposes)
VALUES ('gov-lab', 'Governance Lab', '{referral_id, target_specialty, patient_birth_date, patient_pseudo_key}', '{treatment}');
INSERT INTO referral_crm.partners (partner, display_name, allowed_columns, purposes)
VALUES ('gov-bad', 'Bad', '{patient_ssn}', '{treatment}');
SET ROLE regress_gov_intake_a;
BEGIN;
SELECT txid_current() AS x6 \gset
SELECT doc - 'referral_id' - 'patient_pseudo_key' AS doc, doc ? 'referral_id' AS has_id, doc ? 'patient_pseudo_key' AS has_key
  FROM referral_crm.export_for_partner('gov-lab', 'treatment', ARRAY[:r1, :r2]) doc;
COMMIT;
SELECT * FROM referral_crm.export_for_partner('gov-lab', 'marketing', ARRAY[:r1]);
SELECT * FROM referral_crm.export_for_partner('gov-nobody', 'treatment', ARRAY[:r1]);
SELECT * FROM referral_crm.partners;
SET ROLE regress_gov_auditor;
SELECT partner, purpose, disclosed_by, columns, cardinality(referral_ids) AS referrals,
       staff_id IS NOT NULL AS has_staff
  FROM referral_crm.disclosures ORDER BY disclosure_id;
RESET ROLE;
SELECT operation, actor_role, details->>'partner' AS partner, details->'columns' AS columns
  FROM referral_crm_audit.audit_log WHERE xid = :x6 AND operation = 'DISCLOSE';

------------------------------------------------------------------------
-- Permission review and governance check
------------------------------------------------------------------------
SELECT login, object, object_type, privileges, via, rows_seen FROM referral_crm.permission_review()
 WHERE login::text LIKE 'regress\_gov\_%'
   AND object IN ('referral_crm.referrals', 'referral_crm.patients', 'referral_crm.referral_notes',
                  'referral_crm_audit.audit_log', 'referral_crm.analytics_referral_flow', 'referral_crm.staging_referrals',
                  'referral_crm.ingest(text)', 'referral_crm.pseudonym(text,text)', 'referral_crm.audit_verify()')
 ORDER BY login, object;
SELECT count(*) AS superuser_rows FROM referral_crm.permission_review() WHERE object = '*' AND login = session_user;

CREATE FUNCTION pg_temp.gov_findings() RETURNS TABLE (severity text, finding text, object text)
  LANGUAGE sql AS $$
  SELECT c.severity, c.finding, c.object FROM referral_crm.governance_check() c
   WHERE c.finding <> 'table_not_governed' OR c.object LIKE 'referral_crm.regress%'
   ORDER BY 2, 3
$$;
-- the throwaway test cluster: only its documented finding (no TLS)
SELECT * FROM pg_temp.gov_findings();
-- a table nobody classified is enrolled admin_only by enrol_remaining()
BEGIN;
CREATE TABLE referral_crm.regress_gov_unclassified (id int PRIMARY KEY, secret text);
SELECT * FROM referral_crm.enrol_remaining();
SELECT policy_family, patient_data, by_default FROM referral_crm.governed_tables WHERE table_name = 'referral_crm.regress_gov_unclassified'::regclass;
SELECT severity, finding, object FROM referral_crm.governance_check() WHERE object LIKE '%unclassified';
SELECT referral_crm.govern_table('referral_crm.regress_gov_unclassified', 'reference', patient_data => false);
SELECT count(*) AS findings FROM referral_crm.governance_check() WHERE object LIKE '%unclassified';
ROLLBACK;
-- every kind of finding, each in a rolled-back transaction
BEGIN;
ALTER TABLE referral_crm.patients NO FORCE ROW LEVEL SECURITY;
ALTER TABLE referral_crm.referral_notes DISABLE TRIGGER audit_update;
CREATE TABLE referral_crm.regress_gov_loose (id int);
CREATE VIEW referral_crm.regress_gov_leaky_view AS SELECT patient_id FROM referral_crm.patients;
CREATE FUNCTION referral_crm.regress_gov_definer() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';
ALTER ROLE referral_crm_analyst BYPASSRLS;
ALTER TABLE referral_crm.partners OWNER TO referral_crm_liaison;
GRANT CREATE ON SCHEMA referral_crm TO PUBLIC;
SET LOCAL password_encryption = 'md5';
SELECT * FROM pg_temp.gov_findings();
ROLLBACK;

-- Clean up the login roles (cluster-wide).
DELETE FROM referral_crm.governed_tables WHERE table_name::text LIKE 'public.regress%';
DROP TABLE public.regress_gov_scratch;
DROP ROLE regress_gov_admin, regress_gov_intake_a, regress_gov_intake_b, regress_gov_liaison,
          regress_gov_analyst, regress_gov_auditor, regress_gov_ingest, regress_gov_nobody, regress_gov_owner;

------------------------------------------------------------------------
-- The staff id of the actor is cached per backend and follows the staff
-- table: mapped, unmapped and mapped again within one session.
------------------------------------------------------------------------
SELECT staff_id AS dba_staff FROM referral_crm.staff WHERE login_role = current_user \gset
BEGIN;
SELECT txid_current() AS p1 \gset
UPDATE referral_crm.referrals SET priority = 'urgent' WHERE source_system = 'gov-test' AND source_id = 'R1';
COMMIT;
UPDATE referral_crm.staff SET login_role = NULL WHERE staff_id = :dba_staff;
BEGIN;
SELECT txid_current() AS p2 \gset
UPDATE referral_crm.referrals SET priority = 'routine' WHERE source_system = 'gov-test' AND source_id = 'R1';
COMMIT;
UPDATE referral_crm.staff SET login_role = current_user WHERE staff_id = :dba_staff;
BEGIN;
SELECT txid_current() AS p3 \gset
UPDATE referral_crm.referrals SET priority = 'urgent' WHERE source_system = 'gov-test' AND source_id = 'R1';
COMMIT;
SELECT CASE xid WHEN :p1 THEN 'mapped' WHEN :p2 THEN 'unmapped' ELSE 'mapped again' END AS step,
       staff_id = :dba_staff AS staff_is_dba, staff_id IS NULL AS no_staff
  FROM referral_crm_audit.audit_log
 WHERE xid IN (:p1, :p2, :p3) AND table_name = 'referral_crm.referrals' ORDER BY xid;

------------------------------------------------------------------------
-- Row images are encoded straight into jsonb: every column type, more
-- than 32 members (jsonb stores an offset every 32 entries), nested and
-- scalar jsonb documents, a sensitive column, the session's time zone.
------------------------------------------------------------------------
CREATE TABLE public.regress_gov_types (
  id bigint PRIMARY KEY, n numeric, i2 smallint, i4 integer, b boolean, j jsonb,
  v varchar(10), ch char(5), ts timestamptz, d date, arr integer[], secret text,
  c01 text, c02 text, c03 text, c04 text, c05 text, c06 text, c07 text, c08 text,
  c09 text, c10 text, c11 text, c12 text, c13 text, c14 text, c15 text, c16 text,
  c17 text, c18 text, c19 text, c20 text, c21 text, c22 text, c23 text, c24 text);
SELECT referral_crm.govern_table('public.regress_gov_types', 'admin_only',
                                 sensitive_columns => '{secret}', patient_data => false);
INSERT INTO public.regress_gov_types
SELECT g, CASE g WHEN 1 THEN 12.5 WHEN 2 THEN 1e30 ELSE -0.000001 END, g, -g, g % 2 = 0,
       (ARRAY['{"a": {"b": [1, 2.5, "x", null, true]}, "k": 1}', '"scalar"', '5', 'true', 'null', '[1, {"z": []}]'])[g]::jsonb,
       'v' || g, 'ch', '2026-03-01 09:00+00', '2026-01-02', '{1,2}', 'pw' || g,
       'é', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16',
       '17', '18', '19', '20', '21', '22', '23', repeat('long ', 200)
  FROM generate_series(1, 6) g;
-- The images read back as jsonb: operators find every member, and the
-- image equals the row's own jsonb (JSON nulls aside) except the time stamp and array (text
-- forms) and the sensitive column (a hash).
SELECT l.row_key->>'id' AS id, l.new_values -> 'j' AS j, l.new_values ->> 'ts' AS ts,
       l.new_values ? 'c23' AS has_c23, l.new_values ->> 'ch' AS ch,
       l.new_values ->> 'secret' = 'sha256:' || encode(sha256(convert_to('pw' || (l.row_key->>'id'), 'UTF8')), 'hex') AS secret_hashed,
       jsonb_strip_nulls(l.new_values) - '{ts,arr,secret}'::text[] = jsonb_strip_nulls(to_jsonb(t)) - '{ts,arr,secret}'::text[] AS same_as_to_jsonb,
       l.new_values::text::jsonb = l.new_values AS round_trip
  FROM referral_crm_audit.audit_log l
  JOIN public.regress_gov_types t ON t.id = (l.row_key->>'id')::bigint
 WHERE l.table_name = 'public.regress_gov_types' AND l.operation = 'INSERT'
 ORDER BY 1;
SET TimeZone = 'America/New_York';
UPDATE public.regress_gov_types SET ts = ts + interval '1 hour', j = '{"new": 1}', n = NULL, c24 = 'short';
RESET TimeZone;
SELECT l.row_key->>'id' AS id, l.old_values - 'c24' AS old_values, l.new_values
  FROM referral_crm_audit.audit_log l
 WHERE l.table_name = 'public.regress_gov_types' AND l.operation = 'UPDATE' AND l.row_key->>'id' IN ('1', '2')
 ORDER BY 1;

------------------------------------------------------------------------
-- A transaction keeps one audit writer open from its first entry to its
-- commit; savepoints rolled back take their entries with them, entries in
-- deeper subtransactions and in exception blocks are kept, and nothing
-- leaks (no resource warnings) whichever way a subtransaction ends.
------------------------------------------------------------------------
BEGIN;
SELECT txid_current() AS sx \gset
UPDATE public.regress_gov_types SET c01 = 'a' WHERE id = 1;
SAVEPOINT s1;
UPDATE public.regress_gov_types SET c01 = 'rolled back' WHERE id = 2;
ROLLBACK TO SAVEPOINT s1;
UPDATE public.regress_gov_types SET c01 = 'b' WHERE id = 3;
SAVEPOINT s2;
UPDATE public.regress_gov_types SET c01 = 'released' WHERE id = 4;
RELEASE SAVEPOINT s2;
SAVEPOINT s3;
UPDATE public.regress_gov_types SET c01 = 'before the error' WHERE id = 5;
INSERT INTO public.regress_gov_types (id) VALUES (1);
ROLLBACK TO SAVEPOINT s3;
DO $$
BEGIN
  UPDATE public.regress_gov_types SET c01 = 'in a block' WHERE id = 6;
  BEGIN
    UPDATE public.regress_gov_types SET c01 = 'in a failed block' WHERE id = 5;
    PERFORM 1 / 0;
  EXCEPTION WHEN division_by_zero THEN
    UPDATE public.regress_gov_types SET c01 = 'in the handler' WHERE id = 2;
  END;
END
$$;
UPDATE public.regress_gov_types SET c01 = 'last' WHERE id = 1;
COMMIT;
SELECT seq - min(seq) OVER () + 1 AS n, row_key->>'id' AS id, new_values->>'c01' AS c01
  FROM referral_crm_audit.audit_log
 WHERE xid = :sx AND table_name = 'public.regress_gov_types' ORDER BY seq;
SELECT (referral_crm.audit_verify()).ok;
-- DDL on audit_log after an entry in the same transaction (an extension
-- update does this): the writer is closed first, so the table is not "in use".
BEGIN;
UPDATE public.regress_gov_types SET c02 = 'x' WHERE id = 1;
ALTER TABLE referral_crm_audit.audit_log ALTER COLUMN details SET STATISTICS 100;
UPDATE public.regress_gov_types SET c02 = 'y' WHERE id = 1;
ROLLBACK;
DROP TABLE public.regress_gov_types;
DELETE FROM referral_crm.governed_tables WHERE table_name::text = 'public.regress_gov_types';

------------------------------------------------------------------------
-- The tips table emptied and truncated by VACUUM while this session
-- remembers where its chain's tip row was: the next commit finds the row
-- gone (the block no longer exists) and writes a new one.
------------------------------------------------------------------------
SELECT chain_id AS mychain FROM referral_crm_audit.audit_chain_tips t
 WHERE t.chain_id = (SELECT chain_id FROM referral_crm_audit.audit_log WHERE xid = :sx LIMIT 1) \gset
SET session_replication_role = replica;
DELETE FROM referral_crm_audit.audit_chain_tips;
RESET session_replication_role;
VACUUM referral_crm_audit.audit_chain_tips;
SELECT pg_relation_size('referral_crm_audit.audit_chain_tips') AS tips_bytes;
UPDATE referral_crm.referrals SET reason = 'hearing loss, left ear'
 WHERE source_system = 'gov-test' AND source_id = 'R1';
SELECT count(*) AS tips, bool_and(t.seq = (SELECT max(seq) FROM referral_crm_audit.audit_log WHERE chain_id = :mychain)) AS at_last_entry
  FROM referral_crm_audit.audit_chain_tips t WHERE t.chain_id = :mychain;
SELECT ok, problem FROM referral_crm.audit_verify();
