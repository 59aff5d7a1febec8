-- Ingestion of the CSV feeds: staging, validation with a reason for every
-- rejected row, idempotent merges, provenance, name-only references.
\set VERBOSITY default
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';

SELECT feed, cardinality(columns) AS columns FROM referral_crm.ingest_feeds ORDER BY feed;

-- Normalisers.
SELECT v, referral_crm.norm_zip(v) FROM unnest(ARRAY['04101', '4101', '623', '041013134', '41023134', '04101-3134', '12', 'ABCDE']) v;
SELECT referral_crm.norm_icd10_list('r079; I10,M17.11') AS ok, referral_crm.norm_icd10_list('') AS empty,
       referral_crm.norm_icd10_list('R07.9;chest') AS bad;
SELECT v, referral_crm.parse_timestamptz(v) FROM unnest(ARRAY['2026-03-01', '2026-03-01T09:15:00-05:00', '2026-03-01 09:15:00.5+05:30',
       '03/01/2026 09:15', '20260301', '2026-02-30', '2026-13-01', '24:00', 'yesterday', '2026-03-01T25:00:00Z']) v;
-- Without an offset: the session's zone, or the zone given (the ingestion
-- functions give the organisation's, calendar_zone()).
SET TimeZone = 'Asia/Tokyo';
SELECT referral_crm.parse_timestamptz('2026-03-01 09:15') AT TIME ZONE 'UTC' AS session_tokyo,
       referral_crm.parse_timestamptz('2026-03-01 09:15', 'America/New_York') AT TIME ZONE 'UTC' AS new_york,
       referral_crm.parse_timestamptz('03/01/2026 09:15', 'America/New_York') AT TIME ZONE 'UTC' AS us_form,
       referral_crm.parse_timestamptz('2026-03-01T09:15:00+01:00', 'America/New_York') AT TIME ZONE 'UTC' AS offset_wins,
       referral_crm.parse_timestamptz('2026-02-30 09:15', 'America/New_York') AS invalid;
SELECT referral_crm.parse_timestamptz('2026-03-01 09:15', 'Mars/Olympus_Mons');
SET TimeZone = 'UTC';
SELECT referral_crm.parse_date('02/29/2024') AS leap, referral_crm.parse_date('02/29/2023') AS not_leap,
       referral_crm.parse_date('2024-01-01T10:00') AS has_time;
SELECT referral_crm.map_code('priority', 'S') AS rf1_s, referral_crm.map_code('referral_status', 'active') AS fhir_active,
       referral_crm.map_code('referral_status', 'E') AS rf1_expired, referral_crm.map_code('payer_class', 'MB') AS sbr09_mb,
       referral_crm.map_code('priority', 'URGENT') AS upper, referral_crm.map_code('priority', 'urgnet') AS typo;

------------------------------------------------------------------------
-- The directory, native layout, through COPY into the staging view.
------------------------------------------------------------------------
COPY referral_crm.staging_directory FROM STDIN (FORMAT csv, HEADER);
source_system,npi,given_name,middle_name,family_name,name_suffix,credentials,sex,specialty,taxonomy_code,organization_name,organization_npi,location_code,location_name,address_line1,address_line2,city,state,zip,latitude,longitude,phone,fax,email,in_network,accepting_referrals,active_from,active_to
hr,1003120866,Eddy,,Karnabi,,MD,M,cardiology,207RC0000X,Casco Bay Health,1234567893,LOC-HEART,Heart Center,22 Bramhall St,,Portland,ME,04102,43.6535,-70.2752,207-555-0100,,,true,true,2020-01-01,
hr,1003885708,Heinrich,,Grube,,MD;FACC,M,CARDIOVASCULAR DISEASE (CARDIOLOGY),,Casco Bay Health,1234567893,LOC-HEART,Heart Center,22 Bramhall St,,Portland,ME,04102,43.6535,-70.2752,,,,true,true,,
hr,1003885708,Heinrich,,Grube,,MD,M,cardiology,,Casco Bay Health,1234567893,LOC-AUG,Augusta Clinic,6 East Chestnut St,,Augusta,ME,4330,,,,,,true,true,,
hr,1003254178,Katharine,,Anderson,,DO,F,Family Medicine,,Kennebec Family Practice,,LOC-KFP,Kennebec FP,1 Main St,,Augusta,ME,04330,,,,,,false,true,,
hr,1003044488,Marshall,,Chamberlin,,MD,M,internal medicine,,,,,,,,,,,,,,,,no,yes,,
hr,1003044489,Bad,,Npi,,MD,M,cardiology,,,,,,,,,,,,,,,,,,,
hr,1003307752,Catherine,,Batz,,MD,F,astrology,,,,,,,,,,,,,,,,,,,
hr,1003887514,Erinn,,Wright,,MD,X,family-medicine,,,,,,,,,,,,,,,,,,,
hr,1003379884,Raymond,,Cherian,,MD,M,internal-medicine,,,,,,,,,ME,4101x,,,,,,,,,
hr,1003078080,Heidi,,Roy,,NP,F,nurse-practitioner,,,,,,,,,,,91.5,10,,,,,,,
hr,1003310046,Michael,,Roberts,,MD,M,orthopedic-surgery,,,,,,,,,,,,,,,,maybe,,,
hr,1013211879,James,,Joseph,,MD,M,orthopedic-surgery,,,,,,,,,,,,,,,,,,2024-05-01,2024-01-01
hr,,Nobody,,Here,,MD,M,orthopedic-surgery,,,,,,,,,,,,,,,,,,,
hr,1013076678,Robert,,,,MD,M,dermatology,,,,,,,,,,,,,,,,,,,
hr,1003254178,Katharine,,Anderson,,DO,F,family-medicine,,Kennebec Family Practice,,LOC-KFP,Kennebec FP,1 Main St,,Augusta,ME,04330,,,,,,false,true,,
\.
SELECT count(*) AS staged FROM referral_crm.staging_directory;
SELECT inserted, updated, unchanged, rejected FROM referral_crm.ingest('directory');
SELECT count(*) AS still_staged FROM referral_crm.staging_directory;
SELECT source_row, reason, message FROM referral_crm.ingest_rejects WHERE feed = 'directory' ORDER BY source_row;
SELECT npi, given_name, family_name, credentials, specialty, in_network,
       (SELECT string_agg(l.source_id || CASE WHEN cl.is_primary THEN '*' ELSE '' END, ' ' ORDER BY l.source_id)
          FROM referral_crm.clinician_locations cl JOIN referral_crm.locations l USING (location_id)
         WHERE cl.clinician_id = c.clinician_id) AS locations
  FROM referral_crm.clinicians c WHERE npi IN ('1003120866', '1003885708', '1003254178', '1003044488') ORDER BY npi;
SELECT source_id, zip, organization_id IS NOT NULL AS has_org FROM referral_crm.locations WHERE source_system = 'hr' ORDER BY 1;

------------------------------------------------------------------------
-- Referrals, through stage_csv: a file with broken rows of every kind.
------------------------------------------------------------------------
\set header 'source_system,referral_id,patient_mrn,patient_given_name,patient_family_name,patient_birth_date,patient_sex,patient_zip,patient_phone,patient_language,authored_at,received_at,referring_npi,referring_name,referring_organization,target_specialty,target_npi,target_location_code,priority,reason,diagnosis_codes,payer_code,payer_name,payer_class,plan_code,channel,referral_number,auth_status,prior_auth_number,status,status_reason,stage,stage_reason,needed_by,note_text'
SELECT load_id > 0 AS has_load, staged, malformed FROM referral_crm.stage_csv('referrals', :'header' || E'\n' ||
$csv$ehr,R1,M1,Ana,Cote,1961-04-02,F,04101,,en,2026-09-01T09:15:00-04:00,2026-09-01T10:00:00-04:00,1003254178,,Kennebec Family Practice,cardiology,1003120866,LOC-HEART,urgent,Chest pain,R07.9;I10,00120,Medicare Part B,MB,,fax,RN-1,not-required,,requested,,new,,,"Chest pain on exertion, r/o CAD.
Please see within 2 weeks."
ehr,R2,M2,Bo,Chan,1988-07-09,M,04074,,,2026-09-02 08:00:00+00,,,"Dr. Bob Smith MD",,Orthopedic Surgery,,,routine,Knee pain,M17.11,60054,Pine Tree,CI,HMO,portal,RN-2,pending,,accepted,,contacted,,2026-10-01,
ehr,R3,M1,Ana,Cote,1961-04-02,F,04101,,,2026-09-03T08:00:00Z,,1003254178,,,dermatology,,,S,Rash,,,,,,ehr,RN-3,,,P,,,,,
ehr,R4,M3,Cy,Dube,,,,,,2026-02-30T08:00:00Z,,,,,cardiology,,,routine,,,,,,,,,,,,,,,,
ehr,R5,M3,Cy,Dube,,,,,,2026-09-04T08:00:00Z,,,,,cardiology,,,urgnet,,,,,,,,,,,,,,,,
ehr,,M3,Cy,Dube,,,,,,2026-09-04T08:00:00Z,,,,,cardiology,,,routine,,,,,,,,,,,,,,,,
ehr,R6,M3,Cy,Dube,,,,,,2026-09-04T08:00:00Z,,1234567890,,,cardiology,,,routine,,,,,,,,,,,,,,,,
ehr,R7,M3,Cy,Dube,,,,,,2026-09-04T08:00:00Z,,,,,cardiology,,,routine,,,,,,,,,,,,,,,,,extra
ehr,R8,M3,Cy,Dube,,,,,,2026-09-04T08:00:00Z
ehr,R1,M1,Ana,Cote,,,,,,2026-09-01T09:15:00-04:00,,,,,cardiology,,,routine,,,,,,,,,,,,,,,,
ehr,R9,M3,Cy,Dube,,,,,,2026-09-04T08:00:00Z,,,,,astrology,,,routine,,,,,,,,,,,,,,,,
ehr,R10,M3,Cy,Dube,,,,,,2026-09-04T08:00:00Z,,,,,cardiology,,NO-SUCH-LOC,routine,,,,,,,,,,,,,,,,
ehr,R11,M3,Cy,Dube,,,,,,2026-09-04T08:00:00Z,2026-09-03T08:00:00Z,,,,cardiology,,,routine,,,,,,,,,,,,,,,,
ehr,R12,M3,Cy,Dube,,,,,,2026-09-04T08:00:00Z,,,,,cardiology,,,routine,,R07.9;chest,,,,,,,,,,,,,,
ehr,R13,M3,Cy,Dube,,,,"bad"quote,,2026-09-04T08:00:00Z,,,,,cardiology,,,routine,,,,,,,,,,,,,,,,
ehr,R14,M3,Cy,Dube,,,,,,2026-09-04T08:00:00Z,,,,,cardiology,,,routine,,,,,,,,,,,cancelled,,closed-lost,,,
$csv$);
SELECT inserted, updated, unchanged, rejected FROM referral_crm.ingest('referrals');
SELECT source_row, reason, message FROM referral_crm.ingest_rejects WHERE feed = 'referrals' ORDER BY source_row;
SELECT raw FROM referral_crm.ingest_rejects WHERE feed = 'referrals' AND reason IN ('column_count', 'malformed_csv') ORDER BY source_row;
SELECT r.source_id, p.source_id AS mrn, r.priority, r.status, r.status_reason, r.stage, r.stage_reason, r.target_specialty,
       r.diagnosis_codes, r.referring_npi, r.referring_name,
       r.referring_clinician_id IS NOT NULL AS referrer_linked, r.target_clinician_id IS NOT NULL AS target_linked,
       r.target_location_id IS NOT NULL AS location_linked, r.in_network, r.source_row
  FROM referral_crm.referrals r JOIN referral_crm.patients p USING (patient_id)
 WHERE r.source_system = 'ehr' ORDER BY r.source_id;
SELECT source_id, given_name, family_name, birth_date, sex, zip FROM referral_crm.patients WHERE source_system = 'ehr' ORDER BY 1;
SELECT payer_code, name, payer_class FROM referral_crm.payers ORDER BY payer_code;
SELECT n.source_id, n.body FROM referral_crm.referral_notes n WHERE n.source_system = 'ehr';
-- Awaiting name resolution: a name and no NPI.
SELECT source_id, referring_name FROM referral_crm.referrals
 WHERE referring_clinician_id IS NULL AND referring_npi IS NULL AND referring_name IS NOT NULL AND source_system = 'ehr';

-- The same rows again: nothing changes.
SELECT staged FROM referral_crm.stage_csv('referrals', :'header' || E'\n' ||
$csv$ehr,R2,M2,Bo,Chan,1988-07-09,M,04074,,,2026-09-02 08:00:00+00,,,"Dr. Bob Smith MD",,Orthopedic Surgery,,,routine,Knee pain,M17.11,60054,Pine Tree,CI,HMO,portal,RN-2,pending,,accepted,,contacted,,2026-10-01,
ehr,R3,M1,Ana,Cote,1961-04-02,F,04101,,,2026-09-03T08:00:00Z,,1003254178,,,dermatology,,,S,Rash,,,,,,ehr,RN-3,,,P,,,,,
$csv$);
SELECT inserted, updated, unchanged, rejected FROM referral_crm.ingest('referrals');

-- A changed row updates the referral and appends events stamped with the batch.
SELECT staged FROM referral_crm.stage_csv('referrals', :'header' || E'\n' ||
$csv$ehr,R2,M2,Bo,Chan,1988-07-09,M,04074,,,2026-09-02 08:00:00+00,,,"Dr. Bob Smith MD",,Orthopedic Surgery,,,routine,Knee pain,M17.11,60054,Pine Tree,CI,HMO,portal,RN-2,approved,,in-progress,,scheduled,,2026-10-01,
ehr,R3,M1,Ana,Cote,1961-04-02,F,04101,,,2026-09-03T08:00:00Z,,1003254178,,,dermatology,,,S,Rash,,,,,,ehr,RN-3,,,completed,,,,,
ehr,R14,M3,Cy,Dube,,,,,,2026-09-04T08:00:00Z,,,,,cardiology,,,routine,,,,,,,,,,,requested,,,,,
$csv$);
SELECT inserted, updated, unchanged, rejected FROM referral_crm.ingest('referrals');
SELECT source_row, reason, message FROM referral_crm.ingest_rejects
 WHERE feed = 'referrals' AND batch_id = (SELECT max(batch_id) FROM referral_crm.ingest_batches) ORDER BY source_row;
SELECT r.source_id, e.dimension, e.from_value, e.to_value, e.batch_id = r.batch_id AS same_batch
  FROM referral_crm.referral_events e JOIN referral_crm.referrals r USING (referral_id)
 WHERE r.source_system = 'ehr' ORDER BY r.source_id, e.event_id;

------------------------------------------------------------------------
-- Appointments and claims.
------------------------------------------------------------------------
COPY referral_crm.staging_appointments FROM STDIN (FORMAT csv, HEADER);
source_system,appointment_id,referral_id,patient_mrn,patient_birth_date,patient_sex,patient_zip,clinician_npi,location_code,status,start_at,end_at,booked_at,cancelled_at,cancel_reason,reminder_sent
ehr,A1,R1,M1,,,,1003120866,LOC-HEART,booked,2026-09-10T09:00:00-04:00,2026-09-10T09:30:00-04:00,2026-09-02T12:00:00-04:00,,,true
ehr,A2,R2,M2,,,,,,no-show,2026-09-12T09:00:00Z,,2026-09-03T09:00:00Z,,,false
ehr,A3,R1,M1,,,,,,booked,2026-08-01T09:00:00Z,,,,,
ehr,A4,R1,M2,,,,,,booked,2026-09-15T09:00:00Z,,,,,
ehr,A5,R99,M1,,,,,,booked,2026-09-15T09:00:00Z,,,,,
ehr,A6,,M4,1950-05-05,F,04401,,,fulfilled,2025-01-15T09:00:00Z,,,,,
ehr,A7,,M4,,,,1999999999,,booked,2026-09-15T09:00:00Z,,,,,
ehr,A8,,M4,,,,,,booked,2026-09-15T09:00:00Z,2026-09-15T08:00:00Z,,,,
ehr,A9,,M4,,,,,,booked,2026-09-15T09:00:00Z,,,,,sometimes
ehr,A10,,M4,,,,1215922828,,booked,2026-09-15T09:00:00Z,,,,,
ehr,A11,,M4,,,,,NO-SUCH-LOC,booked,2026-09-15T09:00:00Z,,,,,
ehr,A12,,M4,,,,,,booked,,,,,,
\.
SELECT inserted, updated, unchanged, rejected FROM referral_crm.ingest('appointments');
SELECT source_row, reason, message FROM referral_crm.ingest_rejects WHERE feed = 'appointments' ORDER BY source_row;
SELECT a.source_id, a.status, a.referral_id IS NOT NULL AS linked, a.clinician_id IS NOT NULL AS has_clinician, a.reminder_sent
  FROM referral_crm.appointments a WHERE a.source_system = 'ehr' ORDER BY 1;

COPY referral_crm.staging_claims FROM STDIN (FORMAT csv, HEADER);
source_system,claim_number,frequency,claim_type,patient_mrn,patient_birth_date,patient_sex,patient_zip,billing_npi,rendering_npi,referring_npi,referring_name,payer_code,payer_class,service_from,service_to,place_of_service,total_charge,paid_amount,diagnosis_codes,referral_number,prior_auth_number
bill,CLM-1,1,professional,M1,,,,1234567893,1003120866,1003254178,,00120,MB,20260910,20260910,11,250.00,180.00,R07.9,RN-1,
bill,CLM-2,1,,M9,,,,1234567893,1003120866,,SMITH BOB,60054,CI,2026-09-12,,22,$1200.50,,M17.11,,PA-7
bill,CLM-3,1,,M9,,,,,,,,,,2026-09-12,,11,-40.00,,,,
bill,CLM-4,1,,M9,,,,,,,,,,2026-09-12,,11,12x,,,,
bill,CLM-5,2,,M9,,,,,,,,,,2026-09-12,,11,10,,,,
bill,CLM-6,1,,M9,,,,,,,,,,2026-09-12,2026-09-01,11,10,,,,
bill,CLM-7,1,,M9,,,,,1003120867,,,,,2026-09-12,,11,10,,,,
bill,CLM-1,1,professional,M1,,,,1234567893,1003120866,1003254178,,00120,MB,20260910,20260910,11,250.00,180.00,R07.9,RN-1,
\.
SELECT inserted, updated, unchanged, rejected FROM referral_crm.ingest('claims');
SELECT source_row, reason, message FROM referral_crm.ingest_rejects WHERE feed = 'claims' ORDER BY source_row;
SELECT c.claim_number, c.total_charge, c.payer_class, c.referral_id IS NOT NULL AS linked_to_referral,
       c.referring_name, c.rendering_clinician_id IS NOT NULL AS rendering_linked
  FROM referral_crm.claims c WHERE c.source_system = 'bill' ORDER BY 1;

-- Every staged row is accounted for, in every batch.
SELECT feed, inserted + updated + unchanged + rejected = (details->>'staged')::bigint AS adds_up,
       rejected = (SELECT count(*) FROM referral_crm.ingest_rejects r WHERE r.batch_id = b.batch_id) AS rejects_match
  FROM referral_crm.ingest_batches b ORDER BY batch_id;

-- Bad calls.
SELECT * FROM referral_crm.ingest('billing');
SELECT * FROM referral_crm.stage_csv('claims', 'source_system,claim_no' || E'\n' || 'x,y');
SELECT * FROM referral_crm.stage_csv('claims', '');
SELECT * FROM referral_crm.stage_csv('nope', 'a');
SELECT inserted, updated, unchanged, rejected FROM referral_crm.ingest('claims');

------------------------------------------------------------------------
-- Defects found by a review, each shown fixed.
------------------------------------------------------------------------
SELECT array_to_string(columns, ',') AS h_ref FROM referral_crm.ingest_feeds WHERE feed = 'referrals' \gset
SELECT array_to_string(columns, ',') AS h_clm FROM referral_crm.ingest_feeds WHERE feed = 'claims' \gset
SELECT array_to_string(columns, ',') AS h_dir FROM referral_crm.ingest_feeds WHERE feed = 'directory' \gset
-- A blank status or stage keeps the stored one (and its reason): it used
-- to abort the whole load (stage back to 'new') or reset an on-hold
-- referral to 'requested'.
SELECT staged FROM referral_crm.stage_csv('referrals', :'h_ref' || E'\n' ||
  'rv,RV1,MV1,Ann,Lee,1970-01-01,female,04101,,EN,2026-01-05,2026-01-06,1003254178,,,cardiology,,,routine,chest pain,R07.9,,,,,fax,RN-RV1,,,in-progress,,scheduled,,,' || E'\n' ||
  'rv,RV2,MV2,Bo,Ray,1971-02-02,male,04102,,en-US,2026-01-05,2026-01-06,,,,cardiology,,,routine,x,R07.9,,,,,fax,RN-RV2,,,on-hold,waiting for records,new,,,');
SELECT inserted, updated, unchanged, rejected FROM referral_crm.ingest('referrals');
SELECT staged FROM referral_crm.stage_csv('referrals', :'h_ref' || E'\n' ||
  'rv,RV1,MV1,Ann,Lee,1970-01-01,female,04101,,en,2026-01-05,2026-01-06,1234567893,,,cardiology,,,routine,chest pain,R07.9,,,,,fax,RN-RV1,,,,,,,,' || E'\n' ||
  'rv,RV2,MV2,Bo,Ray,1971-02-02,male,04102,,en,2026-01-05,2026-01-06,,,,cardiology,,,urgent,x,R07.9,,,,,fax,RN-RV2,,,,,,,,');
SELECT inserted, updated, unchanged, rejected FROM referral_crm.ingest('referrals');
-- (and the referring clinician follows a changed NPI: 1234567893 is in no directory)
SELECT r.source_id, r.status, r.status_reason, r.stage, r.priority, r.referring_npi,
       r.referring_clinician_id IS NOT NULL AS referrer_linked, p.preferred_language
  FROM referral_crm.referrals r JOIN referral_crm.patients p USING (patient_id)
 WHERE r.source_system = 'rv' ORDER BY 1;
-- A claim links to the referral its number names only if that is not
-- another patient's: same system, other patient -> unlinked; another
-- system with no contradicting demographics -> linked; another system
-- with another birth date -> unlinked.
SELECT staged FROM referral_crm.stage_csv('claims', :'h_clm' || E'\n' ||
  'rv,CV1,1,professional,MV9,,,,,,,,,,20260201,,11,100.00,,R07.9,RN-RV2,' || E'\n' ||
  'rvbill,CV2,1,professional,MV2,,,,,,,,,,20260201,,11,100.00,,R07.9,RN-RV2,' || E'\n' ||
  'rvbill,CV3,1,professional,MV8,1990-09-09,,,,,,,,,20260201,,11,100.00,,R07.9,RN-RV2,');
SELECT inserted, updated, unchanged, rejected FROM referral_crm.ingest('claims');
SELECT c.claim_number, c.referral_id IS NOT NULL AS linked FROM referral_crm.claims c
 WHERE c.source_system IN ('rv', 'rvbill') ORDER BY 1;
-- A key longer than an index entry holds is a reject of its own row, not
-- the failure of the whole load.
SELECT staged FROM referral_crm.stage_csv('referrals', :'h_ref' || E'\n' ||
  'rv,' || (SELECT string_agg(md5(i::text), '') FROM generate_series(1, 100) i) || ',MV3,,,,,,,,2026-01-05,,,,,,,,,,,,,,,,,,,,,,,,' || E'\n' ||
  'rv,RV4,MV4,,,,,,,,2026-01-05,,,,,,,,,' || repeat('long reason ', 300) || ',,,,,,,,,,,,,,,');
SELECT inserted, updated, unchanged, rejected FROM referral_crm.ingest('referrals');
SELECT reason, message FROM referral_crm.ingest_rejects WHERE feed = 'referrals' AND reason = 'value_too_long';
SELECT (j->>'inserted')::int AS inserted, (j->>'rejected')::int AS rejected
  FROM (SELECT to_jsonb(x) AS j FROM referral_crm.ingest_fhir(jsonb_build_object('resourceType', 'Bundle', 'type', 'batch', 'entry',
          jsonb_build_array(jsonb_build_object('resource', jsonb_build_object('resourceType', 'Patient', 'id', (SELECT string_agg(md5(i::text), '') FROM generate_series(1, 100) i))),
                            jsonb_build_object('resource', jsonb_build_object('resourceType', 'Patient', 'id', 'rv-fp1',
                                               'communication', jsonb_build_array(jsonb_build_object('language', jsonb_build_object('text', 'FR')))))))) x) s;
SELECT reason FROM referral_crm.ingest_rejects WHERE feed = 'fhir' AND reason = 'value_too_long';
SELECT preferred_language FROM referral_crm.patients WHERE source_id = 'rv-fp1';
-- Two directory rows naming one organisation NPI from two source systems:
-- one organisation (it used to abort the load); one address written with
-- ZIP 4101 and 04101: one location.
SELECT staged FROM referral_crm.stage_csv('directory', :'h_dir' || E'\n' ||
  'rvA,1003887514,Ada,,Acme,,MD,,,,Acme Clinic,1003307752,,,10 Elm St,,Portland,ME,4101,,,,,,,,,' || E'\n' ||
  'rvB,1003044488,Bea,,Acme,,MD,,,,Acme Clinic,1003307752,,,10 Elm St,,Portland,ME,04101,,,,,,,,,' || E'\n' ||
  'rvA,1003044488,Bea,,Acme,,MD,,,,Acme Clinic,1003307752,,,10 Elm St,,Portland,ME,04101,,,,,,,,,');
SELECT inserted, updated, unchanged, rejected FROM referral_crm.ingest('directory');
SELECT count(*) AS organisations FROM referral_crm.organizations WHERE npi = '1003307752';
SELECT source_system, count(*) AS locations FROM referral_crm.locations WHERE source_system IN ('rvA', 'rvB') GROUP BY 1 ORDER BY 1;
-- A row that reaches neither its table nor the rejects fails the load (here
-- a trigger of the site's own swallows it).
CREATE FUNCTION pg_temp.swallow() RETURNS trigger LANGUAGE plpgsql AS
$$BEGIN IF NEW.source_id = 'RV-SWALLOWED' THEN RETURN NULL; END IF; RETURN NEW; END$$;
CREATE TRIGGER swallow BEFORE INSERT ON referral_crm.referrals FOR EACH ROW EXECUTE FUNCTION pg_temp.swallow();
SELECT staged FROM referral_crm.stage_csv('referrals', :'h_ref' || E'\n' || 'rv,RV-SWALLOWED,MV5,,,,,,,,2026-01-05,,,,,,,,,,,,,,,,,,,,,,,,');
\set VERBOSITY terse
SELECT inserted FROM referral_crm.ingest('referrals');
\set VERBOSITY default
DROP TRIGGER swallow ON referral_crm.referrals;
SELECT inserted, rejected FROM referral_crm.ingest('referrals');
-- An unterminated quote in one row does not swallow the rows after it:
-- the malformed record is the line the row starts on, and reading resumes
-- at the next line.  Every row is either staged or reported malformed.
------------------------------------------------------------------------
\set cheader 'source_system,claim_number,frequency,claim_type,patient_mrn,patient_birth_date,patient_sex,patient_zip,billing_npi,rendering_npi,referring_npi,referring_name,payer_code,payer_class,service_from,service_to,place_of_service,total_charge,paid_amount,diagnosis_codes,referral_number,prior_auth_number'
-- a quote opened in row 2 and never closed
SELECT load_id AS q_load1, staged AS staged1, malformed AS malformed1
  FROM referral_crm.stage_csv('claims', :'cheader' || E'\n' ||
$csv$bill,CLM-Q1,1,,M9,,,,,,,,,,2026-09-12,,11,10,,,,
bill,CLM-Q2,1,,M9,,,,,,,,,,2026-09-12,,11,10,,"M51.16,,
bill,CLM-Q3,1,,M9,,,,,,,,,,2026-09-12,,11,10,,,,
bill,CLM-Q4,1,,M9,,,,,,,,,,2026-09-12,,11,10,,,,
$csv$) \gset
-- a quote opened in row 2 and "closed" by the quote that opens row 3's
-- legitimate multi-line field: row 3 is still read as its own record
SELECT load_id AS q_load2, staged AS staged2, malformed AS malformed2
  FROM referral_crm.stage_csv('claims', :'cheader' || E'\r\n' ||
$csv$bill,CLM-Q5,1,,M9,,,,,,,,,,2026-09-12,,11,10,,"M51.16,,
bill,CLM-Q6,1,,M9,,,,,,,,,,2026-09-12,,11,10,,"M17.11
(second line)",,
bill,CLM-Q7,1,,M9,,,,,,,,,,2026-09-12,,11,10,,,,
$csv$) \gset
SELECT :staged1 AS staged, :malformed1 AS malformed UNION ALL SELECT :staged2, :malformed2;
SELECT load_id = :q_load2 AS second_file, row_no, fields[2] AS claim_number, fields[20] AS diagnosis_codes, problem, raw
  FROM referral_crm.staged_rows WHERE load_id IN (:q_load1, :q_load2) ORDER BY load_id, row_no;
SELECT inserted, updated, unchanged, rejected FROM referral_crm.ingest('claims');
SELECT load_id = :q_load2 AS second_file, source_row, reason, message FROM referral_crm.ingest_rejects
 WHERE feed = 'claims' AND load_id IN (:q_load1, :q_load2) ORDER BY load_id, source_row;
SELECT claim_number FROM referral_crm.claims WHERE claim_number LIKE 'CLM-Q%' ORDER BY 1;

-- A feed's date-time without an offset is the organisation's local time
-- (crm_config.time_zone), whatever the session's zone.
UPDATE referral_crm.crm_config SET time_zone = 'America/New_York';
SET TimeZone = 'Asia/Tokyo';
SELECT staged FROM referral_crm.stage_csv('referrals', :'header' || E'\n' ||
$csv$ehr,TZ1,M-TZ1,Tia,Zone,1970-01-01,F,04101,,,2026-03-01 09:15,2026-03-01T10:00:00-05:00,,,,cardiology,,,routine,,,,,,,,,,,,,,,,
$csv$);
SELECT inserted, rejected FROM referral_crm.ingest('referrals');
SELECT authored_at AT TIME ZONE 'UTC' AS authored_utc, received_at AT TIME ZONE 'UTC' AS received_utc
  FROM referral_crm.referrals WHERE source_system = 'ehr' AND source_id = 'TZ1';
UPDATE referral_crm.crm_config SET time_zone = 'UTC';
SET TimeZone = 'UTC';
