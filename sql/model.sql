-- The core data model: code value sets, NPI validation, and every
-- constraint of every table, each with a bad value and a good one.
\set VERBOSITY default
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';

-- Code value sets and their order.
SELECT kind, count(*) AS values, string_agg(code, ' ' ORDER BY rank) AS codes
  FROM referral_crm.code_values()
 WHERE kind IN ('referral_status', 'referral_stage', 'priority', 'appointment_status',
                'communication_channel', 'task_status', 'payer_class')
 GROUP BY kind ORDER BY kind;
SELECT referral_crm.code_rank('priority', 'routine') AS routine, referral_crm.code_rank('priority', 'stat') AS stat;
SELECT referral_crm.code_rank('priority', 'whenever');
SELECT referral_crm.code_rank('zip', '04101');
SELECT referral_crm.is_valid_code('colour', 'red');
SELECT referral_crm.is_valid_code('priority', NULL) IS NULL AS strict;

-- NPI: CMS's published example 1234567893, real NPIs from the CMS
-- directory, and invalid ones of every kind.
SELECT npi, referral_crm.npi_is_valid(npi) AS valid
  FROM unnest(ARRAY['1234567893', '1003005174', '1215911011', '1003120866',
                    '1234567890', '1234567894', '123456789', '12345678931', '',
                    '12345 7893', 'abcdefghij', '0123456789', '3234567893',
                    ' 1234567893', '１２３４５６７８９３']) AS npi;
SELECT referral_crm.npi_check_digit('123456789') AS digit;
SELECT referral_crm.npi_check_digit('12345678');
SELECT referral_crm.check_npi('1234567890');
SELECT referral_crm.check_npi('123-456-7893');
SELECT referral_crm.check_npi('9234567893');

SELECT referral_crm.check_nonnegative('total charge', -0.01);
SELECT referral_crm.check_nonnegative('total charge', 0) AS zero_ok;
SELECT referral_crm.check_order('authored_at', timestamptz '2026-03-01 09:00+00',
                                'received_at', timestamptz '2026-02-28 17:30+00');
SELECT referral_crm.check_order('service_from', date '2026-03-10', 'service_to', date '2026-03-09');
SELECT referral_crm.check_order('service_from', date '2026-03-10', 'service_to', date '2026-03-10') AS same_day_ok;
SELECT referral_crm.check_codes('icd10', ARRAY['R07.9', 'chest pain']);
SELECT referral_crm.check_code('referral_status', 'active');

-- Formats.
SELECT v, referral_crm.is_valid_code('zip', v) AS zip
  FROM unnest(ARRAY['04101', '04101-3134', '4101', '041013134', '04101-313']) v;
SELECT v, referral_crm.is_valid_code('icd10', v) AS icd10
  FROM unnest(ARRAY['R07.9', 'S72.001A', 'I10', 'R079', 'r07.9', 'R07.', '7R0.9']) v;

------------------------------------------------------------------------
-- Directory.  From here on errors are shown tersely: a plain CHECK or NOT
-- NULL violation's DETAIL repeats the row, with its timestamps.
------------------------------------------------------------------------
\set VERBOSITY terse
INSERT INTO referral_crm.organizations (name, kind, source_system, source_id) VALUES ('Acme Clinic', 'spa', 't', 'O1');
INSERT INTO referral_crm.organizations (name, source_system, source_id) VALUES ('', 't', 'O1');
INSERT INTO referral_crm.organizations (name, npi, source_system, source_id) VALUES ('Acme Clinic', '1234567890', 't', 'O1');
INSERT INTO referral_crm.organizations (name, tin, source_system, source_id) VALUES ('Acme Clinic', '12-345', 't', 'O1');
INSERT INTO referral_crm.organizations (name, npi, in_network, source_system, source_id)
VALUES ('Acme Clinic', '1234567893', true, 't', 'O1'), ('Other Practice', NULL, false, 't', 'O2');
INSERT INTO referral_crm.organizations (name, source_system, source_id) VALUES ('Duplicate', 't', 'O1');
INSERT INTO referral_crm.organizations (name, npi, source_system, source_id) VALUES ('Same NPI', '1234567893', 't', 'O3');
UPDATE referral_crm.organizations SET parent_organization_id = organization_id WHERE source_id = 'O1';

INSERT INTO referral_crm.locations (organization_id, name, state, source_system, source_id)
SELECT organization_id, 'Main', 'XX', 't', 'L1' FROM referral_crm.organizations WHERE source_id = 'O1';
INSERT INTO referral_crm.locations (organization_id, name, zip, source_system, source_id)
SELECT organization_id, 'Main', '4101', 't', 'L1' FROM referral_crm.organizations WHERE source_id = 'O1';
INSERT INTO referral_crm.locations (name, latitude, longitude, source_system, source_id) VALUES ('Main', 91, 0, 't', 'L1');
INSERT INTO referral_crm.locations (name, latitude, source_system, source_id) VALUES ('Main', 43.6, 't', 'L1');
INSERT INTO referral_crm.locations (organization_id, name, state, zip, latitude, longitude, source_system, source_id)
SELECT organization_id, 'Main', 'ME', '04101', 43.66, -70.26, 't', 'L1' FROM referral_crm.organizations WHERE source_id = 'O1';

INSERT INTO referral_crm.clinicians (npi, family_name, source_system, source_id) VALUES ('1003005175', 'Gilman', 't', 'C1');
INSERT INTO referral_crm.clinicians (npi, family_name, source_system, source_id) VALUES ('1003005174', '', 't', 'C1');
INSERT INTO referral_crm.clinicians (npi, family_name, specialty, source_system, source_id) VALUES ('1003005174', 'Gilman', 'astrology', 't', 'C1');
INSERT INTO referral_crm.clinicians (npi, family_name, taxonomy_code, source_system, source_id) VALUES ('1003005174', 'Gilman', '363A00000X1', 't', 'C1');
INSERT INTO referral_crm.clinicians (npi, family_name, active_from, active_to, source_system, source_id)
VALUES ('1003005174', 'Gilman', '2024-05-01', '2024-04-30', 't', 'C1');
INSERT INTO referral_crm.clinicians (npi, given_name, family_name, credentials, specialty, taxonomy_code, in_network, source_system, source_id)
VALUES ('1003005174', 'David', 'Gilman', '{PA-C}', 'physician-assistant', '363A00000X', true, 't', 'C1'),
       ('1003120866', 'Eddy', 'Karnabi', '{MD}', 'cardiology', '207RC0000X', true, 't', 'C2'),
       ('1215911011', 'Socrates', 'Perez-Rodriguez', '{MD}', 'internal-medicine', NULL, false, 't', 'C3');
INSERT INTO referral_crm.clinicians (npi, family_name, source_system, source_id) VALUES ('1003005174', 'Twin', 't', 'C9');
INSERT INTO referral_crm.clinician_locations (clinician_id, location_id, is_primary)
SELECT c.clinician_id, l.location_id, true FROM referral_crm.clinicians c, referral_crm.locations l
 WHERE c.source_id IN ('C1', 'C2') AND l.source_id = 'L1';
INSERT INTO referral_crm.locations (name, source_system, source_id) VALUES ('Second', 't', 'L2');
INSERT INTO referral_crm.clinician_locations (clinician_id, location_id, is_primary)
SELECT c.clinician_id, l.location_id, true FROM referral_crm.clinicians c, referral_crm.locations l
 WHERE c.source_id = 'C1' AND l.source_id = 'L2';

INSERT INTO referral_crm.payers (payer_code, name, payer_class, source_system, source_id) VALUES ('00120', 'Medicare', 'govt', 't', 'P1');
INSERT INTO referral_crm.payers (payer_code, name, payer_class, source_system, source_id)
VALUES ('00120', 'Medicare', 'medicare', 't', 'P1'), ('60054', 'Aetna', 'commercial', 't', 'P2');
INSERT INTO referral_crm.payer_plans (payer_id, plan_code, name, plan_type, source_system, source_id)
SELECT payer_id, 'X', 'X', 'indemnity', 't', 'PL0' FROM referral_crm.payers WHERE source_id = 'P1';
INSERT INTO referral_crm.payer_plans (payer_id, plan_code, name, plan_type, prior_auth_required, source_system, source_id)
SELECT payer_id, 'FFS', 'Original Medicare', 'ffs', false, 't', 'PL1' FROM referral_crm.payers WHERE source_id = 'P1';
INSERT INTO referral_crm.payer_plans (payer_id, plan_code, name, plan_type, prior_auth_required, source_system, source_id)
SELECT payer_id, 'HMO', 'Aetna HMO', 'hmo', true, 't', 'PL2' FROM referral_crm.payers WHERE source_id = 'P2';
INSERT INTO referral_crm.payer_plans (payer_id, plan_code, name, source_system, source_id)
SELECT payer_id, 'HMO', 'Again', 't', 'PL3' FROM referral_crm.payers WHERE source_id = 'P2';

INSERT INTO referral_crm.staff (display_name, role) VALUES ('Sam Scheduler', 'janitor');
INSERT INTO referral_crm.staff (display_name, role, login_role) VALUES ('Sam Scheduler', 'scheduler', current_user);
INSERT INTO referral_crm.queues (code, name) VALUES ('Cardiology Intake', 'Cardiology');
INSERT INTO referral_crm.queues (code, name, specialty) VALUES ('cardiology-intake', 'Cardiology', 'cardiology');
UPDATE referral_crm.queues SET fallback_queue_id = queue_id;
INSERT INTO referral_crm.queue_members (queue_id, staff_id) SELECT q.queue_id, s.staff_id FROM referral_crm.queues q, referral_crm.staff s;

------------------------------------------------------------------------
-- Patients and referrals
------------------------------------------------------------------------
INSERT INTO referral_crm.patients (given_name, family_name, sex, source_system, source_id) VALUES ('Ann', 'Lee', 'F', 't', 'MRN1');
INSERT INTO referral_crm.patients (given_name, family_name, zip, source_system, source_id) VALUES ('Ann', 'Lee', '4101', 't', 'MRN1');
INSERT INTO referral_crm.patients (given_name, family_name, preferred_language, source_system, source_id) VALUES ('Ann', 'Lee', 'Spanish', 't', 'MRN1');
INSERT INTO referral_crm.patients (given_name, family_name, birth_date, sex, zip, preferred_language, source_system, source_id)
VALUES ('Ann', 'Lee', '1950-02-03', 'female', '04101', 'es', 't', 'MRN1'),
       ('Bo', 'Chan', '1988-07-09', 'male', '04074-1234', 'en-US', 't', 'MRN2');
INSERT INTO referral_crm.patients (source_system, source_id) VALUES ('t', 'MRN1');
SELECT count(DISTINCT pseudo_key) AS distinct_pseudo_keys FROM referral_crm.patients WHERE source_system = 't';

CREATE TEMP VIEW ids AS
SELECT (SELECT patient_id FROM referral_crm.patients WHERE source_id = 'MRN1') AS ann,
       (SELECT patient_id FROM referral_crm.patients WHERE source_id = 'MRN2') AS bo,
       (SELECT clinician_id FROM referral_crm.clinicians WHERE source_id = 'C3') AS pcp,
       (SELECT payer_id FROM referral_crm.payers WHERE source_id = 'P1') AS medicare,
       (SELECT plan_id FROM referral_crm.payer_plans WHERE source_id = 'PL2') AS aetna_hmo;

INSERT INTO referral_crm.referrals (patient_id, authored_at, priority, source_system, source_id)
SELECT ann, '2026-03-01 09:00+00', 'urgnet', 't', 'R1' FROM ids;
INSERT INTO referral_crm.referrals (patient_id, authored_at, status, source_system, source_id)
SELECT ann, '2026-03-01 09:00+00', 'active', 't', 'R1' FROM ids;
INSERT INTO referral_crm.referrals (patient_id, authored_at, referring_npi, source_system, source_id)
SELECT ann, '2026-03-01 09:00+00', '1234567890', 't', 'R1' FROM ids;
INSERT INTO referral_crm.referrals (patient_id, authored_at, diagnosis_codes, source_system, source_id)
SELECT ann, '2026-03-01 09:00+00', '{R07.9,chest pain}', 't', 'R1' FROM ids;
INSERT INTO referral_crm.referrals (patient_id, authored_at, diagnosis_codes, source_system, source_id)
SELECT ann, '2026-03-01 09:00+00', '{R07.9,NULL}', 't', 'R1' FROM ids;
INSERT INTO referral_crm.referrals (patient_id, authored_at, received_at, source_system, source_id)
SELECT ann, '2026-03-01 09:00+00', '2026-02-28 09:00+00', 't', 'R1' FROM ids;
INSERT INTO referral_crm.referrals (patient_id, authored_at, channel, source_system, source_id)
SELECT ann, '2026-03-01 09:00+00', 'pigeon', 't', 'R1' FROM ids;
INSERT INTO referral_crm.referrals (patient_id, authored_at, auth_status, source_system, source_id)
SELECT ann, '2026-03-01 09:00+00', 'maybe', 't', 'R1' FROM ids;
INSERT INTO referral_crm.referrals (patient_id, authored_at, target_specialty, source_system, source_id)
SELECT ann, '2026-03-01 09:00+00', 'Cardiology', 't', 'R1' FROM ids;
-- A plan must belong to the referral's payer, and needs a payer.
INSERT INTO referral_crm.referrals (patient_id, authored_at, payer_id, plan_id, source_system, source_id)
SELECT ann, '2026-03-01 09:00+00', medicare, aetna_hmo, 't', 'R1' FROM ids;
INSERT INTO referral_crm.referrals (patient_id, authored_at, plan_id, source_system, source_id)
SELECT ann, '2026-03-01 09:00+00', aetna_hmo, 't', 'R1' FROM ids;
INSERT INTO referral_crm.referrals (patient_id, authored_at, source_system, source_id)
SELECT 999999, '2026-03-01 09:00+00', 't', 'R1' FROM ids;
INSERT INTO referral_crm.referrals (patient_id, source_system, source_id) SELECT ann, 't', 'R1' FROM ids;
-- Good ones; then a duplicate source key.
INSERT INTO referral_crm.referrals
  (patient_id, authored_at, received_at, referring_clinician_id, referring_npi, target_specialty, priority,
   diagnosis_codes, payer_id, plan_id, channel, referral_number, source_system, source_id)
SELECT ann, '2026-03-01 09:00+00', '2026-03-01 09:30+00', pcp, '1215911011', 'cardiology', 'urgent',
       '{R07.9,I10}', (SELECT payer_id FROM referral_crm.payers WHERE source_id = 'P2'), aetna_hmo, 'fax', 'RN-1', 't', 'R1'
  FROM ids;
INSERT INTO referral_crm.referrals (patient_id, authored_at, referring_name, source_system, source_id)
SELECT bo, '2026-03-05 14:00+00', 'Dr. Bob Smith MD', 't', 'R2' FROM ids;
INSERT INTO referral_crm.referrals (patient_id, authored_at, source_system, source_id) SELECT bo, '2026-03-06', 't', 'R2' FROM ids;
SELECT source_id, status, stage, priority, auth_status, diagnosis_codes,
       status_changed_at = created_at AS stamped,
       referring_clinician_id IS NULL AND referring_name IS NOT NULL AS awaits_name_resolution
  FROM referral_crm.referrals WHERE source_system = 't' ORDER BY source_id;

------------------------------------------------------------------------
-- Appointments
------------------------------------------------------------------------
CREATE TEMP VIEW refs AS
SELECT (SELECT referral_id FROM referral_crm.referrals WHERE source_id = 'R1' AND source_system = 't') AS r1,
       (SELECT referral_id FROM referral_crm.referrals WHERE source_id = 'R2' AND source_system = 't') AS r2;

INSERT INTO referral_crm.appointments (referral_id, patient_id, start_at, source_system, source_id)
SELECT r1, ann, '2026-02-20 10:00+00', 't', 'A1' FROM refs, ids;
INSERT INTO referral_crm.appointments (referral_id, patient_id, start_at, source_system, source_id)
SELECT r1, bo, '2026-03-10 10:00+00', 't', 'A1' FROM refs, ids;
INSERT INTO referral_crm.appointments (referral_id, patient_id, start_at, end_at, source_system, source_id)
SELECT r1, ann, '2026-03-10 10:00+00', '2026-03-10 09:30+00', 't', 'A1' FROM refs, ids;
INSERT INTO referral_crm.appointments (referral_id, patient_id, start_at, status, source_system, source_id)
SELECT r1, ann, '2026-03-10 10:00+00', 'show', 't', 'A1' FROM refs, ids;
INSERT INTO referral_crm.appointments (referral_id, patient_id, start_at, end_at, booked_at, status, source_system, source_id)
SELECT r1, ann, '2026-03-10 10:00+00', '2026-03-10 10:30+00', '2026-03-02 08:00+00', 'booked', 't', 'A1' FROM refs, ids;
INSERT INTO referral_crm.appointments (patient_id, start_at, status, source_system, source_id)
SELECT ann, '2020-01-01 10:00+00', 'fulfilled', 't', 'A0' FROM ids;
UPDATE referral_crm.appointments SET start_at = '2026-02-28 10:00+00' WHERE source_id = 'A1';
UPDATE referral_crm.referrals SET authored_at = '2026-03-11 00:00+00', received_at = '2026-03-11 01:00+00'
 WHERE source_id = 'R1' AND source_system = 't';
UPDATE referral_crm.referrals SET authored_at = '2026-02-28 00:00+00' WHERE source_id = 'R1' AND source_system = 't';
UPDATE referral_crm.referrals SET authored_at = '2026-03-01 12:00+00' WHERE source_id = 'R1' AND source_system = 't';
SELECT source_id, status, referral_id IS NOT NULL AS linked FROM referral_crm.appointments ORDER BY source_id;

------------------------------------------------------------------------
-- Claims
------------------------------------------------------------------------
INSERT INTO referral_crm.claims (claim_number, patient_id, service_from, total_charge, source_system, source_id)
SELECT 'CLM1', ann, '2026-03-10', -10, 't', 'CL1' FROM ids;
INSERT INTO referral_crm.claims (claim_number, patient_id, service_from, total_charge, source_system, source_id)
SELECT 'CLM1', ann, '2026-03-10', 'NaN', 't', 'CL1' FROM ids;
INSERT INTO referral_crm.claims (claim_number, patient_id, service_from, total_charge, paid_amount, source_system, source_id)
SELECT 'CLM1', ann, '2026-03-10', 100, -1, 't', 'CL1' FROM ids;
INSERT INTO referral_crm.claims (claim_number, patient_id, service_from, service_to, total_charge, source_system, source_id)
SELECT 'CLM1', ann, '2026-03-10', '2026-03-09', 100, 't', 'CL1' FROM ids;
INSERT INTO referral_crm.claims (claim_number, patient_id, service_from, total_charge, place_of_service, source_system, source_id)
SELECT 'CLM1', ann, '2026-03-10', 100, '1', 't', 'CL1' FROM ids;
INSERT INTO referral_crm.claims (claim_number, patient_id, service_from, total_charge, frequency, source_system, source_id)
SELECT 'CLM1', ann, '2026-03-10', 100, '2', 't', 'CL1' FROM ids;
INSERT INTO referral_crm.claims (claim_number, patient_id, service_from, total_charge, claim_type, source_system, source_id)
SELECT 'CLM1', ann, '2026-03-10', 100, 'dental', 't', 'CL1' FROM ids;
INSERT INTO referral_crm.claims (claim_number, patient_id, service_from, total_charge, rendering_npi, source_system, source_id)
SELECT 'CLM1', ann, '2026-03-10', 100, '1003120867', 't', 'CL1' FROM ids;
INSERT INTO referral_crm.claims (claim_number, patient_id, service_from, total_charge, payer_class, source_system, source_id)
SELECT 'CLM1', ann, '2026-03-10', 100, 'MB', 't', 'CL1' FROM ids;
INSERT INTO referral_crm.claims
  (claim_number, patient_id, billing_npi, rendering_npi, referring_npi, payer_id, payer_class, service_from, service_to,
   place_of_service, total_charge, diagnosis_codes, referral_number, prior_auth_number, referral_id, source_system, source_id)
SELECT 'CLM1', ann, '1234567893', '1003120866', '1215911011', medicare, 'medicare', '2026-03-10', '2026-03-10',
       '11', 250.00, '{R07.9}', 'RN-1', 'PA-77', r1, 't', 'CL1' FROM ids, refs;
SELECT claim_number, total_charge, place_of_service, frequency, claim_type FROM referral_crm.claims;

------------------------------------------------------------------------
-- Notes, communications, tasks
------------------------------------------------------------------------
INSERT INTO referral_crm.referral_notes (referral_id, note_type, body) SELECT r1, 'memo', 'x' FROM refs;
INSERT INTO referral_crm.referral_notes (referral_id, body) SELECT r1, NULL FROM refs;
INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id)
SELECT r1, 'Chest pain on exertion, r/o CAD. Please see within 2 weeks.', 't', 'N1' FROM refs;

INSERT INTO referral_crm.communications (channel, direction, party) VALUES ('call', 'outbound', 'patient');
INSERT INTO referral_crm.communications (referral_id, channel, direction, party) SELECT r1, 'pager', 'outbound', 'patient' FROM refs;
INSERT INTO referral_crm.communications (referral_id, channel, direction, party) SELECT r1, 'call', 'sideways', 'patient' FROM refs;
INSERT INTO referral_crm.communications (referral_id, channel, direction, party) SELECT r1, 'call', 'outbound', 'neighbour' FROM refs;
INSERT INTO referral_crm.communications (referral_id, channel, direction, party, outcome) SELECT r1, 'call', 'outbound', 'patient', 'great' FROM refs;
INSERT INTO referral_crm.communications (referral_id, channel, direction, party, outcome, summary)
SELECT r1, 'call', 'outbound', 'patient', 'left-message', 'Voicemail about booking' FROM refs;

INSERT INTO referral_crm.tasks (referral_id, task_type) SELECT r1, 'chase' FROM refs;
INSERT INTO referral_crm.tasks (referral_id, task_type, status) SELECT r1, 'schedule', 'done' FROM refs;
INSERT INTO referral_crm.tasks (referral_id, task_type, priority) SELECT r1, 'schedule', 'high' FROM refs;
INSERT INTO referral_crm.tasks (referral_id, task_type, task_key) SELECT r1, 'schedule', 'no-appointment:' || r1 FROM refs;
INSERT INTO referral_crm.tasks (referral_id, task_type, task_key) SELECT r1, 'schedule', 'no-appointment:' || r1 FROM refs;
SELECT task_type, status, priority FROM referral_crm.tasks;

------------------------------------------------------------------------
-- updated_at follows every change; provenance defaults.
------------------------------------------------------------------------
BEGIN;
UPDATE referral_crm.clinicians SET updated_at = '2000-01-01', created_at = '2000-01-01' WHERE source_id = 'C2';
SELECT updated_at = now() AS touched, created_at = '2000-01-01' AS created_kept
  FROM referral_crm.clinicians WHERE source_id = 'C2';
COMMIT;
SELECT source_system, length(source_id) AS generated_id_length
  FROM referral_crm.communications WHERE summary IS NOT NULL;

-- Every data table of the model and ingest rooms is registered for
-- pg_dump (later rooms check their own), with its identity sequence.
SELECT c.relname, c.relkind, x.cond
  FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x (oid, cond)
  JOIN pg_class c ON c.oid = x.oid
 WHERE e.extname = 'referral_crm' AND c.relkind = 'r'
   AND c.relname IN ('organizations', 'locations', 'clinicians', 'clinician_locations', 'specialties',
                     'payers', 'payer_plans', 'staff', 'queues', 'queue_members', 'patients', 'referrals',
                     'referral_events', 'appointments', 'claims', 'referral_notes', 'communications', 'tasks',
                     'ingest_batches', 'staged_rows', 'ingest_rejects')
 ORDER BY c.relname;
-- No sequence of the schema is left out.
SELECT s.relname AS sequence_not_registered
  FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
 WHERE n.nspname = 'referral_crm' AND s.relkind = 'S'
   AND s.oid NOT IN (SELECT unnest(extconfig) FROM pg_extension WHERE extname = 'referral_crm');
-- ... and no table of the schema is missing from the list, but for the
-- feed layouts, which CREATE EXTENSION defines.
SELECT c.relname AS not_registered
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'referral_crm' AND c.relkind = 'r' AND c.relname <> 'ingest_feeds'
   AND c.oid NOT IN (SELECT unnest(extconfig) FROM pg_extension WHERE extname = 'referral_crm');
