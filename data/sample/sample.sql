-- data/sample/sample.sql: a small, deterministic sample for the quick start.
-- Clinicians are real entries of the CMS Doctors and Clinicians file for
-- Maine (US government public data); patients and referrals are invented.

BEGIN;

INSERT INTO referral_crm.organizations (name, kind, in_network, source_system, source_id) VALUES
  ('Casco Bay Health', 'health-system', true, 'sample', 'ORG-1'),
  ('Kennebec Family Practice', 'practice', false, 'sample', 'ORG-2'),
  ('Penobscot Primary Care', 'practice', false, 'sample', 'ORG-3');

INSERT INTO referral_crm.locations (organization_id, name, city, state, zip, latitude, longitude, source_system, source_id) VALUES
  (1, 'Casco Bay Heart and Vascular', 'PORTLAND', 'ME', '04102', 43.6591, -70.2568, 'sample', 'LOC-1'),
  (1, 'Casco Bay Orthopedics', 'SCARBOROUGH', 'ME', '04074', 43.5781, -70.3217, 'sample', 'LOC-2'),
  (1, 'Casco Bay Specialty Clinic', 'BANGOR', 'ME', '04401', 44.8012, -68.7778, 'sample', 'LOC-3');

INSERT INTO referral_crm.clinicians
  (npi, name_as_given, given_name, family_name, specialty, organization_id, in_network, source_system, source_id)
VALUES
  ('1003254178', 'KATHARINE ANDERSON', 'KATHARINE', 'ANDERSON', 'family-medicine', 2, false, 'sample', '1003254178'),
  ('1003307752', 'CATHERINE BATZ', 'CATHERINE', 'BATZ', 'family-medicine', 2, false, 'sample', '1003307752'),
  ('1003887514', 'ERINN WRIGHT', 'ERINN', 'WRIGHT', 'family-medicine', 3, false, 'sample', '1003887514'),
  ('1003044488', 'MARSHALL CHAMBERLIN', 'MARSHALL', 'CHAMBERLIN', 'internal-medicine', 3, false, 'sample', '1003044488'),
  ('1003379884', 'RAYMOND CHERIAN', 'RAYMOND', 'CHERIAN', 'internal-medicine', 3, false, 'sample', '1003379884'),
  ('1003078080', 'HEIDI ROY', 'HEIDI', 'ROY', 'nurse-practitioner', 2, false, 'sample', '1003078080'),
  ('1003120866', 'EDDY KARNABI', 'EDDY', 'KARNABI', 'cardiology', 1, true, 'sample', '1003120866'),
  ('1003885708', 'HEINRICH GRUBE', 'HEINRICH', 'GRUBE', 'cardiology', 1, true, 'sample', '1003885708'),
  ('1003310046', 'MICHAEL ROBERTS', 'MICHAEL', 'ROBERTS', 'orthopedic-surgery', 1, true, 'sample', '1003310046'),
  ('1013211879', 'JAMES JOSEPH', 'JAMES', 'JOSEPH', 'orthopedic-surgery', 1, true, 'sample', '1013211879'),
  ('1013076678', 'ROBERT KENNEY', 'ROBERT', 'KENNEY', 'dermatology', 1, true, 'sample', '1013076678'),
  ('1003037300', 'STEPHEN BRAND', 'STEPHEN', 'BRAND', 'gastroenterology', 1, true, 'sample', '1003037300'),
  ('1003187808', 'JUSTIN CHEONGSIATMOY', 'JUSTIN', 'CHEONGSIATMOY', 'neurology', 1, true, 'sample', '1003187808');

INSERT INTO referral_crm.payers (payer_code, name, payer_class, source_system, source_id) VALUES
  ('00120', 'Medicare Part B', 'medicare', 'sample', 'P1'),
  ('77027', 'MaineCare', 'medicaid', 'sample', 'P2'),
  ('60054', 'Pine Tree Health Plan', 'commercial', 'sample', 'P3');

INSERT INTO referral_crm.payer_plans (payer_id, plan_code, name, plan_type, requires_referral, prior_auth_required, source_system, source_id) VALUES
  (1, 'FFS', 'Medicare fee-for-service', 'ffs', false, false, 'sample', 'PL1'),
  (2, 'STD', 'MaineCare standard', 'other', true, true, 'sample', 'PL2'),
  (3, 'HMO', 'Pine Tree HMO', 'hmo', true, true, 'sample', 'PL3'),
  (3, 'PPO', 'Pine Tree PPO', 'ppo', false, false, 'sample', 'PL4');

-- 60 patients and 120 referrals with a deterministic spread of referrers,
-- specialties, priorities and payers.
INSERT INTO referral_crm.patients (given_name, family_name, birth_date, sex, zip, source_system, source_id)
SELECT (ARRAY['Ana','Ben','Cara','Dev','Eli','Fay','Gus','Hana','Ivo','Jo'])[1 + g % 10],
       (ARRAY['Adams','Baker','Cote','Dube','Ellis','Fortin','Gagnon','Hale'])[1 + g % 8],
       date '1940-01-01' + (g * 397) % 25000,
       CASE WHEN g % 2 = 0 THEN 'female' ELSE 'male' END,
       (ARRAY['04101','04074','04401','04330','04240'])[1 + g % 5],
       'sample', 'MRN-' || g
  FROM generate_series(1, 60) g;

INSERT INTO referral_crm.referrals
  (patient_id, authored_at, referring_clinician_id, referring_npi, target_specialty, target_location_id,
   priority, payer_id, plan_id, channel, status, status_reason, stage, stage_reason, source_system, source_id)
SELECT 1 + g % 60,
       timestamptz '2026-09-01 08:00+00' + (g * 17 % 80) * interval '1 day' + (g % 9) * interval '1 hour',
       r.clinician_id, r.npi, t.specialty, t.location_id,
       (ARRAY['routine','routine','routine','urgent','routine','asap','routine','stat'])[1 + g % 8],
       p.payer_id, p.plan_id,
       (ARRAY['fax','ehr','portal','fax','phone'])[1 + g % 5],
       s.status, s.reason, s.stage, s.stage_reason,
       'sample', 'REF-' || g
  FROM generate_series(1, 120) g
  JOIN LATERAL (SELECT clinician_id, npi FROM referral_crm.clinicians
                 WHERE specialty IN ('family-medicine', 'internal-medicine', 'nurse-practitioner')
                 ORDER BY clinician_id OFFSET (g * g) % 6 LIMIT 1) r ON true
  JOIN LATERAL (SELECT * FROM (VALUES ('cardiology', 1), ('orthopedic-surgery', 2), ('dermatology', 3),
                                      ('gastroenterology', 3), ('neurology', 3)) v (specialty, location_id)
                 OFFSET g % 5 LIMIT 1) t ON true
  JOIN LATERAL (SELECT payer_id, plan_id FROM referral_crm.payer_plans ORDER BY plan_id OFFSET g % 4 LIMIT 1) p ON true
  JOIN LATERAL (SELECT * FROM (VALUES
                  ('requested', NULL, 'new', NULL), ('received', NULL, 'new', NULL),
                  ('accepted', NULL, 'contacted', NULL), ('accepted', NULL, 'scheduled', NULL),
                  ('in-progress', NULL, 'scheduled', NULL), ('completed', NULL, 'visit-completed', NULL),
                  ('completed', NULL, 'visit-completed', NULL), ('on-hold', 'awaiting prior authorization', 'contacted', NULL),
                  ('rejected', 'not a covered service', 'closed-lost', 'referral declined'),
                  ('cancelled', 'patient declined', 'closed-lost', 'patient declined')) v (status, reason, stage, stage_reason)
                 OFFSET (g * 7) % 10 LIMIT 1) s ON true;

COMMIT;
