-- data/scoring/fixture.sql: a deterministic, invented referral history with
-- planted effects, for the scoring tests (test/t/121_scoring_purposes.pl).
--   conversion: good referrers (the first ten), urgent priority and short
--               distances convert more often;
--   no-show:    long lead times miss more often, reminders help.
-- Uniform numbers come from referral_crm.split_fraction(n, stream).
BEGIN;
INSERT INTO referral_crm.organizations (name, kind, in_network, source_system, source_id)
VALUES ('Fixture Health', 'health-system', true, 'fixture', 'ORG-1');

INSERT INTO referral_crm.locations (organization_id, name, city, state, zip, latitude, longitude, source_system, source_id)
SELECT o.organization_id, v.name, v.city, 'ME', v.zip, v.lat, v.lon, 'fixture', v.name
  FROM referral_crm.organizations o,
       (VALUES ('North clinic', 'BANGOR', '04401', 44.8012, -68.7778),
               ('South clinic', 'PORTLAND', '04101', 43.6591, -70.2568),
               ('West clinic', 'LEWISTON', '04240', 44.1004, -70.2148)) v (name, city, zip, lat, lon)
 WHERE o.source_id = 'ORG-1'
 ORDER BY v.name;

INSERT INTO referral_crm.clinicians (npi, given_name, family_name, specialty, source_system, source_id)
SELECT '1' || lpad(g::text, 8, '0') || referral_crm.npi_check_digit('1' || lpad(g::text, 8, '0')),
       'Ref', 'Referrer' || g, 'family-medicine', 'fixture', 'C-' || g
  FROM generate_series(1, 30) g;

INSERT INTO referral_crm.patients (given_name, family_name, birth_date, sex, zip, source_system, source_id)
SELECT 'Pat', 'Ient' || g, date '1940-01-01' + (g * 397) % 25000,
       CASE WHEN g % 2 = 0 THEN 'female' ELSE 'male' END,
       (ARRAY['04401', '04101', '04240', '04330'])[1 + g % 4],
       'fixture', 'MRN-' || g
  FROM generate_series(1, 800) g;

CREATE TEMP TABLE fixture_referrals AS
SELECT g,
       p.patient_id,
       timestamptz '2025-01-06 09:00+00' + g * interval '150 minutes' AS authored_at,
       c.clinician_id, c.npi,
       l.location_id, l.zip AS location_zip,
       (ARRAY['routine', 'routine', 'urgent', 'routine', 'asap'])[1 + g % 5] AS priority,
       referral_crm.split_fraction(g, 1) < 0.08 AS still_open,
       c.g_ref <= 10 AS good_referrer,
       p.zip AS patient_zip
  FROM generate_series(1, 3000) g
  JOIN LATERAL (SELECT patient_id, zip FROM referral_crm.patients WHERE source_id = 'MRN-' || (1 + (g * 7) % 800)) p ON true
  JOIN LATERAL (SELECT clinician_id, npi, substr(source_id, 3)::int AS g_ref FROM referral_crm.clinicians
                 WHERE source_id = 'C-' || (1 + (g * 11) % 30)) c ON true
  JOIN LATERAL (SELECT location_id, zip FROM referral_crm.locations WHERE source_system = 'fixture'
                 ORDER BY location_id OFFSET g % 3 LIMIT 1) l ON true;

-- conversion: logit = -0.3 + 1.4 good referrer + 0.9 urgent/asap - 0.6 (patient far from the clinic)
ALTER TABLE fixture_referrals ADD COLUMN converted boolean;
UPDATE fixture_referrals
   SET converted = referral_crm.split_fraction(g, 2) <
       1 / (1 + exp(-(-0.3 + 1.4 * good_referrer::int + 0.9 * (priority <> 'routine')::int
                      - 0.6 * (patient_zip <> location_zip)::int)));

INSERT INTO referral_crm.referrals
  (patient_id, authored_at, referring_clinician_id, referring_npi, target_specialty, target_location_id,
   priority, status, status_reason, stage, stage_reason, source_system, source_id)
SELECT patient_id, authored_at, clinician_id, npi, 'cardiology', location_id, priority,
       CASE WHEN still_open THEN 'accepted' WHEN converted THEN 'completed' ELSE 'cancelled' END,
       CASE WHEN NOT still_open AND NOT converted THEN 'patient declined' END,
       CASE WHEN still_open THEN 'scheduled' WHEN converted THEN 'visit-completed' ELSE 'closed-lost' END,
       CASE WHEN NOT still_open AND NOT converted THEN 'patient declined' END,
       'fixture', 'REF-' || g
  FROM fixture_referrals ORDER BY g;

-- appointments: the first one booked a day after the referral; no-show
-- logit = -2.2 + 0.035 lead days - 1.2 reminder; a converted referral
-- whose first visit was missed gets a second, attended one.
CREATE TEMP TABLE fixture_appointments AS
SELECT f.g, r.referral_id, r.patient_id, f.converted, f.still_open, f.location_id,
       r.authored_at + interval '1 day' AS booked_at,
       1 + floor(referral_crm.split_fraction(f.g, 3) * 50)::int AS lead,
       referral_crm.split_fraction(f.g, 4) < 0.7 AS reminder
  FROM fixture_referrals f
  JOIN referral_crm.referrals r ON r.source_system = 'fixture' AND r.source_id = 'REF-' || f.g;
ALTER TABLE fixture_appointments ADD COLUMN missed boolean;
UPDATE fixture_appointments
   SET missed = referral_crm.split_fraction(g, 5) < 1 / (1 + exp(-(-2.2 + 0.035 * lead - 1.2 * reminder::int)));

INSERT INTO referral_crm.appointments
  (referral_id, patient_id, location_id, status, start_at, booked_at, reminder_sent, source_system, source_id)
SELECT referral_id, patient_id, location_id,
       CASE WHEN still_open THEN 'booked' WHEN missed THEN 'noshow' WHEN converted THEN 'fulfilled' ELSE 'cancelled' END,
       CASE WHEN still_open THEN date_trunc('day', now()) + interval '30 days' + (g % 20) * interval '1 day' + interval '9 hours'
            ELSE booked_at + lead * interval '1 day' END,
       booked_at, reminder, 'fixture', 'A1-' || g
  FROM fixture_appointments
UNION ALL
SELECT referral_id, patient_id, location_id, 'fulfilled',
       booked_at + (lead + 14) * interval '1 day', booked_at + (lead + 1) * interval '1 day', true, 'fixture', 'A2-' || g
  FROM fixture_appointments
 WHERE missed AND converted AND NOT still_open;
COMMIT;
